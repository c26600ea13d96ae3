"""An eMRTD verifier written for the tests, independent of :mod:`idp.chip`: pyasn1 (with the RFC 5652 and
RFC 5280 modules) to read the CMS and the certificates, ``cryptography`` only for the curve arithmetic,
and OpenSSL's command line as a second, wholly separate CMS implementation. It follows ICAO 9303 Part 10
(the LDS) and Part 11 (passive and active authentication) as written, not as the producing code reads it.
"""

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pyasn1.codec.der import decoder
from pyasn1.codec.der import encoder
from pyasn1.type import namedtype
from pyasn1.type import tag
from pyasn1.type import univ
from pyasn1_modules import rfc3279
from pyasn1_modules import rfc5280
from pyasn1_modules import rfc5652

LDS_SECURITY_OBJECT = univ.ObjectIdentifier("2.23.136.1.1.1")
SHA256 = univ.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
ECDSA_SHA256 = univ.ObjectIdentifier("1.2.840.10045.4.3.2")
CONTENT_TYPE = univ.ObjectIdentifier("1.2.840.113549.1.9.3")
MESSAGE_DIGEST = univ.ObjectIdentifier("1.2.840.113549.1.9.4")
GROUP_TAGS = {1: 0x61, 2: 0x75, 13: 0x6D, 14: 0x6E, 15: 0x6F}


class DataGroupHash(univ.Sequence):  # type: ignore[misc]  # pyasn1 has no type information
    componentType = namedtype.NamedTypes(  # noqa: N815  # pyasn1 names it
        namedtype.NamedType("dataGroupNumber", univ.Integer()),
        namedtype.NamedType("dataGroupHashValue", univ.OctetString()),
    )


class LDSSecurityObject(univ.Sequence):  # type: ignore[misc]  # pyasn1 has no type information
    componentType = namedtype.NamedTypes(  # noqa: N815  # pyasn1 names it
        namedtype.NamedType("version", univ.Integer()),
        namedtype.NamedType("hashAlgorithm", rfc5280.AlgorithmIdentifier()),
        namedtype.NamedType("dataGroupHashValues", univ.SequenceOf(componentType=DataGroupHash())),
    )


class EFSOD(rfc5652.ContentInfo):  # type: ignore[misc]  # pyasn1 has no type information
    """``[APPLICATION 23] ContentInfo``: EF.SOD's wrapper (tag 77)."""

    tagSet = rfc5652.ContentInfo.tagSet.tagExplicitly(  # noqa: N815
        tag.Tag(tag.tagClassApplication, tag.tagFormatConstructed, 23)
    )


@dataclass
class Verdict:
    chain: bool
    signature: bool
    hashes: dict[int, bool]
    listed: list[int]

    @property
    def valid(self) -> bool:
        return self.chain and self.signature and bool(self.hashes) and all(self.hashes.values())


def _public_key(spki: rfc5280.SubjectPublicKeyInfo) -> ec.EllipticCurvePublicKey:
    key = load_der_public_key(encoder.encode(spki))
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def _verifies(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def read_sod(sod: bytes) -> rfc5652.SignedData:
    info, rest = decoder.decode(sod, asn1Spec=EFSOD())
    assert rest == b""
    assert info["contentType"] == rfc5652.id_signedData
    signed, rest = decoder.decode(info["content"], asn1Spec=rfc5652.SignedData())
    assert rest == b""
    return signed


def verify(files: dict[str, bytes], csca_der: bytes) -> Verdict:
    """Passive authentication of ``files`` under the CSCA certificate ``csca_der``."""
    csca, _ = decoder.decode(csca_der, asn1Spec=rfc5280.Certificate())
    signed = read_sod(files["EF.SOD"])
    certificate = signed["certificates"][0]["certificate"]
    # the Document Signer: issued by the CSCA and signed by its key
    csca_key = _public_key(csca["tbsCertificate"]["subjectPublicKeyInfo"])
    chain = certificate["tbsCertificate"]["issuer"] == csca["tbsCertificate"]["subject"] and (
        certificate["signatureAlgorithm"]["algorithm"] == ECDSA_SHA256
        and _verifies(
            csca_key,
            certificate["signature"].asOctets(),
            encoder.encode(certificate["tbsCertificate"]),
        )
    )
    info = signed["signerInfos"][0]
    content = bytes(signed["encapContentInfo"]["eContent"])
    attributes = {a["attrType"]: a["attrValues"][0] for a in info["signedAttrs"]}
    content_type, _ = decoder.decode(attributes[CONTENT_TYPE], asn1Spec=univ.ObjectIdentifier())
    digest, _ = decoder.decode(attributes[MESSAGE_DIGEST], asn1Spec=univ.OctetString())
    # RFC 5652 §5.4: the signature is over the DER of the attributes as a SET OF, not as [0]
    as_set = univ.SetOf(componentType=rfc5652.Attribute())
    for index, attribute in enumerate(info["signedAttrs"]):
        as_set.setComponentByPosition(index, attribute)
    signer_key = _public_key(certificate["tbsCertificate"]["subjectPublicKeyInfo"])
    signature = (
        signed["encapContentInfo"]["eContentType"] == LDS_SECURITY_OBJECT
        and content_type == LDS_SECURITY_OBJECT
        and bytes(digest) == hashlib.sha256(content).digest()
        and info["digestAlgorithm"]["algorithm"] == SHA256
        and _verifies(signer_key, bytes(info["signature"]), encoder.encode(as_set))
    )
    security, _ = decoder.decode(content, asn1Spec=LDSSecurityObject())
    assert security["hashAlgorithm"]["algorithm"] == SHA256
    signed_hashes = {
        int(h["dataGroupNumber"]): bytes(h["dataGroupHashValue"])
        for h in security["dataGroupHashValues"]
    }
    by_number = {int(name[2:]): data for name, data in files.items() if name.startswith("DG")}
    checked = {
        number: signed_hashes.get(number) == hashlib.sha256(data).digest()
        for number, data in by_number.items()
    }
    return Verdict(chain, signature, checked, sorted(signed_hashes))


def answer_verifies(dg15: bytes, challenge: bytes, answer: bytes) -> bool:
    """Active Authentication with an ECDSA key: ``answer`` is the plain ``r || s`` (BSI TR-03111)."""
    assert dg15[0] == 0x6F
    length_bytes = dg15[1] - 0x80 if dg15[1] > 0x80 else 0
    spki, _ = decoder.decode(dg15[2 + length_bytes :], asn1Spec=rfc5280.SubjectPublicKeyInfo())
    half = len(answer) // 2
    value = rfc3279.ECDSA_Sig_Value()
    value["r"] = int.from_bytes(answer[:half], "big")
    value["s"] = int.from_bytes(answer[half:], "big")
    return _verifies(_public_key(spki), encoder.encode(value), challenge)


def openssl_verifies(sod: bytes, csca_pem: str, workdir: Path) -> bool:
    """OpenSSL's own CMS verification of EF.SOD's SignedData (the 4-byte ``77`` header skipped by
    reading its length) under the CSCA."""
    header = 2 + (sod[1] - 0x80 if sod[1] > 0x80 else 0)
    (workdir / "sod.der").write_bytes(sod[header:])
    (workdir / "csca.pem").write_text(csca_pem)
    result = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", "sod.der", "-CAfile", "csca.pem",
         "-binary", "-purpose", "any", "-out", "content.der"],
        cwd=workdir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.returncode == 0 and "Verification successful" in result.stderr


def openssl_parses(data: bytes, workdir: Path) -> str:
    """``openssl asn1parse`` of a file (BER-TLV with application tags), its text."""
    (workdir / "file.der").write_bytes(data)
    result = subprocess.run(
        ["openssl", "asn1parse", "-inform", "DER", "-in", "file.der", "-i"],
        cwd=workdir, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout
