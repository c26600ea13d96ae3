"""``private_key_jwt`` client authentication at the token endpoint (RFC 7523 §2.2 and §3, OpenID Connect
Core §9), on Authlib's ``JWTBearerClientAssertion``.

The assertion must be signed (RS256, PS256 or ES256 only: ``none`` and HS256 are refused before any
verification) by a key of the client's registered ``jwks`` / ``jwks_uri``; ``iss`` = ``sub`` = client_id,
``aud`` the token endpoint or the issuer, ``exp`` in the future, and its ``jti`` used once: the replay cache
is a :class:`~idp.oidc.token_stores.ReplayCache` (the store's atomic ``add``), so of two concurrent uses
one wins. ``exp`` (and ``iat``, ``nbf`` when present) are checked against the provider's clock
(:class:`idp.state.clock.Clock`), with a leeway for the client's clock.
"""

from typing import Any
from typing import ClassVar

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.oidc.client_keys import ClientKeyError
from idp.oidc.client_keys import ClientKeys
from idp.oidc.clients import Client
from idp.oidc.error_text import describable
from idp.oidc.error_text import printable
from idp.oidc.token_stores import ReplayCache
from idp.oidc.untrusted_input import MALFORMED
from idp.state.clock import Clock

ASSERTION_SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY = 60


class PrivateKeyJWTAuthentication(JWTBearerClientAssertion):  # type: ignore[misc]
    """Authlib's client-assertion check with our audiences, keys, algorithms and replay cache."""

    CLIENT_AUTH_METHOD: ClassVar[str] = "private_key_jwt"

    def __init__(self, issuer: str, used: ReplayCache, keys: ClientKeys, clock: Clock) -> None:
        super().__init__(validate_jti=True, leeway=LEEWAY)
        self.issuer = issuer
        self.used = used
        self.keys = keys
        self.clock = clock

    def __call__(self, query_client: Any, request: Any) -> Client | None:
        """Authlib's check; a refused assertion is 401, like every failed client authentication here."""
        try:
            client: Client | None = super().__call__(query_client, request)
        except InvalidClientError as error:
            error.status_code = 401
            raise
        return client

    def extract_assertion(self, assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Authlib's reading of the (not yet verified) assertion, for which a payload nested too deep
        for the JSON parser is as invalid as any other."""
        try:
            header, claims = super().extract_assertion(assertion)
        except (RecursionError, TypeError):
            raise InvalidClientError(description="Invalid JWT payload.") from None
        return header, claims

    def get_audiences(self) -> list[str]:
        # CIBA Core §7.1: the backchannel authentication endpoint is an audience too.
        return [f"{self.issuer}/token", self.issuer, f"{self.issuer}/bc-authorize"]

    def resolve_client_public_key(self, client: Client) -> KeySet:
        try:
            return KeySet(self.keys.keys_for(client, "sig", ("RSA", "EC")))
        except ClientKeyError as exc:
            raise InvalidClientError(description=str(exc)) from None

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> dict[str, Any]:
        headers, _ = self.extract_assertion(assertion)
        alg = headers.get("alg")
        if alg not in ASSERTION_SIGNING_ALGORITHMS:
            allowed = ", ".join(ASSERTION_SIGNING_ALGORITHMS)
            raise InvalidClientError(
                description=f"Client assertion 'alg' {printable(str(alg))} is refused: sign with {allowed}."
            )
        try:
            token = jwt.decode(
                assertion, resolve_key, algorithms=list(ASSERTION_SIGNING_ALGORITHMS)
            )
        except MALFORMED as exc:
            raise InvalidClientError(
                description=f"Invalid client assertion: {describable(str(exc), 200)}"
            ) from None
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: dict[str, Any]) -> None:
        """Authlib's checks (RFC 7523 §3), in its order and with its messages, with the time-bound
        claims checked at the provider's clock's now: Authlib's registry reads the system's."""
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.clock.now()),
            leeway=self.leeway,
            iss={"essential": True},
            sub={"essential": True},
            aud={"essential": True, "values": self.get_audiences()},
            exp={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise InvalidClientError(description=error.description) from error
        if claims["sub"] != claims["iss"]:
            raise InvalidClientError(description="Issuer and Subject MUST match.")
        if "jti" not in claims:
            raise InvalidClientError(description="Missing JWT ID.")
        if not self.validate_jti(claims, claims["jti"]):
            raise InvalidClientError(description="JWT ID is used before.")

    def validate_jti(self, claims: dict[str, Any], jti: Any) -> bool:
        expires_in = int(claims["exp"]) - int(self.clock.now()) + LEEWAY
        return self.used.first_time(f"{claims['sub']}:{jti}", expires_in)
