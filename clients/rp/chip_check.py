"""The app's own passive authentication of a chip's files (xác thực thụ động): ICAO 9303 Part 11 §5.1,
done by the relying party itself (asn1crypto and cryptography), before and apart from what the
provider's verification service says.

1. EF.SOD (``77 { ContentInfo }``) is a CMS SignedData (RFC 5652) whose encapsulated content, of type
   ``id-icao-mrtd-security-ldsSecurityObject`` (2.23.136.1.1.1), is an ``LDSSecurityObject`` (Part 10
   §4.6.2) listing a hash of each data group;
2. its Document Signer certificate (in ``certificates``) was issued by the country signing CA the app
   trusts (the provider's ``/pki/csca.pem``), and both are valid now (Part 12);
3. the signed attributes carry the content type and the digest of the content (RFC 5652 §5.4), and the
   Document Signer's signature over them verifies;
4. every data group read hashes to the value EF.SOD lists for it.

The result says which held, with a reason for each that did not, and each group's hashes (for the
flow inspector).
"""

import datetime
import hashlib
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar

from asn1crypto import algos
from asn1crypto import cms
from asn1crypto import core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

from clients.rp.chip_files import DATA_GROUPS
from clients.rp.chip_files import ChipFileError
from clients.rp.chip_files import Files
from clients.rp.chip_files import unwrap

LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class _DataGroupHash(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type]]] = [
        ("number", core.Integer),
        ("hash", core.OctetString),
    ]


class _DataGroupHashes(core.SequenceOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = _DataGroupHash


class _LdsSecurityObject(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    """``LDSSecurityObject`` (version 0, or version 1 with its ``LDSVersionInfo``)."""

    _fields: ClassVar[list[tuple[str, type, dict[str, bool]]]] = [
        ("version", core.Integer, {}),
        ("hash_algorithm", algos.DigestAlgorithm, {}),
        ("hashes", _DataGroupHashes, {}),
        ("lds_version_info", core.Any, {"optional": True}),
    ]


@dataclass(frozen=True)
class GroupHash:
    """One data group: the hash EF.SOD signs and the hash of the bytes read."""

    name: str
    signed: str
    """Hex; empty when EF.SOD does not list the group."""
    computed: str

    @property
    def matches(self) -> bool:
        return bool(self.signed) and self.signed == self.computed


@dataclass(frozen=True)
class PassiveCheck:
    """What the app's passive authentication found."""

    signer: str
    """The Document Signer's subject (RFC 4514), or empty when EF.SOD could not be read."""
    issuer: str
    chain: bool
    """The Document Signer was issued by the trusted CSCA, and both are valid now."""
    signature: bool
    """The signed attributes are right and the Document Signer's signature over them verifies."""
    hash_algorithm: str
    groups: list[GroupHash] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return (
            self.chain
            and self.signature
            and bool(self.groups)
            and all(group.matches for group in self.groups)
            and not self.reasons
        )

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "groups": [{**asdict(g), "matches": g.matches} for g in self.groups],
            "valid": self.valid,
        }


def unreadable(reason: str) -> PassiveCheck:
    """The check of files whose EF.SOD cannot be read at all."""
    return PassiveCheck("", "", False, False, "", [], [reason])


def check_files(files: Files, csca: x509.Certificate, now: datetime.datetime) -> PassiveCheck:
    """Passive authentication of ``files`` (with their EF.SOD) under the trust anchor ``csca``."""
    try:
        signed = _signed_data(files)
        signer = _signer_certificate(signed)
        content = bytes(signed["encap_content_info"]["content"].contents)
        security = _security_object(content)
    except ChipFileError as error:
        return unreadable(str(error))
    chain = _chain(signer, csca, now)
    signature = _signature(signed, signer, content)
    algorithm = str(security["hash_algorithm"]["algorithm"].native)
    groups, reasons = _groups(security, algorithm, files)
    return PassiveCheck(
        signer=signer.subject.rfc4514_string(),
        issuer=signer.issuer.rfc4514_string(),
        chain=chain is None,
        signature=signature is None,
        hash_algorithm=algorithm,
        groups=groups,
        reasons=[reason for reason in (chain, signature) if reason] + reasons,
    )


def _signed_data(files: Files) -> cms.SignedData:
    if "EF.SOD" not in files:
        raise ChipFileError("EF.SOD is missing")
    contents = unwrap(files["EF.SOD"], "EF.SOD")
    try:
        info = cms.ContentInfo.load(contents, strict=True)
        if info["content_type"].native != "signed_data":
            raise ChipFileError("EF.SOD does not hold a CMS SignedData")
        signed: cms.SignedData = info["content"]
        _ = signed.native  # every field parsed now: a broken one is refused here, not later
    except (ValueError, TypeError, KeyError) as error:
        if isinstance(error, ChipFileError):
            raise
        raise ChipFileError(f"EF.SOD is not a CMS SignedData: {error}") from None
    if signed["encap_content_info"]["content_type"].dotted != LDS_SECURITY_OBJECT:
        raise ChipFileError("EF.SOD's content is not an LDS security object")
    return signed


def _signer_certificate(signed: cms.SignedData) -> x509.Certificate:
    certificates = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
    if len(certificates) != 1 or len(signed["signer_infos"]) != 1:
        raise ChipFileError("EF.SOD must carry one Document Signer certificate and one signer")
    try:
        return x509.load_der_x509_certificate(certificates[0].dump())
    except ValueError as error:
        raise ChipFileError(f"EF.SOD's certificate cannot be read: {error}") from None


def _security_object(content: bytes) -> _LdsSecurityObject:
    try:
        security: _LdsSecurityObject = _LdsSecurityObject.load(content, strict=True)
        _ = security.native
    except (ValueError, TypeError) as error:
        raise ChipFileError(f"EF.SOD's content is not an LDS security object: {error}") from None
    if security["hash_algorithm"]["algorithm"].native not in _DIGESTS:
        raise ChipFileError("EF.SOD hashes the data groups with an unknown algorithm")
    return security


def _chain(signer: x509.Certificate, csca: x509.Certificate, now: datetime.datetime) -> str | None:
    """None when ``signer`` was issued by ``csca`` and both are valid at ``now``; else why not."""
    if signer.issuer != csca.subject:
        return "the Document Signer was not issued by the trusted country signing CA"
    try:
        signer.verify_directly_issued_by(csca)
    except (InvalidSignature, ValueError, TypeError):
        return "the Document Signer's certificate is not signed by the country signing CA"
    for certificate, who in ((csca, "country signing CA"), (signer, "Document Signer")):
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            return f"the {who}'s certificate is not valid now"
    return None


def _signature(signed: cms.SignedData, signer: x509.Certificate, content: bytes) -> str | None:
    """None when the signer info's signed attributes are right and its signature verifies."""
    info = signed["signer_infos"][0]
    attributes = {a["type"].native: a["values"][0] for a in info["signed_attrs"] or []}
    content_type = attributes.get("content_type")
    if content_type is None or content_type.dotted != LDS_SECURITY_OBJECT:
        return "the signed content-type attribute is not ldsSecurityObject"
    digest_name = str(info["digest_algorithm"]["algorithm"].native)
    if digest_name not in _DIGESTS:
        return f"the signer's digest algorithm {digest_name} is not supported"
    digest = attributes.get("message_digest")
    if digest is None or digest.native != hashlib.new(digest_name, content).digest():
        return "the signed message digest is not the digest of the LDS security object"
    # RFC 5652 §5.4: the signature is over the DER of the attributes as a SET OF, not as [0]
    message = info["signed_attrs"].untag().dump()
    return _verified(signer, info["signature_algorithm"], bytes(info["signature"].native), message)


def _verified(
    signer: x509.Certificate,
    algorithm: algos.SignedDigestAlgorithm,
    signature: bytes,
    message: bytes,
) -> str | None:
    try:
        chosen = _DIGESTS[algorithm.hash_algo]()
        key = signer.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey) and algorithm.signature_algo == "ecdsa":
            key.verify(signature, message, ec.ECDSA(chosen))
        elif isinstance(key, rsa.RSAPublicKey) and algorithm.signature_algo == "rsassa_pkcs1v15":
            key.verify(signature, message, padding.PKCS1v15(), chosen)
        else:
            return "the Document Signer's signature algorithm is not supported"
    except InvalidSignature:
        return "the Document Signer's signature does not verify"
    except (KeyError, ValueError):
        return "the Document Signer's signature algorithm is not supported"
    return None


def _groups(
    security: _LdsSecurityObject, algorithm: str, files: Files
) -> tuple[list[GroupHash], list[str]]:
    signed = {int(item["number"].native): bytes(item["hash"].native) for item in security["hashes"]}
    groups, reasons = [], []
    for name, number in DATA_GROUPS.items():
        if name not in files:
            continue
        group = GroupHash(
            name,
            signed[number].hex() if number in signed else "",
            hashlib.new(algorithm, files[name]).hexdigest(),
        )
        groups.append(group)
        if not group.signed:
            reasons.append(f"{name} is not listed in EF.SOD")
        elif not group.matches:
            reasons.append(f"{name} does not hash to the value EF.SOD signs")
    for name in ("DG1", "DG13", "DG15"):
        if name not in files:
            reasons.append(f"{name} is missing")
    return groups, reasons
