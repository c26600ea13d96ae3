"""UserInfo as a JWT (OpenID Connect Core §5.3.2, Dynamic Client Registration 1.0 §2).

A client that registers ``userinfo_signed_response_alg`` (RS256, PS256, ES256) gets the claims signed by
our key, with ``iss`` and ``aud``; one that registers ``userinfo_encrypted_response_alg`` / ``_enc`` gets
them encrypted to its key: a Nested JWT when also signed, else the JSON claims as the JWE plaintext.
Both are served as ``application/jwt``.
"""

import json
from typing import Any

from authlib.oauth2.rfc6749 import InvalidClientError
from joserfc import jwt

from idp.oidc.clients import Client
from idp.oidc.encryption import encrypt_for
from idp.oidc.encryption import encryption_of
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.server import AuthorizationServer


def wants_jwt(client: Client) -> bool:
    metadata = client.metadata
    return bool(
        metadata.get("userinfo_signed_response_alg")
        or metadata.get("userinfo_encrypted_response_alg")
    )


def userinfo_jwt(server: AuthorizationServer, client: Client, claims: dict[str, Any]) -> str:
    """The claims as the JWT the client registered for."""
    payload = {**claims, "iss": server.settings.issuer, "aud": client.client_id}
    payload["iat"] = int(server.clock.now())
    alg = client.metadata.get("userinfo_signed_response_alg")
    if alg is not None and alg not in SIGNING_ALGORITHMS:
        raise InvalidClientError(description=f"Unsupported userinfo_signed_response_alg {alg!r}.")
    token = json.dumps(payload, ensure_ascii=False)
    if alg is not None:
        key = server.keys.signing_key(alg)
        token = jwt.encode({"alg": alg, "kid": str(key.kid)}, payload, key, algorithms=[alg])
    encryption = encryption_of(client, "userinfo")
    if encryption is None:
        return token
    return encrypt_for(server.client_keys, client, token, *encryption, nested=alg is not None)
