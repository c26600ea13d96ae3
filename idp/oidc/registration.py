"""Dynamic Client Registration: RFC 7591 §3 and OpenID Connect Dynamic Client Registration 1.0 §3, on
Authlib's ``ClientRegistrationEndpoint``.

Off unless ``VNEID_REGISTRATION_ENABLED``; the caller presents the initial access token
(``VNEID_REGISTRATION_TOKEN``) as a Bearer token (RFC 7591 §3, a wrong or missing one is 401
``invalid_token``). The metadata passes the checks of :mod:`idp.oidc.client_metadata`, which the
clients file's entries pass too: Authlib's metadata claims against the discovery document (auth methods,
grant and response types, scopes, signing and encryption algorithms), ``application_type`` ``web`` (the
default) or ``native`` (→ ``invalid_client_metadata``), ``redirect_uris`` required of an authorization code client (not of a
device, back-channel or service client) and of the
shapes that type allows (:mod:`idp.oidc.redirect_uris`: ``https`` or ``http`` on a loopback host for
``web``, RFC 8252 §7's private-use scheme, claimed ``https`` or loopback IP for ``native``; no fragment;
→ ``invalid_redirect_uri``), and the JSON types of every field (→ ``invalid_client_metadata``). A secret
is issued only to ``client_secret_basic`` / ``client_secret_post`` clients, returned once, stored hashed;
the client lands in the database (:mod:`idp.oidc.registered_clients`) and works at once.
"""

import secrets
from typing import TYPE_CHECKING
from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6750 import InvalidTokenError
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint

from idp.oidc.client_metadata import CLAIMS_CLASSES
from idp.oidc.client_metadata import SECRET_METHODS
from idp.oidc.client_metadata import application_type_of
from idp.oidc.client_metadata import check_redirect_uris
from idp.oidc.client_metadata import check_types
from idp.oidc.client_metadata import redirect_based
from idp.oidc.clients import Client
from idp.oidc.encryption import DEFAULT_ENC
from idp.oidc.metadata import provider_metadata
from idp.population_db.credentials import hash_secret

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


class RegistrationEndpoint(ClientRegistrationEndpoint):  # type: ignore[misc]
    """``POST /register``: validates, issues the credentials and stores the client."""

    def __init__(self, server: "AuthorizationServer") -> None:
        super().__init__(server, list(CLAIMS_CLASSES))

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
        kind = application_type_of(data)
        if data.get("redirect_uris") or redirect_based(data):  # device, CIBA clients: none
            check_redirect_uris(data.get("redirect_uris"), "redirect_uris", kind)
        check_redirect_uris(
            data.get("post_logout_redirect_uris"), "post_logout_redirect_uris", kind
        )
        metadata: dict[str, Any] = super().extract_client_metadata(request)
        metadata.setdefault("scope", "openid")
        for prefix in ("id_token", "userinfo"):
            # Registration 1.0 §2 defaults the content encryption to A128CBC-HS256, which is not
            # supported here: a client that names only the algorithm gets (and is told) A256GCM.
            if (
                f"{prefix}_encrypted_response_enc" not in data
                and f"{prefix}_encrypted_response_alg" in data
            ):
                metadata[f"{prefix}_encrypted_response_enc"] = DEFAULT_ENC
        request.client_metadata = metadata
        return metadata

    def generate_client_secret(self, request: Any) -> str | None:
        if request.client_metadata["token_endpoint_auth_method"] in SECRET_METHODS:
            return secrets.token_urlsafe(32)
        return None

    def generate_client_info(self, request: Any) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        # Authlib dates the client by the system's clock; the provider's time is its clock's.
        info["client_id_issued_at"] = int(self.server.clock.now())
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
