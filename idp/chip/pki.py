"""The sandbox's document PKI (hạ tầng khóa công khai của thẻ): a country signing CA (CSCA) and the
Document Signer (DS) under it, ICAO 9303 Part 12.

Both keys are ECDSA P-256, derived from a seed (``VNEID_CHIP_SEED``, public by default) so that every
installation with the same seed signs the same chips, byte for byte: deterministic ECDSA (RFC 6979) for
every signature, fixed serial numbers and validity. The names say SANDBOX; these are never real keys.
Another seed gives another CA, whose chips a verifier trusting this one refuses.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEFAULT_SEED = "vneid-mock sandbox card authority"
CURVE = ec.SECP256R1()
_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""The order of P-256's base point (SEC 2 §2.4.2): private keys are integers in [1, order - 1]."""
_NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
_CSCA_UNTIL = datetime.datetime(2050, 1, 1, tzinfo=datetime.UTC)
_DS_UNTIL = datetime.datetime(2045, 1, 1, tzinfo=datetime.UTC)


def derive_key(seed: str, label: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key derived from ``seed`` for the purpose ``label``."""
    digest = hmac.new(seed.encode(), label.encode(), hashlib.sha512).digest()
    return ec.derive_private_key(int.from_bytes(digest, "big") % (_ORDER - 1) + 1, CURVE)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vneid-mock SANDBOX"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Authority:
    """A CSCA, its Document Signer, and the DS's private key."""

    seed: str
    csca: x509.Certificate
    document_signer: x509.Certificate
    signer_key: ec.EllipticCurvePrivateKey

    @property
    def csca_pem(self) -> str:
        return self.csca.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def document_signer_pem(self) -> str:
        return self.document_signer.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _builder(subject: x509.Name, issuer: x509.Name, serial: int) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .serial_number(serial)
        .not_valid_before(_NOT_BEFORE)
    )


@lru_cache(maxsize=8)
def authority(seed: str = DEFAULT_SEED) -> Authority:
    """The CSCA and DS of ``seed`` (built once per seed)."""
    csca_key, ds_key = derive_key(seed, "csca"), derive_key(seed, "document-signer")
    tag = hashlib.sha256(seed.encode()).hexdigest()[:8].upper()
    csca_name = _name(f"SANDBOX CSCA Viet Nam {tag}")
    csca_public = csca_key.public_key()
    csca = (
        _builder(csca_name, csca_name, 1)
        .not_valid_after(_CSCA_UNTIL)
        .public_key(csca_public)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(csca_public), critical=False)
        .sign(csca_key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    ds_public = ds_key.public_key()
    document_signer = (
        _builder(_name(f"SANDBOX Document Signer {tag} 01"), csca_name, 2)
        .not_valid_after(_DS_UNTIL)
        .public_key(ds_public)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ds_public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(csca_public), critical=False
        )
        .sign(csca_key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return Authority(seed, csca, document_signer, ds_key)


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
