"""Dynamic Client Registration: RFC 7591 §3 and OpenID Connect Dynamic Client Registration 1.0 §3, on
Authlib's ``ClientRegistrationEndpoint``.

Off unless ``VNEID_REGISTRATION_ENABLED``; the caller presents the initial access token
(``VNEID_REGISTRATION_TOKEN``) as a Bearer token (RFC 7591 §3, a wrong or missing one is 401
``invalid_token``). Authlib's metadata claims check the values against the discovery document (auth
methods, grant and response types, scopes, signing and encryption algorithms); this module adds what it
leaves open: ``redirect_uris`` required, absolute, ``https`` or ``http`` on a loopback host, no fragment
(→ ``invalid_redirect_uri``), and the JSON types of every field (→ ``invalid_client_metadata``). A secret
is issued only to ``client_secret_basic`` / ``client_secret_post`` clients, returned once, stored hashed;
the client lands in the database (:mod:`idp.oidc.registered_clients`) and works at once.
"""

import secrets
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.claims import BaseClaims
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6750 import InvalidTokenError
from authlib.oauth2.rfc7591 import ClientMetadataClaims
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7591 import InvalidClientMetadataError
from authlib.oauth2.rfc7591 import InvalidRedirectURIError
from authlib.oidc.registration import ClientMetadataClaims as OidcClientMetadataClaims

from idp.oidc.clients import ACCESS_TOKEN_ALGORITHMS
from idp.oidc.clients import Client
from idp.oidc.metadata import provider_metadata
from idp.oidc.requests import printable
from idp.population_db.credentials import hash_secret

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
LIST_FIELDS = (
    "redirect_uris",
    "post_logout_redirect_uris",
    "grant_types",
    "response_types",
    "contacts",
    "default_acr_values",
    "request_uris",
)
OBJECT_FIELDS = ("jwks",)
INTEGER_FIELDS = ("default_max_age",)
BOOLEAN_FIELDS = ("require_auth_time", "backchannel_logout_session_required")


class ProviderClaims(BaseClaims):  # type: ignore[misc]
    """The metadata the two standard claim sets leave out: logout (RP-Initiated and Back-Channel Logout
    1.0), ``purpose``, the text shown at consent, and ``access_token_signed_response_alg``."""

    REGISTERED_CLAIMS = (
        "post_logout_redirect_uris",
        "backchannel_logout_uri",
        "backchannel_logout_session_required",
        "purpose",
        "access_token_signed_response_alg",
    )

    @classmethod
    def get_claims_options(cls, metadata: dict[str, Any]) -> dict[str, Any]:
        def signable(claims: Any, alg: str) -> bool:
            return alg in ACCESS_TOKEN_ALGORITHMS

        return {"access_token_signed_response_alg": {"validate": signable}}


class RegistrationEndpoint(ClientRegistrationEndpoint):  # type: ignore[misc]
    """``POST /register``: validates, issues the credentials and stores the client."""

    def __init__(self, server: "AuthorizationServer") -> None:
        super().__init__(server, [ClientMetadataClaims, OidcClientMetadataClaims, ProviderClaims])

    def authenticate_token(self, request: Any) -> str:
        expected = self.server.settings.registration_token.get_secret_value()
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        valid = scheme.lower() == "bearer" and bool(expected)
        if not (valid and secrets.compare_digest(token.encode(), expected.encode())):
            raise InvalidTokenError(
                "A valid initial access token is required (RFC 7591 section 3)."
            )
        return str(token)

    def get_server_metadata(self) -> dict[str, Any]:
        return provider_metadata(self.server.settings.issuer)

    def extract_client_metadata(self, request: Any) -> dict[str, Any]:
        data = request.payload.data
        if not data:
            raise InvalidRequestError("The body must be a JSON object of client metadata.")
        check_types(data)
        check_redirect_uris(data.get("redirect_uris"), "redirect_uris")
        check_redirect_uris(data.get("post_logout_redirect_uris", []), "post_logout_redirect_uris")
        metadata: dict[str, Any] = super().extract_client_metadata(request)
        metadata.setdefault("scope", "openid")
        request.client_metadata = metadata
        return metadata

    def generate_client_secret(self, request: Any) -> str | None:
        if request.client_metadata["token_endpoint_auth_method"] in SECRET_METHODS:
            return secrets.token_urlsafe(32)
        return None

    def generate_client_info(self, request: Any) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        if info["client_secret"] is None:
            del info["client_secret"], info["client_secret_expires_at"]
        return info

    def save_client(
        self, client_info: dict[str, Any], client_metadata: dict[str, Any], request: Any
    ) -> Client:
        secret = client_info.get("client_secret")
        client = Client(
            client_info["client_id"], client_metadata, hash_secret(secret) if secret else None
        )
        self.server.registered_clients.add(client, client_info["client_id_issued_at"])
        return client


def check_types(data: dict[str, Any]) -> None:
    """Every known field has its JSON type (Registration 1.0 §2), before any value is looked at;
    unknown fields are ignored (RFC 7591 §2)."""
    known = {*ClientMetadataClaims.REGISTERED_CLAIMS, *OidcClientMetadataClaims.REGISTERED_CLAIMS}
    for name, value in data.items():
        if name not in known.union(ProviderClaims.REGISTERED_CLAIMS):
            continue
        if name in LIST_FIELDS:
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        elif name in OBJECT_FIELDS:
            ok = isinstance(value, dict)
        elif name in INTEGER_FIELDS:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif name in BOOLEAN_FIELDS:
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise InvalidClientMetadataError(f"{name} has the wrong type.")


def check_redirect_uris(uris: list[str] | None, name: str) -> None:
    """Absolute ``https`` URIs, or ``http`` on a loopback host; no fragment (RFC 6749 §3.1.2)."""
    if not uris:
        if name == "redirect_uris":
            raise InvalidRedirectURIError("redirect_uris is required.")
        return
    for uri in uris:
        try:
            parts = urlsplit(uri)
            host = parts.hostname
        except ValueError:
            raise InvalidRedirectURIError(f"{name}: {printable(uri)} is not a URI.") from None
        loopback = parts.scheme == "http" and host in LOOPBACK_HOSTS
        if not (parts.scheme == "https" or loopback) or not host:
            raise InvalidRedirectURIError(
                f"{name}: {printable(uri)} must be https (or http on loopback)."
            )
        if parts.fragment or "#" in uri:
            raise InvalidRedirectURIError(f"{name}: {printable(uri)} must not have a fragment.")
