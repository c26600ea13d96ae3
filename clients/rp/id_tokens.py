"""What the relying party does with an ID token beyond Authlib's validation: decrypt it when it arrives
as a JWE, describe it for the inspector, and check the step-up it was asked for.

- Encrypted ID tokens are Nested JWTs (OpenID Connect Core §10.2, §16.14; RFC 7516): decrypted with the
  app's own ``enc`` key (joserfc), the inner signed JWT is then validated like any other.
- Step-up (Core §3.1.2.1 ``acr_values`` and ``max_age``, §2 ``acr``/``auth_time``): the returned ``acr`` must
  be at least the level asked for, and after ``max_age`` the ``auth_time`` must be recent enough.
"""

import json
import time
from typing import Any

from joserfc import jwe
from joserfc import jws
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from clients.rp.logins import LEVELS
from clients.rp.logins import level_rank

CLOCK_SKEW = 5
"""Seconds of clock difference tolerated between the app and the provider."""


class StepUpError(Exception):
    """The ID token does not prove the authentication that was asked for."""


def is_encrypted(token: str) -> bool:
    """A compact JWE has five parts, a JWS three."""
    return token.count(".") == 4


def decrypt(token: str, key_set: KeySet) -> tuple[str, dict[str, Any]]:
    """The inner signed JWT of a Nested JWT and the JWE header (raises ``JoseError`` or ``ValueError``)."""
    decrypted = jwe.decrypt_compact(token, key_set, algorithms=["RSA-OAEP-256", "A256GCM"])
    if decrypted.plaintext is None:
        raise ValueError("the JWE has no plaintext")
    return decrypted.plaintext.decode(), dict(decrypted.headers())


def describe(signed: str, jwks: dict[str, Any], algorithms: list[str]) -> dict[str, Any]:
    """Header, claims (unverified, for display) and the verdict of the signature check."""
    try:
        extracted = jws.extract_compact(signed.encode())
        header = dict(extracted.headers())
        claims: dict[str, Any] = json.loads(extracted.payload)
    except (JoseError, ValueError) as exc:
        return {"header": {}, "claims": {}, "signature": f"invalid: not a JWS ({exc})"}
    try:
        jwt.decode(signed, KeySet.import_key_set(jwks), algorithms=algorithms)  # type: ignore[arg-type]
        kid = header.get("kid", "")
        verdict = f"valid ({header.get('alg')}, kid {kid}, VNeID JWKS)"
    except (JoseError, ValueError) as exc:
        verdict = f"invalid: {exc}"
    return {"header": header, "claims": claims, "signature": verdict}


def acceptable_levels(acr_values: str) -> list[str]:
    """The levels that satisfy a request for ``acr_values`` (the weakest value asked, or stronger)."""
    asked = [level_rank(value) for value in acr_values.split() if value in LEVELS]
    if not asked:
        return list(LEVELS)
    return list(LEVELS[min(asked) :])


def check_step_up(
    claims: dict[str, Any], acr_values: str, max_age: int | None, since: float
) -> None:
    """Raise :class:`StepUpError` if ``claims`` do not show the level asked for or, with ``max_age``,
    an authentication recent enough for a request made at ``since``."""
    acr = claims.get("acr")
    if acr not in acceptable_levels(acr_values):
        raise StepUpError(f"acr {acr!r} is weaker than the {acr_values!r} asked for.")
    if max_age is None:
        return
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int):
        raise StepUpError("auth_time is missing although max_age was asked.")
    oldest = min(since, time.time() - max_age) - CLOCK_SKEW
    if auth_time < oldest:
        raise StepUpError(f"auth_time {auth_time} is older than max_age={max_age} allows.")
