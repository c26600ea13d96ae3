"""Broken ID tokens for the catalogue's ``id_token_*`` scenarios: each fails exactly one check of OpenID
Connect Core §3.1.3.7 (signature, ``kid``, ``alg``, ``iss``, ``aud``, ``exp``, ``iat``, ``nonce``,
``at_hash``, ``acr``) or §5.3.2 (``sub`` equal to userinfo's), and passes the others.

The provider's own token is read back (it verifies with the provider's keys), changed, and signed again
with joserfc: with the provider's key of the same algorithm, or for the signature and ``kid`` cases
with a key made for the occasion. Encryption, for clients that register it, comes after (the core
encrypts what it is given).
"""

import secrets
import warnings
from collections.abc import Callable
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import KeyParameters
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from idp.oidc.assurance import ACR_ORDER
from idp.oidc.keys import KeyRing

HOUR = 3600
Claims = dict[str, Any]


def _stranger(alg: str, kid: str | None) -> RSAKey | ECKey:
    """A key the provider does not publish, of the type ``alg`` needs; with ``kid`` when given, else
    its own thumbprint."""
    parameters: KeyParameters = {"use": "sig"}
    if kid:
        parameters["kid"] = kid
    if alg.startswith("ES"):
        return ECKey.generate_key("P-256", parameters=parameters, auto_kid=kid is None)
    return RSAKey.generate_key(2048, parameters=parameters, auto_kid=kid is None)


def _lower(acr: str | None) -> str | None:
    rank = ACR_ORDER.index(acr) if acr in ACR_ORDER else 0
    return ACR_ORDER[rank - 1] if rank > 0 else None


def _changed(claims: Claims, now: int, name: str) -> Claims:
    """The claims with the one change ``name`` makes (none for the signature cases)."""
    ttl = int(claims.get("exp", now + HOUR)) - int(claims.get("iat", now))
    client_id = claims["aud"][0] if isinstance(claims["aud"], list) else claims["aud"]
    changes: dict[str, Callable[[], Claims]] = {
        "id_token_wrong_iss": lambda: {"iss": "https://issuer.invalid"},
        "id_token_wrong_aud": lambda: {"aud": [f"not-{client_id}"]},
        "id_token_expired": lambda: {"iat": now - 2 * HOUR, "exp": now - HOUR},
        "id_token_issued_in_future": lambda: {"iat": now + HOUR, "exp": now + HOUR + ttl},
        "id_token_wrong_nonce": lambda: {"nonce": secrets.token_urlsafe(16)},
        "id_token_wrong_at_hash": lambda: {"at_hash": secrets.token_urlsafe(16)},
        "id_token_lower_acr": lambda: {"acr": _lower(claims.get("acr"))},
        "id_token_sub_mismatch": lambda: {"sub": secrets.token_urlsafe(32)},
    }
    changed = {**claims, **changes.get(name, dict)()}
    return {key: value for key, value in changed.items() if value is not None}


def break_id_token(name: str, signed: str, keys: KeyRing, now: int) -> str:
    """``signed`` (an ID token the provider just signed) broken as scenario ``name`` says."""
    token = jwt.decode(signed, keys.key_set)
    header, claims = dict(token.header), _changed(dict(token.claims), now, name)
    alg, kid = str(header["alg"]), header.get("kid")
    if name == "id_token_alg_none":
        with (
            warnings.catch_warnings()
        ):  # joserfc warns that "none" is deprecated: that is the point
            warnings.simplefilter("ignore")
            unsigned: str = jwt.encode(
                {"alg": "none", "typ": "JWT"},
                claims,
                None,  # type: ignore[arg-type]  # alg none takes no key
                algorithms=["none"],
            )
            return unsigned
    if name == "id_token_bad_signature":  # the provider's kid, another key's signature
        return jwt.encode(header, claims, _stranger(alg, str(kid)), algorithms=[alg])
    if name == "id_token_unknown_kid":
        stranger = _stranger(alg, None)
        return jwt.encode({**header, "kid": stranger.kid}, claims, stranger, algorithms=[alg])
    return jwt.encode(header, claims, KeySet([keys.signing_key(alg)]), algorithms=[alg])
