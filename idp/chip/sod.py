"""The Document Security Object (EF.SOD): ICAO 9303 Part 10 §4.6.2 and Part 11 §5.1.

``77 { ContentInfo }`` holding a CMS SignedData (RFC 5652) whose encapsulated content, of type
``id-icao-mrtd-security-ldsSecurityObject`` (2.23.136.1.1.1), is an ``LDSSecurityObject`` with the SHA-256
hash of every data group. The Document Signer's certificate travels in ``certificates``; the signer
signs the content type and the message digest as signed attributes, with deterministic ECDSA.
"""

import hashlib
from collections.abc import Mapping
from typing import ClassVar

from asn1crypto import algos
from asn1crypto import cms
from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from idp.chip.lds import DATA_GROUP_NUMBERS
from idp.chip.lds import MalformedFileError
from idp.chip.lds import tlv
from idp.chip.lds import unwrap
from idp.chip.pki import Authority

LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
SOD_TAG = 0x77

cms.ContentType._map[LDS_SECURITY_OBJECT] = "lds_security_object"


class DataGroupHash(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    _fields: ClassVar[list[tuple[str, type]]] = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashes(core.SequenceOf):  # type: ignore[misc]  # asn1crypto has no type information
    _child_spec = DataGroupHash


class LdsSecurityObject(core.Sequence):  # type: ignore[misc]  # asn1crypto has no type information
    """``LDSSecurityObject`` version 0 (``LDSVersionInfo`` is only for version 1)."""

    _fields: ClassVar[list[tuple[str, type]]] = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashes),
    ]


def security_object(files: Mapping[str, bytes]) -> bytes:
    """The DER ``LDSSecurityObject`` over the data groups among ``files``."""
    hashes_ = [
        {"data_group_number": DATA_GROUP_NUMBERS[name], "data_group_hash_value": digest(data)}
        for name, data in sorted(files.items(), key=lambda item: DATA_GROUP_NUMBERS.get(item[0], 0))
        if name in DATA_GROUP_NUMBERS
    ]
    security: bytes = LdsSecurityObject(
        {
            "version": 0,
            "hash_algorithm": {"algorithm": "sha256"},
            "data_group_hash_values": hashes_,
        }
    ).dump()
    return security


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def ef_sod(files: Mapping[str, bytes], signer: Authority) -> bytes:
    """EF.SOD over the data groups among ``files``, signed by ``signer``'s Document Signer."""
    content = security_object(files)
    signed_attributes = cms.CMSAttributes(
        [
            {"type": "content_type", "values": [LDS_SECURITY_OBJECT]},
            {"type": "message_digest", "values": [digest(content)]},
        ]
    )
    signature = signer.signer_key.sign(
        signed_attributes.dump(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    )
    certificate = asn1_x509.Certificate.load(
        signer.document_signer.public_bytes(serialization.Encoding.DER)
    )
    signer_info = {
        "version": "v1",
        "sid": cms.SignerIdentifier(
            {
                "issuer_and_serial_number": {
                    "issuer": certificate.issuer,
                    "serial_number": certificate.serial_number,
                }
            }
        ),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": signed_attributes,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    }
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": LDS_SECURITY_OBJECT,
                "content": core.ParsableOctetString(content),
            },
            "certificates": [certificate],
            "signer_infos": [signer_info],
        }
    )
    info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return tlv(SOD_TAG, info.dump(), constructed=True)


def signed_data_of(sod: bytes) -> cms.SignedData:
    """The SignedData in an EF.SOD file; :class:`MalformedFileError` if it is not one."""
    contents = unwrap(sod, "EF.SOD")
    try:
        info = cms.ContentInfo.load(contents, strict=True)
        if info["content_type"].native != "signed_data":
            raise MalformedFileError("EF.SOD does not hold a CMS SignedData")
        signed: cms.SignedData = info["content"]
        _ = signed.native  # parse every field now, so that a broken one is refused here
    except (ValueError, TypeError, KeyError) as error:
        raise MalformedFileError(f"EF.SOD is not a CMS SignedData: {error}") from None
    return signed
