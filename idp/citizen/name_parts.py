"""The parts of a Vietnamese name as a civil-status form takes them (họ, chữ đệm, tên): NFC-normalised,
spaces collapsed, and made only of what a name written in Vietnamese can hold: Latin letters with
their diacritics (Vietnamese and the romanised names of other ethnic groups, such as Ê Đê's
``H'Hen Niê``), spaces between words, an apostrophe or a hyphen inside one.
"""

import re
import unicodedata
from typing import Any

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def name_part(value: Any, *, limit: int, required: bool) -> tuple[str, str | None]:
    """The normalised part and None, or what is wrong with it: ``empty``, ``too_long``,
    ``invalid_characters``."""
    if value is None and not required:
        return "", None
    if not isinstance(value, str):
        return "", "invalid_characters"
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        return "", "empty" if required else None
    if len(text) > limit:
        return text, "too_long"
    if not all(_WORD.fullmatch(word) and _latin(word) for word in text.split(" ")):
        return text, "invalid_characters"
    return text, None


def _latin(word: str) -> bool:
    """Every letter of ``word`` is a Latin letter (with or without diacritics)."""
    return all(
        unicodedata.name(character, "").startswith("LATIN ")
        for character in word
        if character.isalpha()
    )
