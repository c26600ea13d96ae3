"""Active Authentication (xác thực chủ động, chống sao chép chip): ICAO 9303 Part 11 §6.1.

Each chip has its own key pair; DG15 publishes the public key and the private key never leaves the chip.
A reader sends an 8-byte challenge (INTERNAL AUTHENTICATE) and the chip signs it; a copy of the files
without the key cannot answer. The key is ECDSA P-256, so DG14 states the algorithm in an
``ActiveAuthenticationInfo``: ``ecdsa-plain-SHA256`` (BSI TR-03111), whose signature is ``r || s``, each
32 bytes, over the SHA-256 of the challenge.
"""

from typing import ClassVar

from asn1crypto import core
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from idp.chip.lds import TAGS
from idp.chip.lds import MalformedFileError
from idp.chip.lds import tlv
from idp.chip.lds import unwrap

AA_PROTOCOL = "2.23.136.1.1.5"
"""``id-icao-mrtd-security-aaProtocolObject``."""
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"
CHALLENGE_BYTES = 8
_HALF = 32


class _ActiveAuthenticationInfo(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type]]] = [
        ("protocol", core.ObjectIdentifier),
        ("version", core.Integer),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class _SecurityInfos(core.SetOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = _ActiveAuthenticationInfo


def dg14() -> bytes:
    """DG14: the one SecurityInfo this chip has, its Active Authentication algorithm."""
    info = {"protocol": AA_PROTOCOL, "version": 1, "signature_algorithm": ECDSA_PLAIN_SHA256}
    return tlv(TAGS["DG14"], _SecurityInfos([info]).dump(), constructed=True)


def dg15(key: ec.EllipticCurvePublicKey) -> bytes:
    """DG15: the chip's public key as a DER SubjectPublicKeyInfo."""
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return tlv(TAGS["DG15"], spki, constructed=True)


def internal_authenticate(key: ec.EllipticCurvePrivateKey, challenge: bytes) -> bytes:
    """The chip's answer to ``challenge``: the plain ECDSA signature ``r || s``."""
    if len(challenge) != CHALLENGE_BYTES:
        raise ValueError("the challenge must be 8 bytes")
    der = key.sign(challenge, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(_HALF, "big") + s.to_bytes(_HALF, "big")


def public_key_of(dg15_file: bytes) -> ec.EllipticCurvePublicKey:
    """The Active Authentication key a DG15 file publishes."""
    try:
        key = serialization.load_der_public_key(unwrap(dg15_file, "DG15"))
    except (ValueError, UnsupportedAlgorithm) as error:  # a curve or algorithm it does not know
        raise MalformedFileError(f"DG15 is not a public key: {error}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise MalformedFileError("DG15's key is not an elliptic-curve key")
    return key


def verify_answer(dg15_file: bytes, challenge: bytes, answer: bytes) -> bool:
    """Whether ``answer`` is the signature of ``challenge`` by the key DG15 publishes."""
    key = public_key_of(dg15_file)
    if len(answer) != 2 * _HALF or len(challenge) != CHALLENGE_BYTES:
        return False
    der = encode_dss_signature(
        int.from_bytes(answer[:_HALF], "big"), int.from_bytes(answer[_HALF:], "big")
    )
    try:
        key.verify(der, challenge, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True
