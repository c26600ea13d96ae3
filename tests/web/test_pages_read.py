"""Every page of the provider reads as a page of a Vietnamese public service, in Vietnamese and in
English: the page is in the language asked for, no Vietnamese page shows a word of the English
catalogue, and no page shows a raw value (``male``, ``VN``, an ISO date, ``UTC``, ``None``); the two
catalogues hold the same keys with the same placeholders, and a missing message fails the render."""

import re
import string
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import UndefinedError

from idp.oidc.answer import View
from idp.web import rendering
from idp.web.translations import CATALOGUES
from idp.web.translations import MESSAGES
from idp.web.translations import MissingMessageError
from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents
from tests.page_reading import english_words
from tests.page_reading import problems
from tests.web.page_tour import PAGES

__all__ = ["client", "env", "forget_consents"]  # the provider's fixtures
ENGLISH = english_words(Path(MESSAGES))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_reads_in_its_language(client: TestClient, name: str, lang: str) -> None:
    response = PAGES[name](client, lang)
    assert response.headers["content-type"].startswith("text/html"), response.text
    assert problems(response.text, lang, ENGLISH) == [], name


def test_an_english_word_on_a_vietnamese_page_is_caught() -> None:
    """The check itself: an untranslated English message on a Vietnamese page is found."""
    html = '<html lang="vi"><body><p>Số định danh cá nhân · Password</p></body></html>'
    assert problems(html, "vi", ENGLISH) == ["English word 'password'"]
    raw = '<html lang="en"><body><p>Sex: male, born 1990-01-02 VN 10:00 UTC</p></body></html>'
    assert len(problems(raw, "en", ENGLISH)) == 4


def test_both_catalogues_hold_the_same_keys() -> None:
    assert sorted(set(CATALOGUES["vi"]) ^ set(CATALOGUES["en"])) == []


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_fill_the_same_placeholders() -> None:
    differing = [
        key
        for key, text in CATALOGUES["vi"].items()
        if _placeholders(text) != _placeholders(CATALOGUES["en"][key])
    ]
    assert differing == []


def test_a_missing_message_fails_the_render(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('{{ t("nowhere.to_be_found") }}', encoding="utf-8")
    loader = FileSystemLoader(tmp_path)
    environment: Environment = rendering.ENVIRONMENT.overlay(loader=loader)
    with pytest.raises(MissingMessageError):
        environment.get_template("page.html").render(lang="vi")


def test_a_missing_plain_message_fails_the_render(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('{{ m["nowhere.to_be_found"] }}', encoding="utf-8")
    environment = rendering.ENVIRONMENT.overlay(loader=FileSystemLoader(tmp_path))
    with pytest.raises(UndefinedError):
        environment.get_template("page.html").render(lang="vi", m=CATALOGUES["vi"])


def test_every_message_a_template_names_is_in_both_catalogues() -> None:
    named = re.compile(r'\bm\["([a-z0-9_.]+)"\]|\bt\("([a-z0-9_.]+)"')
    keys = {
        plain or formatted
        for path in Path(rendering.TEMPLATES).glob("*.html")
        for plain, formatted in named.findall(path.read_text(encoding="utf-8"))
        if not (plain or formatted).endswith((".", "_"))  # the start of a key computed on the page
    }
    assert len(keys) > 100
    assert sorted(k for k in keys if k not in CATALOGUES["vi"] or k not in CATALOGUES["en"]) == []


def test_an_undefined_value_fails_the_render() -> None:
    with pytest.raises(Exception, match="undefined"):
        rendering.render(View("login.html", {}, "vi"))


def test_every_template_is_used_by_a_page() -> None:
    """No template is left behind unrendered by the tour above (the pieces are included)."""
    pieces = {"base.html", "macros.html"}
    names = {p.name for p in Path(rendering.TEMPLATES).glob("*.html")} - pieces
    sources = "".join(p.read_text(encoding="utf-8") for p in Path("idp").rglob("*.py"))
    unused = [n for n in sorted(names) if not n.startswith("_") and f'"{n}"' not in sources]
    assert unused == []
    assert all(re.fullmatch(r"[a-z_]+\.html", n) for n in names)
