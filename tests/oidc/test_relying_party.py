"""The complete code flow driven by Authlib's own client, as a relying party would; tokens checked with
joserfc and python-jose against ``/jwks``."""

from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi.testclient import TestClient
from jose import jwt as jose_jwt
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import query_of


def test_authlib_client_runs_the_whole_flow(client: TestClient, env: Env) -> None:
    metadata = client.get("/.well-known/openid-configuration").json()
    rp = OAuth2Client(
        "rp",
        env.secrets["rp"],
        scope="openid profile",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        transport=client._transport,
    )
    verifier = "v" * 64
    url, state = rp.create_authorization_url(
        metadata["authorization_endpoint"],
        nonce="nonce-rp",
        code_verifier=verifier,
    )
    assert create_s256_code_challenge(verifier) in url
    location = login_and_consent(client, query_of(url))
    assert query_of(location)["iss"] == ISSUER
    token = rp.fetch_token(
        metadata["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    jwks = client.get(metadata["jwks_uri"]).json()
    claims = jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    jose_claims = jose_jwt.decode(
        token["id_token"], jwks, algorithms=["RS256"], audience="rp", issuer=ISSUER,
        access_token=token["access_token"],
    )  # fmt: skip
    assert jose_claims["sub"] == claims["sub"]
    assert claims["nonce"] == "nonce-rp"
    info = rp.get(metadata["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"]
    assert info["account_level"] == 2
    assert info["family_name"]
    assert state


def test_public_client_needs_no_secret_but_pkce(client: TestClient) -> None:
    from tests.oidc.conftest import auth_params
    from tests.oidc.conftest import pkce

    verifier, challenge = pkce()
    code = query_of(login_and_consent(client, auth_params("spa", code_challenge=challenge)))["code"]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "spa",
    }
    assert client.post("/token", data={**data, "code_verifier": verifier}).status_code == 200
