"""Passive authentication (xác thực thụ động): ICAO 9303 Part 11 §5.1, the check that a chip's files are
the ones its issuer signed.

1. EF.SOD's Document Signer certificate was issued by a trusted country signing CA and is valid;
2. the signed attributes carry the content type ``ldsSecurityObject`` and the digest of the content, and
   the Document Signer's signature over them verifies;
3. each data group presented hashes to the value the ``LDSSecurityObject`` lists for it.

The answer says which of these held, with a reason for each that did not: a verifier shows it.
"""

import datetime
import hashlib
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from idp.chip.lds import DATA_GROUP_NUMBERS
from idp.chip.lds import MalformedFileError
from idp.chip.sod import LDS_SECURITY_OBJECT
from idp.chip.sod import LdsSecurityObject
from idp.chip.sod import signed_data_of

_NAMES = {number: name for name, number in DATA_GROUP_NUMBERS.items()}
_HASHES = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512", "sha224": "sha224"}


@dataclass(frozen=True)
class PassiveAuthentication:
    """What passive authentication found."""

    signer: str
    """The Document Signer's subject."""
    chain: bool
    """The Document Signer was issued by a trusted CSCA and is valid now."""
    signature: bool
    """The signed attributes are right and the signature over them verifies."""
    groups: dict[str, bool]
    """Each data group presented: whether its hash is the signed one."""
    reasons: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.chain and self.signature and all(self.groups.values()) and not self.reasons


def _signer_certificate(signed: cms.SignedData) -> x509.Certificate:
    certificates = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
    if len(certificates) != 1 or len(signed["signer_infos"]) != 1:
        raise MalformedFileError("EF.SOD must carry one Document Signer certificate and one signer")
    # cryptography still loads a certificate whose serial is not positive, with a warning only
    if certificates[0]["tbs_certificate"]["serial_number"].native <= 0:
        raise MalformedFileError("the serial number is not positive (RFC 5280 section 4.1.2.2)")
    try:
        return x509.load_der_x509_certificate(certificates[0].dump())
    except x509.InvalidVersion as error:
        raise MalformedFileError(str(error)) from None


def _chain(
    signer: x509.Certificate, trusted: Sequence[x509.Certificate], now: datetime.datetime
) -> str | None:
    """None when ``signer`` chains to one of ``trusted``; else why not."""
    for csca in trusted:
        if csca.subject != signer.issuer:
            continue
        try:
            signer.verify_directly_issued_by(csca)
        except (InvalidSignature, ValueError, TypeError):
            return "the Document Signer's certificate is not signed by the country signing CA"
        if not signer.not_valid_before_utc <= now <= signer.not_valid_after_utc:
            return "the Document Signer's certificate is not valid now"
        return None
    return "the Document Signer was not issued by a trusted country signing CA"


def _signature(signed: cms.SignedData, signer: x509.Certificate) -> str | None:
    info = signed["signer_infos"][0]
    content = signed["encap_content_info"]["content"].contents
    if signed["encap_content_info"]["content_type"].dotted != LDS_SECURITY_OBJECT:
        return "the signed content is not an LDS security object"
    attributes = {a["type"].native: a["values"][0] for a in info["signed_attrs"] or []}
    content_type = attributes.get("content_type")
    if content_type is None or content_type.dotted != LDS_SECURITY_OBJECT:
        return "the signed content-type attribute is not ldsSecurityObject"
    digest = attributes.get("message_digest")
    if digest is None or digest.native != hashlib.sha256(content).digest():
        return "the signed message digest is not the digest of the LDS security object"
    try:
        key = signer.public_key()
    except (ValueError, UnsupportedAlgorithm):  # a point off the curve, a curve it does not know
        return "the Document Signer's public key cannot be read"
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return "the Document Signer's key is not an elliptic-curve key"
    try:
        key.verify(
            info["signature"].native,
            info["signed_attrs"].untag().dump(),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        return "the Document Signer's signature does not verify"
    return None


def _groups(content: bytes, files: Mapping[str, bytes]) -> tuple[dict[str, bool], list[str]]:
    try:
        security = LdsSecurityObject.load(content, strict=True)
        algorithm = _HASHES[security["hash_algorithm"]["algorithm"].native]
        signed = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in security["data_group_hash_values"]
        }
    except (ValueError, TypeError, KeyError):
        raise MalformedFileError("EF.SOD's content is not an LDS security object") from None
    groups: dict[str, bool] = {}
    reasons = []
    for name, data in files.items():
        number = DATA_GROUP_NUMBERS.get(name)
        if number is None:
            continue
        groups[name] = signed.get(number) == hashlib.new(algorithm, data).digest()
        if number not in signed:
            reasons.append(f"{name} is not listed in EF.SOD")
        elif not groups[name]:
            reasons.append(f"{name} does not hash to the value EF.SOD signs")
    if "DG1" not in files:
        reasons.append("DG1 is missing")
    return groups, reasons


def passive_authentication(
    files: Mapping[str, bytes], trusted: Sequence[x509.Certificate], now: datetime.datetime
) -> PassiveAuthentication:
    """Check ``files`` (with ``EF.SOD``) against the CSCAs ``trusted`` at ``now``.

    Raises :class:`MalformedFileError` when EF.SOD cannot be read at all.
    """
    if "EF.SOD" not in files:
        raise MalformedFileError("EF.SOD is missing")
    signed = signed_data_of(files["EF.SOD"])
    try:
        signer = _signer_certificate(signed)
    except ValueError as error:
        raise MalformedFileError(f"EF.SOD's certificate cannot be read: {error}") from None
    chain_reason = _chain(signer, trusted, now)
    signature_reason = _signature(signed, signer)
    groups, reasons = _groups(signed["encap_content_info"]["content"].contents, files)
    return PassiveAuthentication(
        signer=signer.subject.rfc4514_string(),
        chain=chain_reason is None,
        signature=signature_reason is None,
        groups=groups,
        reasons=[r for r in (chain_reason, signature_reason) if r] + reasons,
    )
