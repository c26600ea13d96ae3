"""Token revocation (RFC 7009) at ``POST /revoke``, on Authlib's ``RevocationEndpoint``.

Clients authenticate as at the token endpoint. Revoking a refresh token revokes its grant (every token born
from the same authorization code); revoking an access token puts its ``jti`` on the revocation list.
Unknown tokens get an empty 200 and nothing happens (RFC 7009 §2.2: invalid tokens cause no error). A
token issued to another client is refused with ``invalid_grant`` and left alone (RFC 7009 §2.1: "the
request is refused and the client is informed of the error").
"""

from typing import ClassVar

from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint

from idp.oidc.clients import Client
from idp.oidc.grants import AuthorizationCodeGrant
from idp.oidc.presented_tokens import REFRESH
from idp.oidc.presented_tokens import PresentedToken
from idp.oidc.presented_tokens import find_token
from idp.oidc.requests import ItemsRequest


class RevocationEndpoint(_RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS: ClassVar[list[str]] = AuthorizationCodeGrant.TOKEN_ENDPOINT_AUTH_METHODS

    def authenticate_token(self, request: ItemsRequest, client: Client) -> PresentedToken | None:
        self.check_params(request, client)
        token = find_token(self.server, request.form["token"], request.form.get("token_type_hint"))
        if token is not None and not token.check_client(client):
            raise InvalidGrantError("The token was not issued to this client.")
        return token

    def revoke_token(self, token: PresentedToken, request: ItemsRequest) -> None:
        if token.kind == REFRESH:
            self.server.refresh_tokens.delete(token.value)
            self.server.grants.revoke(token.claims["grant_id"])
        else:
            self.server.revoked_access_tokens.revoke(token.claims.get("jti"), token.claims["exp"])
