"""Token introspection (RFC 7662) at ``POST /introspect``, on Authlib's ``IntrospectionEndpoint``.

Confidential clients authenticate as at the token endpoint (public clients may not introspect). A client
sees only its own tokens: anything else, like a revoked, expired or unknown token, is ``{"active": false}``
(RFC 7662 §2.2), so nothing is revealed about other clients' citizens.
"""

from typing import Any
from typing import ClassVar

from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint

from idp.oidc.clients import Client
from idp.oidc.grants import AuthorizationCodeGrant
from idp.oidc.presented_tokens import ACCESS
from idp.oidc.presented_tokens import PresentedToken
from idp.oidc.presented_tokens import find_token
from idp.oidc.requests import ItemsRequest

REPORTED_CLAIMS = ("scope", "client_id", "sub", "exp", "iat", "aud", "jti", "acr", "auth_time")


class IntrospectionEndpoint(_IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = [
        m for m in AuthorizationCodeGrant.TOKEN_ENDPOINT_AUTH_METHODS if m != "none"
    ]

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return find_token(self.server, token_string, token_type_hint)

    def check_permission(
        self, token: PresentedToken, client: Client, request: ItemsRequest
    ) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: PresentedToken) -> dict[str, Any]:
        payload = {name: token.claims[name] for name in REPORTED_CLAIMS if name in token.claims}
        payload["token_type"] = "Bearer" if token.kind == ACCESS else "refresh_token"
        payload["iss"] = self.server.settings.issuer
        payload["active"] = True
        return payload
