"""Active Authentication of a chip (xác thực chủ động, chống sao chép chip), the reader's side: ICAO 9303
Part 11 §6.1. The app makes up its own random 8-byte challenge, the chip signs it (INTERNAL
AUTHENTICATE, through the card reader), and the app verifies the answer with the public key DG15
publishes: a copy of the files, without the chip's private key, cannot answer.

The algorithm is the one DG14's ``ActiveAuthenticationInfo`` names; the app knows
``ecdsa-plain-SHA256`` (BSI TR-03111 §5.2.1: ``r || s``, each as long as the curve's order, over the
SHA-256 of the challenge), which the Vietnamese chips of the sandbox use.
"""

import secrets
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from clients.rp.chip_files import ChipFileError
from clients.rp.chip_files import Files
from clients.rp.chip_files import aa_algorithm
from clients.rp.chip_files import aa_public_key_der

CHALLENGE_BYTES = 8
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"
"""``ecdsa-plain-SHA256`` (BSI TR-03111)."""


def new_challenge() -> bytes:
    """A challenge nobody can guess, so that no answer recorded earlier fits it."""
    return secrets.token_bytes(CHALLENGE_BYTES)


@dataclass(frozen=True)
class ActiveCheck:
    """What the app's Active Authentication found."""

    algorithm: str
    """The OID DG14 names (empty when it names none)."""
    valid: bool
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def check_answer(files: Files, challenge: bytes, answer: bytes) -> ActiveCheck:
    """Whether ``answer`` is the chip's signature of ``challenge`` under DG15's key."""
    try:
        algorithm = aa_algorithm(files["DG14"]) if "DG14" in files else None
        key = _public_key(files)
    except ChipFileError as error:
        return ActiveCheck("", False, str(error))
    if algorithm != ECDSA_PLAIN_SHA256:
        return ActiveCheck(algorithm or "", False, "DG14 names no algorithm the app knows")
    half = (key.curve.key_size + 7) // 8
    if len(challenge) != CHALLENGE_BYTES or len(answer) != 2 * half:
        return ActiveCheck(algorithm, False, "the answer is not a plain ECDSA signature")
    signature = encode_dss_signature(
        int.from_bytes(answer[:half], "big"), int.from_bytes(answer[half:], "big")
    )
    try:
        key.verify(signature, challenge, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return ActiveCheck(algorithm, False, "the chip's answer does not verify with DG15's key")
    return ActiveCheck(algorithm, True)


def _public_key(files: Files) -> ec.EllipticCurvePublicKey:
    if "DG15" not in files:
        raise ChipFileError("DG15 is missing: the chip publishes no Active Authentication key")
    try:
        key = serialization.load_der_public_key(aa_public_key_der(files["DG15"]))
    except (ValueError, UnsupportedAlgorithm) as error:
        raise ChipFileError(f"DG15 is not a public key: {error}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ChipFileError("DG15's key is not an elliptic-curve key")
    return key
