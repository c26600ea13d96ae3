"""One authorization request of the test kit: its PKCE verifier and S256 challenge (RFC 7636, Authlib's),
``state``, ``nonce`` and the level asked; and the ``kid`` a token names."""

import secrets
from dataclasses import dataclass

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jws

from idp.testkit.clients import Client


@dataclass(frozen=True)
class Flow:
    """One authorization request's secrets: PKCE verifier, state, nonce, and the level asked."""

    params: dict[str, str]
    verifier: str
    state: str
    nonce: str
    acr: str | None

    @classmethod
    def start(cls, client: Client, scope: str, acr: str | None, extra: dict[str, str]) -> "Flow":
        verifier, state, nonce = (secrets.token_urlsafe(32) for _ in range(3))
        params = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "scope": scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
            **({"acr_values": acr} if acr else {}),
            **extra,
        }
        return cls(params, verifier, state, nonce, acr)


def kid_of(token: str) -> str | None:
    try:
        kid = jws.extract_compact(token.encode()).protected.get("kid")
    except ValueError:
        return None
    return str(kid) if kid else None
