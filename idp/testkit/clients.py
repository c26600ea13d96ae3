"""A client the test kit registered (RFC 7591): its id, its secret or private key, and its metadata."""

from dataclasses import dataclass
from typing import Any

DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"
"""Registered when a test names none: the kit catches the redirect, so nothing needs to listen."""
CIBA_GRANT_TYPE = "urn:openid:params:grant-type:ciba"
"""OpenID Connect CIBA Core 1.0's grant: its clients register no ``redirect_uris``."""


@dataclass(frozen=True)
class Client:
    """A registered client: its id, its secret or private key, and its registered metadata."""

    client_id: str
    redirect_uri: str
    metadata: dict[str, Any]
    client_secret: str | None = None
    private_key: dict[str, Any] | None = None
    """The private JWK of a ``private_key_jwt`` client (joserfc's ``ECKey.import_key`` reads it)."""

    @property
    def auth_method(self) -> str:
        return str(self.metadata.get("token_endpoint_auth_method", "client_secret_basic"))
