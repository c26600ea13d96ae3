"""The personal identification number (số định danh cá nhân): structure, composition and validation.

A PIN is 12 digits laid out ``PPP G YY NNNNNN`` (Circular 07/2016/TT-BCA, Annex I and III): the code of the
province where the birth was registered, a digit that encodes century and sex, the last two digits of the
birth year and six serial digits. There is no check digit, so a PIN is valid only structurally.
"""

from dataclasses import dataclass
from datetime import date

from idp.population_db.codes import Sex
from idp.population_db.units import load_units

PIN_LENGTH = 12
FIRST_CENTURY = 1900
LAST_CENTURY = 2300


@dataclass(frozen=True, slots=True)
class DecodedPin:
    """What the structured digits of a PIN say."""

    province_code: int
    sex: Sex
    birth_year: int
    serial: int


def century_sex_digit(birth_year: int, sex: Sex) -> int:
    """The ``G`` digit: 0/1 for a male/female born in the 1900s, 2/3 in the 2000s, and so on."""
    if not FIRST_CENTURY <= birth_year < LAST_CENTURY + 100:
        raise ValueError(f"no century digit for birth year {birth_year}")
    return 2 * ((birth_year - FIRST_CENTURY) // 100) + (0 if sex is Sex.MALE else 1)


def compose_pin(province_code: int, birth_year: int, sex: Sex, serial: int) -> str:
    """Build the PIN of a citizen from its structured parts."""
    if not 0 <= serial < 1_000_000:
        raise ValueError(f"serial out of range: {serial}")
    g = century_sex_digit(birth_year, sex)
    return f"{province_code:03d}{g}{birth_year % 100:02d}{serial:06d}"


def decode_pin(pin: str) -> DecodedPin:
    """Read the structured parts of a well-formed PIN (use :func:`validate_pin` first for untrusted input)."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        raise ValueError("a PIN is 12 ASCII digits")
    g = int(pin[3])
    return DecodedPin(
        province_code=int(pin[:3]),
        sex=Sex.MALE if g % 2 == 0 else Sex.FEMALE,
        birth_year=FIRST_CENTURY + 100 * (g // 2) + int(pin[4:6]),
        serial=int(pin[6:]),
    )


def validate_pin(pin: str, *, birth_date: date | None = None, sex: Sex | None = None) -> list[str]:
    """Every reason ``pin`` is not a valid PIN (an empty list when it is).

    The structure is checked always; when ``birth_date`` and/or ``sex`` are given, the century/sex digit
    and the year digits must agree with them.
    """
    reasons: list[str] = []
    if len(pin) != PIN_LENGTH:
        reasons.append(f"length is {len(pin)}, a PIN has {PIN_LENGTH} digits")
    if not (pin.isascii() and pin.isdigit()):
        reasons.append("contains characters other than the digits 0-9")
    if reasons:
        return reasons
    if not load_units().is_legacy_pin_prefix(pin[:3]):
        reasons.append(f"unknown province code {pin[:3]}")
    decoded = decode_pin(pin)
    if birth_date is not None and decoded.birth_year != birth_date.year:
        reasons.append(
            f"century/year digits say born in {decoded.birth_year}, "
            f"birth date is in {birth_date.year}"
        )
    if sex is not None and decoded.sex is not sex:
        reasons.append(f"century/sex digit {pin[3]} says {decoded.sex.value}, sex is {sex.value}")
    return reasons
