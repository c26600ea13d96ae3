"""The apps' message catalogues: the same keys in every language, every placeholder in both, every key a
template names present, and a missing key an error, never the key shown as words."""

import re
import string
from pathlib import Path

import pytest

import clients
from clients.rp.catalogue import DEFAULT_LANGUAGE
from clients.rp.catalogue import LANGUAGES
from clients.rp.catalogue import MESSAGES_DIR
from clients.rp.catalogue import MissingMessageError
from clients.rp.catalogue import catalogue
from clients.rp.catalogue import load_catalogue
from clients.rp.rendering import TEMPLATES_DIR


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_vietnamese_first() -> None:
    assert DEFAULT_LANGUAGE == "vi"
    assert set(LANGUAGES) == {"vi", "en"}


def test_every_language_has_the_same_keys() -> None:
    words = catalogue()
    assert words.keys("en") == words.keys("vi")
    assert len(words.keys("vi")) > 100


def test_every_message_names_the_same_placeholders_in_both_languages() -> None:
    words = catalogue()
    differing = {
        key: (words.text("vi", key), words.text("en", key))
        for key in words.keys("vi")
        if _placeholders(words.messages["vi"][key]) != _placeholders(words.messages["en"][key])
    }
    assert differing == {}


def test_every_literal_key_of_the_templates_exists() -> None:
    named = set()
    for template in TEMPLATES_DIR.rglob("*.html"):
        named |= set(
            re.findall(
                r"""\bt\(\s*["']([a-z_]+(?:\.[A-Za-z0-9_]+)+)["']\s*[,)]""", template.read_text()
            )
        )
    assert named, "no key found: the pattern no longer matches the templates"
    assert sorted(named - catalogue().keys("vi")) == []


def test_a_missing_key_raises() -> None:
    with pytest.raises(MissingMessageError, match=r"rp\.no_such_message"):
        catalogue().text("vi", "rp.no_such_message")
    with pytest.raises(MissingMessageError):
        catalogue().text("fr", "rp.log_out")


def test_a_missing_value_raises() -> None:
    with pytest.raises(KeyError):
        catalogue().text("vi", "rp.log_in")  # "{level}" left unfilled


def test_values_fill_the_placeholders() -> None:
    assert catalogue().text("vi", "rp.log_in", level="LoA2") == "Đăng nhập bằng VNeID (mức LoA2)"
    assert catalogue().text("en", "rp.log_in", level="LoA2") == "Log in with VNeID (level LoA2)"


def test_a_file_holds_only_messages_and_tables(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "x.toml").write_text('a = "A"\n[b]\nc = "C"\n', encoding="utf-8")
    assert load_catalogue(tmp_path).text("en", "x.b.c") == "C"
    (tmp_path / "vi" / "x.toml").write_text("a = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.a"):
        load_catalogue(tmp_path)


def test_every_literal_key_of_the_code_exists() -> None:
    """The keys Python names (an error page's message, a flow's purpose)."""
    stems = "|".join(path.stem for path in (MESSAGES_DIR / "vi").glob("*.toml"))
    pattern = re.compile(rf"""["']((?:{stems})\.[a-z_]+(?:\.[a-z0-9_]+)*)["']""")
    named = set()
    for module in Path(clients.__file__).parent.rglob("*.py"):
        named |= set(pattern.findall(module.read_text(encoding="utf-8")))
    named = {name for name in named if not name.endswith((".html", ".json"))}  # file names
    assert "bank.errors.insufficient_balance" in named
    keys = catalogue().keys("vi")
    tables = {key.rsplit(".", 1)[0] for key in keys}  # a table's words: "rp.sex" and its codes
    assert sorted(named - keys - tables) == []
