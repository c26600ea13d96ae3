"""The machine-readable zone (vùng MRZ) of the identity card: ICAO 9303 Part 5, TD1 (three lines of 30).

The Vietnamese layout follows the domain reference (§3.2): the document number is the last nine digits of
the PIN, the optional field carries the whole PIN, and the name line is ``FAMILY<<MIDDLE<GIVEN`` without
diacritics. Not public, so chosen in the ICAO shape: the last character of line 1 is the check digit of
the 12-digit PIN, and a card valid for life ("không thời hạn") prints its expiry as ``<<<<<<``.
The access key a reader needs to open the chip (ICAO 9303 Part 11 §4.3, "MRZ information") is the
document number, the birth date and the expiry, each with its check digit.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

LINE = 30
_WEIGHTS = (7, 3, 1)
NO_EXPIRY = "<<<<<<"


def check_digit(field: str) -> str:
    """ICAO 9303 Part 3 §4.9: weights 7, 3, 1; digits count as themselves, A–Z as 10–35, ``<`` as 0."""
    total = 0
    for position, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == "<":
            value = 0
        else:
            raise ValueError(f"not an MRZ character: {char!r}")
        total += value * _WEIGHTS[position % 3]
    return str(total % 10)


def mrz_date(day: date | None) -> str:
    """``YYMMDD``, or fillers for no date."""
    return NO_EXPIRY if day is None else day.strftime("%y%m%d")


def transliterate(text: str) -> str:
    """Upper-case ASCII of a Vietnamese name (Đ is D; the marks dropped; anything else a filler)."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).upper()
    return "".join(c if "A" <= c <= "Z" else "<" for c in plain)


def document_number(pin: str) -> str:
    """The MRZ's nine-character document number: the PIN's last nine digits."""
    return pin[-9:]


@dataclass(frozen=True, slots=True)
class MrzFields:
    """What the MRZ is made of."""

    pin: str
    birth_date: date
    sex: str
    """``male`` or ``female``."""
    expires_on: date | None
    family_name: str
    middle_name: str
    given_name: str


def td1(fields: MrzFields) -> tuple[str, str, str]:
    """The three lines of the card's MRZ."""
    number = document_number(fields.pin)
    line1 = f"IDVNM{number}{check_digit(number)}{fields.pin}<<{check_digit(fields.pin)}"
    birth, expiry = mrz_date(fields.birth_date), mrz_date(fields.expires_on)
    sex = "M" if fields.sex == "male" else "F"
    start = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}VNM"
    start = start.ljust(LINE - 1, "<")
    composite = line1[5:30] + start[0:7] + start[8:15] + start[18:29]
    line2 = start + check_digit(composite)
    given = "<".join(transliterate(p) for p in (fields.middle_name, fields.given_name) if p)
    line3 = f"{transliterate(fields.family_name)}<<{given}"[:LINE].ljust(LINE, "<")
    return line1, line2, line3


def access_key(number: str, birth: str, expiry: str) -> str:
    """The MRZ information that opens the chip (Basic Access Control's key seed input).

    ``number`` is the nine-digit document number (or the whole PIN, whose last nine digits it is);
    ``birth`` and ``expiry`` are ``YYMMDD`` (``expiry`` is ``<<<<<<`` for a card valid for life).
    """
    number = document_number(number)
    return f"{number}{check_digit(number)}{birth}{check_digit(birth)}{expiry}{check_digit(expiry)}"
