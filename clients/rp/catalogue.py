"""The apps' words: one message catalogue per language, a directory of TOML files
(``messages/<lang>/<stem>.toml``). A message's key is ``<stem>.<key>``, nested tables adding a part each
(``bank.step_up.heading``); a message is a :meth:`str.format` template with named placeholders
(``{amount}``). Looking up a key that is not there raises :class:`MissingMessageError`: a page never shows a
key in place of words."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
"""The languages every page exists in, the default first."""
DEFAULT_LANGUAGE = LANGUAGES[0]
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


class MissingMessageError(KeyError):
    """A key the catalogue of that language does not hold."""


@dataclass(frozen=True)
class Catalogue:
    """Every language's messages, by key."""

    messages: Mapping[str, Mapping[str, str]]

    def text(self, lang: str, key: str, **values: object) -> str:
        """The message ``key`` in ``lang`` with ``values`` filled in."""
        try:
            template = self.messages[lang][key]
        except KeyError:
            raise MissingMessageError(f"no message {key!r} in {lang!r}") from None
        return template.format_map(values)

    def has(self, lang: str, key: str) -> bool:
        return key in self.messages.get(lang, {})

    def keys(self, lang: str) -> frozenset[str]:
        return frozenset(self.messages[lang])


def load_catalogue(directory: Path = MESSAGES_DIR) -> Catalogue:
    """The catalogues of :data:`LANGUAGES` under ``directory``."""
    return Catalogue({lang: _read_language(directory / lang) for lang in LANGUAGES})


@cache
def catalogue() -> Catalogue:
    """The apps' catalogue, read once."""
    return load_catalogue()


def _read_language(directory: Path) -> dict[str, str]:
    messages: dict[str, str] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise FileNotFoundError(f"no message files in {directory}")
    for file in files:
        table = tomllib.loads(file.read_text(encoding="utf-8"))
        messages.update(_flatten(file.stem, table))
    return messages


def _flatten(prefix: str, table: Mapping[str, object]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, str):
            flat[key] = value
        elif isinstance(value, dict):
            flat.update(_flatten(key, value))
        else:
            raise ValueError(f"{key}: a message is text or a table of messages")
    return flat
