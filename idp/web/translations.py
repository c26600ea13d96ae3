"""The message catalogues of the provider's pages (bản dịch): one per language, ``messages/vi`` and
``messages/en``, a TOML file per area of the provider (``login.toml``, ``account.toml``…). A message's
key is its file's name and its key there, ``login.title``; ``{name}`` placeholders are filled with
:meth:`str.format`. Both catalogues hold the same keys (the page tests check it); a page that asks for a
key the catalogue lacks fails to render rather than show the key to a person.
"""

import tomllib
from pathlib import Path
from typing import Any

from idp.oidc.ui_locales import LANGUAGES

MESSAGES = Path(__file__).parent / "messages"


class MissingMessageError(LookupError):
    """A page asked for a message its language's catalogue does not have."""


def load(directory: Path) -> dict[str, str]:
    """Every message of one language's directory, by its dotted key."""
    found: dict[str, str] = {}
    for file in sorted(directory.glob("*.toml")):
        _flatten(tomllib.loads(file.read_text(encoding="utf-8")), file.stem, found)
    return found


def _flatten(table: dict[str, Any], prefix: str, into: dict[str, str]) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}.{key}", into)
        else:
            into[f"{prefix}.{key}"] = str(value)


CATALOGUES: dict[str, dict[str, str]] = {lang: load(MESSAGES / lang) for lang in LANGUAGES}


def message(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang``, its placeholders filled from ``values``."""
    try:
        text = CATALOGUES[lang][key]
    except KeyError:
        raise MissingMessageError(f"no message {key!r} in the {lang!r} catalogue") from None
    return text.format(**values) if values else text


def has_message(lang: str, key: str) -> bool:
    return key in CATALOGUES[lang]
