"""What a verifier presents to the card verification service (hồ sơ chip xuất trình): the files it read
from a chip, the Active Authentication exchange it ran with the chip, and a live photo of the person
in front of it, parsed from the request's JSON body::

    {"files": {"EF.SOD": b64, "DG1": b64, "DG13": b64, "DG2": b64?, "DG14": b64?, "DG15": b64?,
               "EF.COM": b64?},
     "active_authentication": {"challenge": b64 (8 bytes), "signature": b64}?,
     "face_image": b64 (JPEG or PNG)?}

Standard base64 (RFC 4648 §4, padded, no line breaks). Each file must be the BER-TLV of its kind
(ICAO 9303 Part 10: :mod:`idp.chip.lds`): DG1 a TD1 MRZ, DG13 numbered fields, DG2 a facial record,
DG15 a public key. Anything else is refused with RFC 6749 ``invalid_request`` and a description that
names the member or file and why (:class:`BadPresentationError`), before any check is made. Whether the
files are genuine is not judged here: that is passive authentication's.
"""

import base64
import binascii
import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from functools import partial
from typing import Any
from typing import TypeVar

from authlib.oauth2.rfc6749 import InvalidRequestError

from idp.chip.active_auth import CHALLENGE_BYTES
from idp.chip.active_auth import public_key_of
from idp.chip.card import FILE_ORDER
from idp.chip.card import NO_EXPIRY_TEXT
from idp.chip.face_match import UnreadableImageError
from idp.chip.face_match import check_image
from idp.chip.lds import MalformedFileError
from idp.chip.lds import portrait_of
from idp.chip.lds import read_dg1
from idp.chip.lds import read_dg13
from idp.chip.lds import unwrap
from idp.oidc.error_text import describable
from idp.oidc.error_text import printable
from idp.oidc.requests import JSON_TYPE
from idp.oidc.untrusted_input import loads

MAX_BODY = 1024 * 1024
"""A chip's files with its portrait and a live photo fit in a few dozen KiB; 1 MiB leaves room."""
REQUIRED_FILES = ("EF.SOD", "DG1", "DG13")
MEMBERS = frozenset({"files", "active_authentication", "face_image"})
MAX_SIGNATURE_BYTES = 512
_PIN = re.compile(r"[0-9]{12}")
T = TypeVar("T")


class BadPresentationError(InvalidRequestError):  # type: ignore[misc]
    """RFC 6749 §5.2 ``invalid_request``; ``card_number`` is the one DG13 claims, when it was read."""

    def __init__(self, description: str, card_number: str | None = None) -> None:
        super().__init__(describable(description, 300))
        self.card_number = card_number


@dataclass(frozen=True)
class ActiveAuthenticationExchange:
    """The verifier's challenge and the chip's answer (ICAO 9303 Part 11 §6.1)."""

    challenge: bytes
    signature: bytes


@dataclass(frozen=True)
class Presentation:
    """A presented chip, its files read."""

    files: Mapping[str, bytes]
    mrz: str
    """DG1's 90 characters."""
    fields: dict[int, str]
    """DG13's numbered fields (:data:`idp.chip.lds.DG13_FIELDS`)."""
    portrait: bytes | None
    """DG2's JPEG; None without DG2 (a card issued before the age of 6)."""
    active_authentication: ActiveAuthenticationExchange | None
    face_image: bytes | None

    @property
    def card_number(self) -> str | None:
        """The PIN DG13 claims (field 1), if it is one."""
        number = self.fields.get(1, "")
        return number if _PIN.fullmatch(number) else None

    @property
    def issued_on(self) -> date | None:
        """The issue date DG13 claims (field 11), if it is a date."""
        return _day(self.fields.get(11, ""))

    @property
    def expires_on(self) -> date | None:
        """The expiry DG13 claims (field 12); None for a card valid for life, or no date."""
        return _day(self.fields.get(12, ""))

    @property
    def valid_for_life(self) -> bool:
        return self.fields.get(12) == NO_EXPIRY_TEXT


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def read_presentation(body: bytes, content_type: str) -> Presentation:
    """The presentation in ``body``; :class:`BadPresentationError` saying what is wrong."""
    if content_type != JSON_TYPE:
        raise BadPresentationError(f"The body must be {JSON_TYPE}.")
    try:
        document = loads(body)
    except ValueError:  # also UnicodeDecodeError and a document nested too deep
        raise BadPresentationError("The body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise BadPresentationError("The body must be a JSON object.")
    if unknown := sorted(set(document) - MEMBERS):
        raise BadPresentationError(f"Unknown member(s): {', '.join(map(printable, unknown))}.")
    files = _files(document.get("files"))
    fields = _read(read_dg13, files["DG13"])
    number = fields.get(1)
    try:
        return Presentation(
            files=files,
            mrz=_read(read_dg1, files["DG1"]),
            fields=fields,
            portrait=_read(portrait_of, files["DG2"]) if "DG2" in files else None,
            active_authentication=_exchange(document.get("active_authentication")),
            face_image=_face_image(document.get("face_image")),
        )
    except BadPresentationError as error:
        raise BadPresentationError(error.description, number) from None


def _files(value: Any) -> dict[str, bytes]:
    if not isinstance(value, dict):
        raise BadPresentationError("'files' must be an object of the chip's files in base64.")
    if unknown := sorted(set(value) - set(FILE_ORDER)):
        known = ", ".join(FILE_ORDER)
        raise BadPresentationError(
            f"files: unknown file(s) {', '.join(map(printable, unknown))} (known: {known})."
        )
    if missing := [name for name in REQUIRED_FILES if name not in value]:
        raise BadPresentationError(
            f"files: {', '.join(missing)} missing (required: {', '.join(REQUIRED_FILES)})."
        )
    files = {name: _base64(value[name], f"files.{name}") for name in FILE_ORDER if name in value}
    for name, data in files.items():
        _read(partial(_tlv, name), data)
    if "DG15" in files:
        _read(public_key_of, files["DG15"])
    return files


def _tlv(name: str, data: bytes) -> bytes:
    return unwrap(data, name)


def _read(reader: Callable[[bytes], T], data: bytes) -> T:
    """``reader(data)``, a malformed file refused with its reader's reason (which names the file)."""
    try:
        return reader(data)
    except MalformedFileError as error:
        raise BadPresentationError(f"{error}.") from None


def _base64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise BadPresentationError(f"{name} must be a string of standard base64.")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadPresentationError(f"{name} is not standard base64 (RFC 4648 section 4).") from None
    if not data:
        raise BadPresentationError(f"{name} is empty.")
    return data


def _exchange(value: Any) -> ActiveAuthenticationExchange | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"challenge", "signature"}:
        raise BadPresentationError(
            "'active_authentication' must be an object with challenge and signature."
        )
    challenge = _base64(value["challenge"], "active_authentication.challenge")
    if len(challenge) != CHALLENGE_BYTES:
        raise BadPresentationError(
            f"active_authentication.challenge must be {CHALLENGE_BYTES} bytes "
            "(ICAO 9303 Part 11 section 6.1)."
        )
    signature = _base64(value["signature"], "active_authentication.signature")
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise BadPresentationError(
            f"active_authentication.signature is over {MAX_SIGNATURE_BYTES} bytes."
        )
    return ActiveAuthenticationExchange(challenge, signature)


def _face_image(value: Any) -> bytes | None:
    if value is None:
        return None
    image = _base64(value, "face_image")
    try:
        check_image(image)
    except UnreadableImageError as error:
        raise BadPresentationError(f"face_image: {error}.") from None
    return image
