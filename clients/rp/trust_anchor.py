"""The country signing CA the app trusts for identity cards (CSCA, chứng thư số gốc ký thẻ): ICAO 9303
Part 12. The sandbox publishes its own at ``{issuer}/pki/csca.pem``; the app fetches it once, and once
more when a card's Document Signer does not chain to the one it holds (the sandbox may have been
started with another seed). A real relying party would take it from the ICAO master list instead."""

from dataclasses import dataclass

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes

CSCA_PATH = "/pki/csca.pem"


class TrustAnchorError(Exception):
    """The CSCA could not be fetched or read."""


@dataclass(frozen=True)
class Anchor:
    """The CSCA certificate and where it came from."""

    certificate: x509.Certificate
    url: str

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate, hex: what an operator compares with the master list."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()


class TrustAnchor:
    """The CSCA of the provider at ``issuer``, fetched when first needed."""

    def __init__(self, issuer: str, timeout: float) -> None:
        self.url = f"{issuer.rstrip('/')}{CSCA_PATH}"
        self.timeout = timeout
        self._anchor: Anchor | None = None

    async def get(self, force: bool = False) -> Anchor:
        if self._anchor is not None and not force:
            return self._anchor
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.get(self.url)
            response.raise_for_status()
            certificate = x509.load_pem_x509_certificate(response.content)
        except (httpx.HTTPError, ValueError) as exc:
            raise TrustAnchorError(f"{self.url}: {exc}") from None
        self._anchor = Anchor(certificate, self.url)
        return self._anchor
