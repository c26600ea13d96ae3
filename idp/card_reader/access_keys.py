"""The access key a reader is given to open a chip (khóa truy cập chip): ICAO 9303 Part 11 §4.3, Basic
Access Control's "MRZ information": the document number, the date of birth and the date of expiry.

A Vietnamese card's document number is the last nine digits of the PIN (:mod:`idp.chip.mrz`), so the
whole 12-digit PIN is taken too. The dates are ``YYMMDD`` as the MRZ prints them; an operator typing
from the card's face may write ``DD/MM/YYYY``; a card valid for life has the expiry ``<<<<<<``.
"""

import re
from dataclasses import dataclass

from idp.chip.mrz import NO_EXPIRY

NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}")
MRZ_DATE = re.compile(r"[0-9]{6}")
PRINTED_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/[0-9]{2}([0-9]{2})")


@dataclass(frozen=True)
class AccessKey:
    """What opens a chip; the dates as ``YYMMDD`` (the expiry may be ``<<<<<<``)."""

    card_number: str
    birth_date: str
    expiry_date: str


def _mrz_date(text: str) -> str | None:
    """``YYMMDD`` from ``YYMMDD`` or ``DD/MM/YYYY``; None for anything else."""
    text = text.strip()
    if MRZ_DATE.fullmatch(text):
        return text
    printed = PRINTED_DATE.fullmatch(text)
    return f"{printed.group(3)}{printed.group(2)}{printed.group(1)}" if printed else None


def typed_key(card_number: str, birth_date: str, expiry_date: str) -> AccessKey | None:
    """The key an operator typed, or None when it has not the shape of one."""
    number = card_number.strip().replace(" ", "")
    birth = _mrz_date(birth_date)
    expiry = NO_EXPIRY if expiry_date.strip() == NO_EXPIRY else _mrz_date(expiry_date)
    if not NUMBER.fullmatch(number) or birth is None or expiry is None:
        return None
    return AccessKey(number, birth, expiry)
