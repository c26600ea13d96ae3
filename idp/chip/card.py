"""A citizen's card as its chip holds it (chip thẻ căn cước): the files, the MRZ, the printed QR code
and the chip's own key, built on demand from the card holder's data and the same every time.

Which groups a chip has: EF.COM, DG1, DG2 (not for a card of a child under 6, which has no photo), DG13,
DG14, DG15 and EF.SOD. The printed QR string is the one hospital software reads from the card
(domain reference §3.2): ``PIN|old number|FULL NAME|DDMMYYYY|Nam/Nữ|residence|DDMMYYYY issued``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from cryptography.hazmat.primitives.asymmetric import ec

from idp.chip import lds
from idp.chip.active_auth import dg14
from idp.chip.active_auth import dg15
from idp.chip.active_auth import internal_authenticate
from idp.chip.mrz import MrzFields
from idp.chip.mrz import access_key
from idp.chip.mrz import mrz_date
from idp.chip.mrz import td1
from idp.chip.pki import authority
from idp.chip.pki import derive_key
from idp.chip.portrait import HEIGHT
from idp.chip.portrait import WIDTH
from idp.chip.portrait import portrait_jpeg
from idp.chip.sod import ef_sod

FILE_ORDER = ("EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD")
NO_EXPIRY_TEXT = "Không thời hạn"


@dataclass(frozen=True, slots=True)
class CardHolder:
    """What the card says of its holder, as the population database held it when the card was made."""

    pin: str
    family_name: str
    middle_name: str
    given_name: str
    birth_date: date
    sex: str
    """``male`` or ``female``."""
    nationality: str
    ethnicity: str
    religion: str
    origin: str
    """Quê quán."""
    residence: str
    """Nơi cư trú (the permanent address)."""
    birth_registration: str
    """Nơi đăng ký khai sinh."""
    former_number: str | None
    """The 9-digit CMND number, for citizens who had one."""
    issued_on: date
    expires_on: date | None
    issued_by: str
    portrait_id: str | None
    """None: the card has no photo (a child under 6)."""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


@dataclass(frozen=True)
class Chip:
    """The chip of one card."""

    holder: CardHolder
    files: Mapping[str, bytes]
    mrz: tuple[str, str, str]
    qr: str
    access_key: str
    """The MRZ information that opens the chip (:func:`idp.chip.mrz.access_key`)."""
    key: ec.EllipticCurvePrivateKey = field(repr=False)

    def opens_with(self, number: str, birth: str, expiry: str) -> bool:
        """Whether the access key made of ``number`` (the PIN or the 9-digit document number), ``birth``
        and ``expiry`` (``YYMMDD``) is this chip's."""
        try:
            return access_key(number, birth, expiry) == self.access_key
        except ValueError:
            return False

    def internal_authenticate(self, challenge: bytes) -> bytes:
        """Active Authentication: the chip signs the reader's 8-byte challenge."""
        return internal_authenticate(self.key, challenge)


def _day(day: date | None) -> str:
    return NO_EXPIRY_TEXT if day is None else day.strftime("%d/%m/%Y")


def dg13_values(holder: CardHolder) -> dict[int, str]:
    """The numbered DG13 fields of :data:`idp.chip.lds.DG13_FIELDS`."""
    return {
        1: holder.pin,
        2: holder.full_name,
        3: _day(holder.birth_date),
        4: "Nam" if holder.sex == "male" else "Nữ",
        5: holder.nationality,
        6: holder.ethnicity,
        7: holder.religion,
        8: holder.origin,
        9: holder.residence,
        10: holder.birth_registration,
        11: _day(holder.issued_on),
        12: _day(holder.expires_on),
        13: holder.issued_by,
        14: holder.former_number or "",
    }


def printed_qr(holder: CardHolder) -> str:
    """The string of the QR code printed on the card."""
    sex = "Nam" if holder.sex == "male" else "Nữ"
    return "|".join(
        (
            holder.pin,
            holder.former_number or "",
            holder.full_name,
            holder.birth_date.strftime("%d%m%Y"),
            sex,
            holder.residence,
            holder.issued_on.strftime("%d%m%Y"),
        )
    )


def holder_mrz(holder: CardHolder) -> tuple[str, str, str]:
    """The three lines of the MRZ of ``holder``'s card."""
    return td1(
        MrzFields(
            holder.pin,
            holder.birth_date,
            holder.sex,
            holder.expires_on,
            holder.family_name,
            holder.middle_name,
            holder.given_name,
        )
    )


@lru_cache(maxsize=512)
def build_chip(holder: CardHolder, seed: str) -> Chip:
    """The chip of ``holder``'s card, signed by the authority of ``seed``."""
    signer = authority(seed)
    key = derive_key(seed, f"chip:{holder.pin}:{holder.issued_on.isoformat()}")
    mrz = holder_mrz(holder)
    groups: dict[str, bytes] = {"DG1": lds.dg1(mrz)}
    if holder.portrait_id is not None:
        groups["DG2"] = lds.dg2(portrait_jpeg(holder.portrait_id), WIDTH, HEIGHT)
    groups["DG13"] = lds.dg13(dg13_values(holder))
    groups["DG14"] = dg14()
    groups["DG15"] = dg15(key.public_key())
    files = {"EF.COM": lds.ef_com(list(groups)), **groups, "EF.SOD": ef_sod(groups, signer)}
    return Chip(
        holder=holder,
        files=MappingProxyType(files),
        mrz=mrz,
        qr=printed_qr(holder),
        access_key=access_key(holder.pin, mrz_date(holder.birth_date), mrz_date(holder.expires_on)),
        key=key,
    )
