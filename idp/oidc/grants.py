"""Authlib grants and extensions, filled in with our store: code (+ PKCE S256, + OpenID Connect),
refresh token (rotation with reuse detection), client credentials (which alone gives a service scope:
:mod:`idp.oidc.service_scopes`). The ID token honours the ``claims``
parameter (:mod:`idp.oidc.claims_request`), carries level-2 scopes only for level-2 identities, is
audited as a disclosure (:mod:`idp.oidc.disclosure`), is encrypted on request
(:mod:`idp.oidc.encryption`), and a nonce is accepted once per client while the ID token carrying it
lives (replay refused).

Per RFC 6749 §4.1.2 codes are single-use, and per RFC 9700 §4.14.2 refresh tokens rotate: each is
bound to the client it was issued to, which alone can spend it, and only once every other check of the
request (``redirect_uri``, PKCE, scope) has passed; spending is one atomic step of the store
(:meth:`idp.oidc.token_stores.SingleUse.spend`), so of concurrent redemptions, on one replica or several, exactly one
succeeds and every other revokes the grant (every token issued from that code). A code or refresh
token presented by another client is ``invalid_grant`` and stays usable by its own. Per RFC 9700
§2.1.1 PKCE is required of every client, with S256 only. The ID token's ``iat`` and ``exp`` are the
provider's clock's (``server.clock``).
"""

import secrets
from typing import Any
from typing import ClassVar
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode

from idp.oidc.assurance import LEVEL2_SCOPES
from idp.oidc.assurance import is_level2_identity
from idp.oidc.clients import Client
from idp.oidc.encryption import encrypt_for
from idp.oidc.encryption import encryption_of
from idp.oidc.form_post import form_post_response
from idp.oidc.keys import Key
from idp.oidc.models import AuthorizationCode
from idp.oidc.models import EndUser
from idp.oidc.models import RefreshToken
from idp.oidc.service_scopes import check_licence
from idp.oidc.ui_locales import spoken

CONFIDENTIAL_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]
RESPONSE_MODES = ("query", "form_post")
GRANT_GRACE = 60


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [*CONFIDENTIAL_METHODS, "none"]

    @staticmethod
    def validate_authorization_redirect_uri(request: OAuth2Request, client: Client) -> str:
        """Authlib's check (exact match with a registered URI, or the only one registered when
        absent), with a description that does not echo the URI: it may hold any character, and
        RFC 6749 §5.2 allows only printable ASCII in an ``error_description``."""
        redirect_uri = request.payload.redirect_uri
        if redirect_uri and not client.check_redirect_uri(redirect_uri):
            raise InvalidRequestError("'redirect_uri' is not registered for this client.")
        registered: str = grants.AuthorizationCodeGrant.validate_authorization_redirect_uri(
            request, client
        )
        return registered

    def generate_authorization_code(self) -> str:
        """48 URL-safe characters (288 random bits) from one read of the system's random source;
        Authlib's default draws each character with its own call."""
        return secrets.token_urlsafe(36)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        record = {
            "client_id": request.client.client_id,
            "redirect_uri": data.get("redirect_uri"),
            "scope": granted_scope(request.scope, request.user),
            "nonce": data.get("nonce"),
            "code_challenge": data.get("code_challenge"),
            "code_challenge_method": data.get("code_challenge_method"),
            "claims": data.get("claims"),
            "user": request.user.as_json(),
        }
        if nonce := data.get("nonce"):
            ttl = self.server.settings.access_token_ttl
            if not self.server.nonces.first_time(nonce_key(request.client.client_id, nonce), ttl):
                raise InvalidRequestError("Replayed 'nonce'.", redirect_uri=record["redirect_uri"])
        # The grant lives at least as long as its code can be redeemed, and a while more for the
        # redemption in progress at the code's last moment.
        code_ttl = self.server.settings.code_ttl
        self.server.grants.open(request.user.grant_id, record, code_ttl + GRANT_GRACE)
        self.server.codes.put(code, record, code_ttl)

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        """The code if it was issued to ``client``, not yet spent (:meth:`validate_token_request`
        spends it once the whole request is known to be valid)."""
        record = self.server.codes.find_unspent(code, client.client_id)
        return None if record is None else AuthorizationCode(record, code)

    def validate_token_request(self) -> None:
        """Authlib's checks (client, code, ``redirect_uri``, then PKCE in its hook), then the code is
        spent: a request that fails a check leaves the code to its rightful redemption."""
        super().validate_token_request()
        code: AuthorizationCode = self.request.authorization_code
        ttl = self.server.settings.refresh_token_ttl
        if not self.server.codes.spend(code.code, code.data, ttl):
            raise InvalidGrantError("The code was already used.")

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing to do: the code was spent when the request was validated."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> EndUser:
        return authorization_code.user

    def create_authorization_response(self, redirect_uri: str, grant_user: EndUser | None) -> Any:
        """Authlib's response, in the requested ``response_mode`` (OAuth 2.0 Form Post Response Mode)."""
        mode = self.request.payload.data.get("response_mode", "query")
        if mode not in RESPONSE_MODES:
            raise InvalidRequestError("Unsupported 'response_mode'.", redirect_uri=redirect_uri)
        status, body, headers = super().create_authorization_response(redirect_uri, grant_user)
        if mode == "query":
            return status, body, headers
        location = dict(headers)["Location"]
        params = parse_qsl(urlsplit(location).query)[len(parse_qsl(urlsplit(redirect_uri).query)) :]
        params.append(("iss", self.server.settings.issuer))
        lang = spoken(str(self.request.payload.data.get("ui_locales", "")))
        return form_post_response(redirect_uri, params, lang)


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE for every client, S256 only: a missing challenge or the ``plain`` method is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: AuthorizationCode) -> str | None:
        challenge = authorization_code.data.get("code_challenge")
        return None if challenge is None else str(challenge)

    def get_authorization_code_challenge_method(
        self, authorization_code: AuthorizationCode
    ) -> str | None:
        method = authorization_code.data.get("code_challenge_method")
        return None if method is None else str(method)


class IDToken(OpenIDCode):  # type: ignore[misc]
    """The ID token of OpenID Connect Core §2, signed with the client's registered algorithm."""

    def __init__(self, server: Any) -> None:
        super().__init__(require_nonce=False)
        self.server = server

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        """Whether a code was already issued to this client with this nonce (while its ID token lives)."""
        return bool(self.server.nonces.seen(nonce_key(request.payload.client_id, nonce)))

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        """Signed, then encrypted when the client registered ID token encryption (Core §10.2)."""
        signed: str = super().encode_id_token(token, request)
        if (injections := self.server.injections) is not None:  # a broken token a test queued
            user = request.user
            signed = injections.id_token(signed, request.client.client_id, user.pin) or signed
        encryption = encryption_of(request.client, "id_token")
        if encryption is None:
            return signed
        keys = self.server.client_keys
        return encrypt_for(keys, request.client, signed, *encryption, nested=True)

    def get_authorization_code_claims(
        self, authorization_code: AuthorizationCode
    ) -> dict[str, Any]:
        """The protocol claims plus the citizen's, which the code's redemption fixed and audited
        (:meth:`idp.oidc.server.AuthorizationServer.save_token` runs before this hook)."""
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        assert authorization_code.disclosed is not None, "an ID token's claims are audited first"
        return {**authorization_code.disclosed, **claims}

    def get_client_algorithm(self, client: Client) -> str:
        return client.id_token_signed_response_alg

    def resolve_client_private_key(self, client: Client) -> Key:
        key: Key = self.server.keys.signing_key(self.get_client_algorithm(client))
        return key

    def get_encode_header(self, client: Client) -> dict[str, str]:
        alg = self.get_client_algorithm(client)
        return {"alg": alg, "kid": str(self.server.keys.signing_key(alg).kid)}

    def get_compatible_claims(self, request: OAuth2Request) -> dict[str, Any]:
        """The claims of :meth:`get_client_claims`, with ``auth_time`` defaulting to ``iat``, as
        Authlib's own, which dates them by the system's clock (the code's ``auth_time`` replaces it)."""
        claims = self.get_client_claims(request.client)
        claims.setdefault("auth_time", claims["iat"])
        return claims

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(self.server.clock.now())
        return {
            "iss": self.server.settings.issuer,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + self.server.settings.access_token_ttl,
        }

    def generate_user_info(self, user: EndUser, scope: str) -> dict[str, Any]:
        return {"sub": user.sub, "sid": user.sid, "account_level": user.account_level}


def granted_scope(scope: str | None, user: EndUser) -> str:
    """The scope a code carries: the consented ``scope`` without the level-2 scopes when the citizen's
    identity is not a level-2 identity (RFC 6749 §3.3: the token response then says so)."""
    scopes = (scope or "").split()
    if not is_level2_identity(user.account_level, user.acr):
        scopes = [s for s in scopes if s not in LEVEL2_SCOPES]
    return " ".join(scopes)


def nonce_key(client_id: str, nonce: str) -> str:
    """A ``nonce`` is remembered per client."""
    return f"{client_id}:{nonce}"


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [*CONFIDENTIAL_METHODS, "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken | None:
        """The refresh token if it was issued to the authenticated client, not yet spent
        (:meth:`validate_token_request` spends it)."""
        server = self.server
        record = server.refresh_tokens.find_unspent(refresh_token, self.request.client.client_id)
        if record is None or not server.grants.is_active(record["user"]["grant_id"]):
            return None
        return RefreshToken(record, refresh_token, server.clock)

    def validate_token_request(self) -> None:
        """Authlib's checks (client, token, scope), then the refresh token is spent (rotation)."""
        super().validate_token_request()
        token: RefreshToken = self.request.refresh_token
        ttl = self.server.settings.refresh_token_ttl
        if not self.server.refresh_tokens.spend(token.value, token.data, ttl):
            raise InvalidGrantError("The refresh token was already used.")

    def authenticate_user(self, refresh_token: RefreshToken) -> EndUser:
        return refresh_token.user

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:
        """Nothing to do: the old refresh token was spent when the request was validated."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    """RFC 6749 §4.4, for confidential clients; the one grant that gives a service scope, to a client
    registered for it (:mod:`idp.oidc.service_scopes`)."""

    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_METHODS

    def validate_requested_scope(self) -> None:
        check_licence(self.request.client, self.request.payload.scope)
