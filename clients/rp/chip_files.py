"""Reading the files of an identity card's chip (tệp dữ liệu trên chip thẻ căn cước) as a card reader
hands them over: ICAO 9303 Part 10, the Logical Data Structure in BER-TLV, read with asn1crypto.

- EF.COM (``60``): the LDS and Unicode versions and the tags of the data groups present;
- DG1 (``61 { 5F1F }``): the 90 characters of the TD1 machine-readable zone;
- DG2 (``75 { 7F61 { 02 count, 7F60 { A1 header, 5F2E record } } }``): the portrait, an ISO/IEC
  19794-5 facial record holding a JPEG;
- DG13 (``6D``): the Vietnamese personal data, a ``SEQUENCE OF SEQUENCE { INTEGER n, UTF8String v }``
  numbered as :data:`DG13_FIELDS`;
- DG14 (``6E``): the chip's ``SecurityInfos``, here the Active Authentication algorithm (Part 11 §6.1);
- DG15 (``6F``): the chip's Active Authentication public key (a DER ``SubjectPublicKeyInfo``).

EF.SOD is read by :mod:`clients.rp.chip_check`. Everything here is the app's own reading of the bytes:
it never trusts what a file says until passive authentication has checked it.
"""

import base64
import binascii
import hashlib
import struct
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import ClassVar

from asn1crypto import core
from asn1crypto import parser

Files = Mapping[str, bytes]
"""A chip's files by name (``EF.COM``, ``DG1``…, ``EF.SOD``), their bytes as read."""
FILE_NAMES = ("EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD")
TAGS = {
    "EF.COM": 0x60,
    "DG1": 0x61,
    "DG2": 0x75,
    "DG13": 0x6D,
    "DG14": 0x6E,
    "DG15": 0x6F,
    "EF.SOD": 0x77,
}
DATA_GROUPS = {"DG1": 1, "DG2": 2, "DG13": 13, "DG14": 14, "DG15": 15}
"""The data groups a Vietnamese chip has, by number: the ones EF.SOD signs."""
APPLICATION_CLASS = 1
DG13_FIELDS = {
    1: "pin",
    2: "full_name",
    3: "birth_date",
    4: "sex",
    5: "nationality",
    6: "ethnicity",
    7: "religion",
    8: "origin",
    9: "residence",
    10: "birth_registration",
    11: "issued_on",
    12: "expires_on",
    13: "issued_by",
    14: "former_number",
}
"""DG13's numbered fields, by the name the pages use (their words: ``chip.dg13.<name>``)."""
AA_PROTOCOL = "2.23.136.1.1.5"
"""``id-icao-mrtd-security-aaProtocolObject`` (ICAO 9303 Part 11 §9.2.7)."""
MAX_FILE_BYTES = 256 * 1024
"""Larger than any file of an identity card: a reader's answer beyond it is refused."""


class ChipFileError(ValueError):
    """A file that is not what its name says; the message says which and why."""


def decoded_files(encoded: object) -> dict[str, bytes]:
    """A reader's ``files`` (base64 by name) as bytes; :class:`ChipFileError` for anything else."""
    if not isinstance(encoded, dict) or not encoded:
        raise ChipFileError("the reader sent no files")
    files: dict[str, bytes] = {}
    for name, text in encoded.items():
        if name not in FILE_NAMES or not isinstance(text, str) or len(text) > MAX_FILE_BYTES * 2:
            raise ChipFileError(f"the reader sent an unexpected file {str(name)[:20]!r}")
        try:
            files[name] = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ChipFileError(f"{name} is not base64") from None
    return files


def unwrap(data: bytes, name: str) -> bytes:
    """The contents of file ``name``: one TLV of its tag, nothing after it."""
    try:
        class_, _, _, header, contents, trailer = parser.parse(data, strict=True)
    except (ValueError, TypeError) as error:
        raise ChipFileError(f"{name} is not BER-TLV: {error}") from None
    if class_ != APPLICATION_CLASS or header[0] != TAGS[name] or trailer:
        raise ChipFileError(f"{name} does not start with tag {TAGS[name]:02X}")
    return bytes(contents)


def elements(contents: bytes, name: str) -> list[tuple[int, bytes]]:
    """The TLVs one after another in ``contents``: each tag (its bytes as written, as a number) and
    value. Read here rather than by asn1crypto, which refuses ICAO's ``5F01``: ICAO writes that tag in
    two bytes though its number would fit in one."""
    found = []
    at = 0
    try:
        while at < len(contents):
            start = at
            at += 1
            if contents[start] & 0x1F == 0x1F:  # the tag goes on while a byte has its top bit set
                while contents[at] & 0x80:
                    at += 1
                at += 1
            tag = int.from_bytes(contents[start:at], "big")
            length, at = _length(contents, at)
            if at + length > len(contents):
                raise IndexError
            found.append((tag, contents[at : at + length]))
            at += length
    except IndexError:
        raise ChipFileError(f"{name} is not BER-TLV: truncated") from None
    return found


def _length(contents: bytes, at: int) -> tuple[int, int]:
    """A BER definite length at ``at`` (short form, or ``81``-``84`` and the bytes of the length)."""
    first = contents[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    if not 1 <= count <= 4:
        raise IndexError
    if at + 1 + count > len(contents):
        raise IndexError
    return int.from_bytes(contents[at + 1 : at + 1 + count], "big"), at + 1 + count


def _the(contents: bytes, tag: int, name: str) -> bytes:
    """The value of the first TLV of ``tag`` in ``contents``."""
    for found, value in elements(contents, name):
        if found == tag:
            return value
    raise ChipFileError(f"{name} holds no tag {tag:02X}")


def mrz_of(dg1: bytes) -> str:
    """DG1's 90 MRZ characters."""
    text = _the(unwrap(dg1, "DG1"), 0x5F1F, "DG1")
    if len(text) != 90 or not text.isascii():
        raise ChipFileError("DG1's MRZ is not the 90 ASCII characters of TD1")
    return text.decode("ascii")


class _Dg13Field(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type]]] = [
        ("number", core.Integer),
        ("value", core.UTF8String),
    ]


class _Dg13(core.SequenceOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = _Dg13Field


def dg13_fields(dg13: bytes) -> dict[int, str]:
    """DG13's fields by number."""
    try:
        fields = _Dg13.load(unwrap(dg13, "DG13"), strict=True)
        return {int(field["number"].native): str(field["value"].native) for field in fields}
    except (ValueError, TypeError) as error:
        raise ChipFileError(f"DG13 is not a sequence of numbered fields: {error}") from None


def holder_facts(fields: Mapping[int, str]) -> dict[str, str]:
    """DG13's fields by name, as the pages show them: sex as ``male``/``female``, dates as ISO 8601
    (an expiry of "Không thời hạn", a card valid for life, as empty)."""
    named = {
        DG13_FIELDS[number]: value for number, value in fields.items() if number in DG13_FIELDS
    }
    named["sex"] = {"Nam": "male", "Nữ": "female"}.get(named.get("sex", ""), "")
    for name in ("birth_date", "issued_on", "expires_on"):
        named[name] = _iso(named.get(name, ""))
    return named


def _iso(printed: str) -> str:
    """A DG13 date, ``DD/MM/YYYY``, as ``YYYY-MM-DD``; empty for anything else."""
    try:
        return datetime.strptime(printed, "%d/%m/%Y").date().isoformat()
    except ValueError:
        return ""


def portrait_of(dg2: bytes) -> bytes:
    """The JPEG of DG2's first facial record (ISO/IEC 19794-5:2005 §5.4-5.7)."""
    group = _the(unwrap(dg2, "DG2"), 0x7F61, "DG2")
    record = _the(_the(group, 0x7F60, "DG2"), 0x5F2E, "DG2")
    if not record.startswith(b"FAC\x00") or len(record) < 46:
        raise ChipFileError("DG2 holds no ISO/IEC 19794-5 facial record")
    # 14 bytes of record header; the facial block: its length, then the number of feature points
    block_length, points = struct.unpack(">IH", record[14:20])
    image_at = 14 + 20 + 8 * points + 12
    image = record[image_at : 14 + block_length]
    if not image.startswith(b"\xff\xd8"):
        raise ChipFileError("DG2's facial image is not a JPEG")
    return image


class _SecurityInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type, dict[str, bool]]]] = [
        ("protocol", core.ObjectIdentifier, {}),
        ("required_data", core.Any, {}),
        ("optional_data", core.Any, {"optional": True}),
    ]


class _SecurityInfos(core.SetOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = _SecurityInfo


def aa_algorithm(dg14: bytes) -> str | None:
    """The signature algorithm (an OID) DG14's ``ActiveAuthenticationInfo`` names, if it has one."""
    try:
        for info in _SecurityInfos.load(unwrap(dg14, "DG14"), strict=True):
            if info["protocol"].dotted == AA_PROTOCOL and info["optional_data"].native is not None:
                return str(core.ObjectIdentifier.load(info["optional_data"].dump()).dotted)
    except (ValueError, TypeError) as error:
        raise ChipFileError(f"DG14 is not a set of SecurityInfos: {error}") from None
    return None


def aa_public_key_der(dg15: bytes) -> bytes:
    """DG15's ``SubjectPublicKeyInfo`` (DER)."""
    return unwrap(dg15, "DG15")


def groups_listed(ef_com: bytes) -> list[str]:
    """The data groups EF.COM says the chip has (its tag list, ``5C``)."""
    tags = _the(unwrap(ef_com, "EF.COM"), 0x5C, "EF.COM")
    names = {tag: name for name, tag in TAGS.items()}
    return [names.get(tag, f"{tag:02X}") for tag in tags]


def describe(name: str, data: bytes) -> dict[str, Any]:
    """One file for the flow inspector: its size, its SHA-256 and what it says (or why it can't be
    read). The portrait is shown from the check's own address, not copied here."""
    shown: dict[str, Any] = {
        "name": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    try:
        shown |= _decoded(name, data)
    except ChipFileError as error:
        shown["unreadable"] = str(error)
    return shown


def _decoded(name: str, data: bytes) -> dict[str, Any]:
    if name == "EF.COM":
        return {"groups": groups_listed(data)}
    if name == "DG1":
        mrz = mrz_of(data)
        return {"mrz": [mrz[0:30], mrz[30:60], mrz[60:90]]}
    if name == "DG2":
        return {"portrait_bytes": len(portrait_of(data))}
    if name == "DG13":
        return {"fields": {str(n): v for n, v in sorted(dg13_fields(data).items())}}
    if name == "DG14":
        return {"aa_algorithm": aa_algorithm(data)}
    if name == "DG15":
        return {"public_key_sha256": hashlib.sha256(aa_public_key_der(data)).hexdigest()}
    return {}
