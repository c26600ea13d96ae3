"""Relying parties with keys of their own: private_key_jwt, encrypted ID tokens, userinfo as JWT.

Registered once per test session in the test clients file (the ``env`` fixture's), with throw-away keys
whose private halves stay here, as a relying party's would.
"""

import time
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from idp.oidc.clients import add_client
from idp.oidc.clients import load_clients
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWKS_URI = "https://rp.example/jwks.json"


@dataclass
class RPKeys:
    sig_rsa: RSAKey
    sig_ec: ECKey
    enc_rsa: RSAKey
    enc_ec: ECKey

    def public(self, *keys: RSAKey | ECKey) -> dict[str, Any]:
        return dict(KeySet(list(keys)).as_dict(private=False))


_KEYS: RPKeys | None = None


def rp_keys(env: Env) -> RPKeys:
    """The relying parties' keys, their clients registered on first use."""
    global _KEYS
    if _KEYS is None:
        _KEYS = RPKeys(
            RSAKey.generate_key(2048, {"use": "sig"}, auto_kid=True),
            ECKey.generate_key("P-256", {"use": "sig"}, auto_kid=True),
            RSAKey.generate_key(2048, {"use": "enc"}, auto_kid=True),
            ECKey.generate_key("P-256", {"use": "enc"}, auto_kid=True),
        )
        _register(env, _KEYS)
    return _KEYS


def _register(env: Env, k: RPKeys) -> None:
    path = env.settings.clients_file
    common = {"redirect_uris": [REDIRECT], "scope": "openid profile"}
    pkjwt = {**common, "token_endpoint_auth_method": "private_key_jwt"}
    encrypted_rsa = {"jwks": k.public(k.enc_rsa), "id_token_encrypted_response_alg": "RSA-OAEP-256"}
    encrypted_ec = {
        "jwks": k.public(k.enc_ec),
        "id_token_signed_response_alg": "ES256",
        "id_token_encrypted_response_alg": "ECDH-ES+A256KW",
        "id_token_encrypted_response_enc": "A256GCM",
    }
    clients: dict[str, dict[str, Any]] = {
        "pkjwt": {**pkjwt, "jwks": k.public(k.sig_rsa, k.sig_ec, k.enc_rsa)},
        "pkjwt-uri": {**pkjwt, "jwks_uri": JWKS_URI},
        "enc-rsa": {**pkjwt, **encrypted_rsa, "jwks": k.public(k.sig_rsa, k.enc_rsa)},
        "enc-ec": {**common, **encrypted_ec},
        "enc-nokey": {**common, "id_token_encrypted_response_alg": "ECDH-ES+A256KW"},
        "ui-signed": {**common, "userinfo_signed_response_alg": "RS256"},
        "ui-nested": {
            **common,
            "jwks": k.public(k.enc_rsa),
            "userinfo_signed_response_alg": "PS256",
            "userinfo_encrypted_response_alg": "RSA-OAEP-256",
        },
        "ui-encrypted": {
            **common,
            "jwks": k.public(k.enc_ec),
            "userinfo_encrypted_response_alg": "ECDH-ES+A256KW",
        },
    }
    existing = load_clients(path)
    for client_id, metadata in clients.items():
        if client_id not in existing:
            secret = add_client(path, client_id, metadata)
            if secret:
                env.secrets[client_id] = secret


def assertion(
    client_id: str,
    key: RSAKey | ECKey,
    alg: str = "RS256",
    **overrides: Any,
) -> str:
    """A client assertion (RFC 7523 §3) signed with ``key``; ``overrides`` change or drop (None) claims."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"{ISSUER}/token",
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": alg, "kid": str(key.kid)}, claims, key, algorithms=[alg])


def redeem(client: TestClient, client_id: str, auth: dict[str, str]) -> Any:
    """Run the code flow for ``client_id`` and redeem the code with the authentication fields ``auth``."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge)
    response = client.get("/authorize", params=params)
    signed_in = response.status_code == 302
    location = response.headers["location"] if signed_in else login_and_consent(client, params)
    code = query_of(location)["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    return client.post("/token", data={**data, "code_verifier": verifier, **auth})


def with_assertion(client_id: str, signed: str) -> dict[str, str]:
    return {
        "client_id": client_id,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": signed,
    }
