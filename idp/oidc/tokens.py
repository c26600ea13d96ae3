"""Access tokens as RFC 9068 JWTs (``typ`` ``at+jwt``), opaque rotating refresh tokens, and their storage.

Access tokens are signed with the algorithm the client registers as ``access_token_signed_response_alg``
(the name Keycloak gives the same per-client setting), or else with the server's ``access_token_alg``:
ES256 by default, since one RSA-2048 signature is about an eighth of a whole flow's CPU where RSA is slow
and FAPI 2.0 leaves RS256 out; RS256, the one algorithm RFC 9068 §2.1 has every authorization and
resource server support, for a resource server that accepts nothing else (Spring Security given only a
``jwk-set-uri``, for one). PS256 is not offered here: the generator signs, as Authlib's does, with
joserfc's recommended algorithms only.

An access token names its grant (``grant_id``) so that revoking the grant (refresh-token reuse, code
replay, RFC 7009 revocation) invalidates every access token born from it at userinfo and introspection.
Tokens are dated by the provider's clock (:class:`idp.state.clock.Clock`): the generator builds the claims
Authlib's would, whose ``iat`` and ``exp`` come from the system's clock.
"""

import secrets
from typing import Any

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.clients import ACCESS_TOKEN_ALGORITHMS
from idp.oidc.clients import Client
from idp.oidc.error_text import printable
from idp.oidc.issued_tokens import IssuedAccessTokens
from idp.oidc.keys import KeyRing
from idp.oidc.models import EndUser
from idp.oidc.token_stores import Grants
from idp.oidc.token_stores import SingleUse
from idp.state.clock import Clock


class AccessTokenGenerator:
    """Authlib's token generator interface: each client's token from the generator of its algorithm."""

    def __init__(
        self,
        issuer: str,
        keys: KeyRing,
        access_ttl: int,
        issued: IssuedAccessTokens,
        default_alg: str,
        clock: Clock,
    ) -> None:
        self.by_alg = {
            alg: SignedAccessTokens(issuer, keys, access_ttl, alg, issued, clock)
            for alg in ACCESS_TOKEN_ALGORITHMS
        }
        self.default_alg = default_alg

    def __call__(
        self,
        grant_type: str,
        client: Client,
        user: EndUser | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        registered = client.access_token_signed_response_alg
        generator = self.by_alg.get(registered or self.default_alg)
        if generator is None:  # a hand-edited clients file; registration refuses such a value
            raise InvalidClientError(
                description=f"Unsupported access_token_signed_response_alg {printable(str(registered))}."
            )
        token: dict[str, Any] = generator(
            grant_type, client, user, scope, expires_in, include_refresh_token
        )
        return token


class SignedAccessTokens(JWTBearerTokenGenerator):  # type: ignore[misc]
    """Authlib's RFC 9068 generator for one algorithm, signing with the ring's newest key for it
    (``kid`` in the header) and dating with ``clock``; every token it signs goes into ``issued``."""

    def __init__(
        self,
        issuer: str,
        keys: KeyRing,
        access_ttl: int,
        alg: str,
        issued: IssuedAccessTokens,
        clock: Clock,
    ) -> None:
        super().__init__(
            issuer,
            alg=alg,
            refresh_token_generator=lambda **_: secrets.token_urlsafe(36),
            expires_generator=lambda client, grant_type: access_ttl,
        )
        self.keys = keys
        self.issued = issued
        self.clock = clock

    def access_token_generator(
        self, client: Client, grant_type: str, user: EndUser | None, scope: str
    ) -> str:
        """The claims and header of Authlib's generator (RFC 9068 §2.2), in its order, with ``iat``
        and ``exp`` from the provider's clock: Authlib's own reads the system's."""
        now = int(self.clock.now())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "exp": now + int(self._get_expires_in(client, grant_type)),
            "client_id": client.get_client_id(),
            "iat": now,
            "jti": self.get_jti(client, grant_type, user, scope),
            "scope": scope,
            "sub": client.get_client_id() if user is None else str(user.get_user_id()),
            "aud": self.get_audiences(client, user, scope),
        }
        if auth_time := self.get_auth_time(user):
            claims["auth_time"] = auth_time
        if acr := self.get_acr(user):
            claims["acr"] = acr
        if amr := self.get_amr(user):
            claims["amr"] = amr
        claims.update(self.get_extra_claims(client, grant_type, user, scope))
        header = {"alg": self.alg, "typ": "at+jwt"}
        token = jwt.encode(header, claims, self.get_jwks())
        self.issued.remember(token)
        return token

    def get_jti(self, client: Client, grant_type: str, user: EndUser | None, scope: str) -> str:
        """128 random bits from one read of the system's random source (Authlib's default draws each
        character with its own call)."""
        return secrets.token_urlsafe(16)

    def get_jwks(self) -> KeySet:
        return self.keys.signing_set(self.alg)

    def get_extra_claims(
        self, client: Client, grant_type: str, user: EndUser | None, scope: str
    ) -> dict[str, Any]:
        return {} if user is None else {"grant_id": user.grant_id, "sid": user.sid}

    def get_auth_time(self, user: EndUser | None) -> int | None:
        return None if user is None else user.auth_time

    def get_acr(self, user: EndUser | None) -> str | None:
        return None if user is None else user.acr

    def get_amr(self, user: EndUser | None) -> list[str] | None:
        return None if user is None else user.amr


def save_token(
    stores: tuple[Grants, SingleUse],
    token: dict[str, Any],
    client_id: str,
    user: EndUser | None,
    ttl: int,
    *,
    now: float,
) -> bool:
    """Keep the grant alive for as long as the new refresh token lives, and remember that token,
    issued ``now`` (``stores``: the grants and the refresh tokens).

    The grant was born with its authorization code (:meth:`Grants.open`); both a redemption and a
    refresh only extend it if it is still alive, atomically, so one revoked meanwhile (a replay
    detected by another provider process between two steps of this one) stays revoked. False, and
    nothing stored, when the grant is gone: the token response must not leave.
    """
    grants, refresh_tokens = stores
    if user is None:
        return True
    if not grants.extend(user.grant_id, ttl):
        return False
    if refresh_token := token.get("refresh_token"):
        record = {
            "client_id": client_id,
            "scope": token.get("scope", ""),
            "user": user.as_json(),
            "expires_at": now + ttl,
            "issued_at": now,
        }
        refresh_tokens.put(refresh_token, record, ttl)
    return True
