"""The chip's data groups (nhóm dữ liệu): ICAO 9303 Part 10, the Logical Data Structure in BER-TLV.

Files built here: EF.COM (the LDS version and the list of groups), DG1 (the MRZ), DG2 (the portrait as an
ISO/IEC 19794-5 facial record holding a JPEG), DG13 (the Vietnamese personal data), DG14 (the Active
Authentication algorithm) and DG15 (the chip's Active Authentication public key). EF.SOD, which signs
the groups, is :mod:`idp.chip.sod`.

DG13's content is not public. It is chosen as the ICAO shape leaves it to the issuing state: ``6D``
holding a ``SEQUENCE OF SEQUENCE { INTEGER field, UTF8String value }``, with the fields numbered as in
:data:`DG13_FIELDS` and left out when empty.
"""

import struct
from collections.abc import Mapping
from typing import ClassVar

from asn1crypto import core
from asn1crypto import parser

APPLICATION = 1
CONSTRUCTED = 1
PRIMITIVE = 0

TAGS = {
    "EF.COM": 0x60,
    "EF.SOD": 0x77,
    "DG1": 0x61,
    "DG2": 0x75,
    "DG13": 0x6D,
    "DG14": 0x6E,
    "DG15": 0x6F,
}
DATA_GROUP_NUMBERS = {"DG1": 1, "DG2": 2, "DG13": 13, "DG14": 14, "DG15": 15}
LDS_VERSION = b"0107"
UNICODE_VERSION = b"040000"

DG13_FIELDS = {
    1: "số định danh cá nhân / personal identification number",
    2: "họ, chữ đệm và tên khai sinh / full name",
    3: "ngày sinh / date of birth (DD/MM/YYYY)",
    4: "giới tính / sex (Nam, Nữ)",
    5: "quốc tịch / nationality",
    6: "dân tộc / ethnic group",
    7: "tôn giáo / religion",
    8: "quê quán / place of origin",
    9: "nơi cư trú / place of residence",
    10: "nơi đăng ký khai sinh / place of birth registration",
    11: "ngày cấp / date of issue (DD/MM/YYYY)",
    12: "có giá trị đến / date of expiry (DD/MM/YYYY, or Không thời hạn)",
    13: "cơ quan cấp / issuing authority",
    14: "số CMND cũ / former 9-digit identity card number",
}


class MalformedFileError(ValueError):
    """A file that is not the BER-TLV an LDS file must be; the message says which and why."""


def tlv(tag: int, contents: bytes, *, constructed: bool) -> bytes:
    """One BER-TLV of the application class. ``tag`` is the first byte (``0x61``) or two (``0x5F1F``)."""
    number = tag & 0x1F if tag < 0x100 else tag & 0xFF
    encoded = bytes(
        parser.emit(APPLICATION, CONSTRUCTED if constructed else PRIMITIVE, number, contents)
    )
    if tag > 0xFF and number < 0x1F:
        # ICAO writes 5F01 (the LDS version) with the two-byte form though its number fits in one
        return tag.to_bytes(2, "big") + encoded[1:]
    return encoded


def _context(number: int, contents: bytes, *, constructed: bool = False) -> bytes:
    return bytes(parser.emit(2, CONSTRUCTED if constructed else PRIMITIVE, number, contents))


def ef_com(groups: list[str]) -> bytes:
    """EF.COM: LDS 1.7, Unicode 4.0.0 and the tags of the groups present."""
    tag_list = bytes(TAGS[g] for g in groups)
    inner = tlv(0x5F01, LDS_VERSION, constructed=False)
    inner += tlv(0x5F36, UNICODE_VERSION, constructed=False)
    inner += bytes(parser.emit(APPLICATION, PRIMITIVE, 28, tag_list))  # 5C: the tag list
    return tlv(TAGS["EF.COM"], inner, constructed=True)


def dg1(mrz_lines: tuple[str, str, str]) -> bytes:
    """DG1: ``61 { 5F1F MRZ }``, the 90 characters of the TD1 MRZ."""
    return tlv(
        TAGS["DG1"],
        tlv(0x5F1F, "".join(mrz_lines).encode("ascii"), constructed=False),
        constructed=True,
    )


def facial_record(jpeg: bytes, width: int, height: int) -> bytes:
    """An ISO/IEC 19794-5:2005 facial record with one full-frontal JPEG image and no feature points."""
    information = struct.pack(
        ">IHBBB3sH3s3s", 20 + 12 + len(jpeg), 0, 0, 0, 0, b"\0\0\0", 0, b"\0\0\0", b"\0\0\0"
    )
    image_information = struct.pack(">BBHHBBHH", 1, 0, width, height, 1, 2, 0, 0)
    block = information + image_information + jpeg
    return b"FAC\x00" + b"010\x00" + struct.pack(">IH", 14 + len(block), 1) + block


def dg2(jpeg: bytes, width: int, height: int) -> bytes:
    """DG2: ``75 { 7F61 { 02 count, 7F60 { A1 header, 5F2E record } } }``."""
    header = (
        _context(0, b"\x01\x01")  # 80: ICAO header version 1.1
        + _context(1, b"\x02")  # 81: biometric type, facial features
        + _context(7, b"\x01\x01")  # 87: format owner, ISO/IEC JTC 1/SC 37
        + _context(8, b"\x00\x08")  # 88: format type, ISO/IEC 19794-5
    )
    template = _context(1, header, constructed=True) + tlv(
        0x5F2E, facial_record(jpeg, width, height), constructed=False
    )
    group = core.Integer(1).dump() + tlv(0x7F60, template, constructed=True)
    return tlv(TAGS["DG2"], tlv(0x7F61, group, constructed=True), constructed=True)


class _Field(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type]]] = [
        ("field", core.Integer),
        ("value", core.UTF8String),
    ]


class _Fields(core.SequenceOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = _Field


def dg13(values: Mapping[int, str]) -> bytes:
    """DG13: the numbered fields of :data:`DG13_FIELDS`, empty ones left out."""
    fields = _Fields([{"field": n, "value": v} for n, v in sorted(values.items()) if v])
    return tlv(TAGS["DG13"], fields.dump(), constructed=True)


def read_dg13(data: bytes) -> dict[int, str]:
    """The numbered fields of a DG13 file."""
    contents = unwrap(data, "DG13")
    try:
        fields = _Fields.load(contents, strict=True)
        return {int(f["field"].native): str(f["value"].native) for f in fields}
    except (ValueError, TypeError) as error:
        raise MalformedFileError(f"DG13 is not a sequence of numbered fields: {error}") from None


def read_dg1(data: bytes) -> str:
    """The 90 MRZ characters of a DG1 file."""
    mrz = _only(unwrap(data, "DG1"), 0x5F1F, "DG1")
    try:
        text = mrz.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedFileError("DG1's MRZ is not ASCII") from None
    if len(text) != 90:
        raise MalformedFileError("DG1's MRZ is not the 90 characters of TD1")
    return text


def unwrap(data: bytes, name: str) -> bytes:
    """The contents of the file ``name``, checked to be one TLV with its tag and nothing after."""
    try:
        class_, _, _, header, contents, trailer = parser.parse(data, strict=True)
    except ValueError as error:
        raise MalformedFileError(f"{name} is not BER-TLV: {error}") from None
    if header[0] != TAGS[name] or class_ != APPLICATION or trailer:
        raise MalformedFileError(f"{name} does not start with tag {TAGS[name]:02X}")
    return bytes(contents)


def _only(contents: bytes, tag: int, name: str, *, first: bool = False) -> bytes:
    """The value of the TLV ``tag`` that ``contents`` is (or, with ``first``, begins with)."""
    try:
        _, _, _, header, value, trailer = parser.parse(contents, strict=not first)
    except ValueError as error:
        raise MalformedFileError(f"{name} is not BER-TLV: {error}") from None
    if int.from_bytes(header[:2], "big") != tag or trailer:
        raise MalformedFileError(f"{name} does not hold tag {tag:04X}")
    return bytes(value)


def _after_first(contents: bytes) -> bytes:
    """What follows the first TLV of ``contents``."""
    _, _, _, header, value, trailer = parser.parse(contents)
    return contents[len(header) + len(value) + len(trailer) :]


def portrait_of(data: bytes) -> bytes:
    """The JPEG in a DG2 file (the first image of the first facial record)."""
    contents = unwrap(data, "DG2")
    try:
        group = _only(contents, 0x7F61, "DG2")
        # 02 01 count, then the first 7F60 template: its A1 header, then 5F2E
        template = _only(_after_first(group), 0x7F60, "DG2", first=True)
        record = _only(_after_first(template), 0x5F2E, "DG2", first=True)
    except ValueError as error:
        raise MalformedFileError(f"DG2 is not a biometric group: {error}") from None
    if not record.startswith(b"FAC\x00010\x00") or len(record) < 46:
        raise MalformedFileError("DG2 holds no ISO/IEC 19794-5 facial record")
    return record[46:]
