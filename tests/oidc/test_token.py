"""The token endpoint: code redemption, PKCE verifier, single use, client authentication, refresh rotation."""

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_code


def _redeem(client: TestClient, env: Env, code: str, verifier: str, client_id: str = "rp"):  # type: ignore[no-untyped-def]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    return client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))


def test_code_is_exchanged_for_signed_tokens(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client)
    response = _redeem(client, env, code, verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    keys = KeySet.import_key_set(client.get("/jwks").json())
    id_token = jwt.decode(body["id_token"], keys, algorithms=["RS256"])
    assert id_token.header["kid"]
    claims = id_token.claims
    assert claims["iss"] == ISSUER
    assert claims["aud"] == ["rp"]
    assert claims["nonce"].startswith("n-")
    assert claims["acr"] == "LoA1"
    assert claims["amr"] == ["pwd"]
    assert {"sub", "exp", "iat", "auth_time", "at_hash", "sid"} <= set(claims)
    assert "001088999001" not in claims["sub"]
    access = jwt.decode(body["access_token"], keys, algorithms=["ES256"])
    assert access.header["typ"] == "at+jwt"


def test_code_is_single_use(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client)
    assert _redeem(client, env, code, verifier).status_code == 200
    second = _redeem(client, env, code, verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_wrong_code_verifier_is_invalid_grant(client: TestClient, env: Env) -> None:
    code, _ = get_code(client)
    response = _redeem(client, env, code, "x" * 50)
    assert response.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_invalid_client(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = client.post("/token", data={**data, "code_verifier": verifier}, auth=("rp", "bad"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_expired_code_is_invalid_grant(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client)
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    record = server.store.take(f"code:{code}")
    server.store.put(f"code:{code}", record, -1)
    assert _redeem(client, env, code, verifier).json()["error"] == "invalid_grant"


def test_es256_client_gets_an_es256_id_token(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client, "es")
    body = _redeem(client, env, code, verifier, "es").json()
    keys = KeySet.import_key_set(client.get("/jwks").json())
    assert jwt.decode(body["id_token"], keys, algorithms=["ES256"]).header["alg"] == "ES256"


def test_pairwise_sub_differs_from_public_sub(client: TestClient, env: Env) -> None:
    subs = []
    for client_id in ("rp", "pairwise"):
        code, verifier = get_code(client, client_id)
        access = _redeem(client, env, code, verifier, client_id).json()["access_token"]
        subs.append(
            client.get("/userinfo", headers={"Authorization": f"Bearer {access}"}).json()["sub"]
        )
    assert subs[0] != subs[1]


def test_refresh_rotates_and_reuse_revokes_the_grant(client: TestClient, env: Env) -> None:
    code, verifier = get_code(client)
    first = _redeem(client, env, code, verifier).json()
    auth = ("rp", env.secrets["rp"])
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/token", data=data, auth=auth).json()
    assert second["refresh_token"] != first["refresh_token"]
    reuse = client.post("/token", data=data, auth=auth)
    assert reuse.json()["error"] == "invalid_grant"
    again = {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    assert client.post("/token", data=again, auth=auth).json()["error"] == "invalid_grant"
    bearer = {"Authorization": f"Bearer {second['access_token']}"}
    assert client.get("/userinfo", headers=bearer).status_code == 401


def test_client_credentials(client: TestClient, env: Env) -> None:
    data = {"grant_type": "client_credentials"}
    response = client.post("/token", data=data, auth=("svc", env.secrets["svc"]))
    assert response.status_code == 200
    assert "refresh_token" not in response.json()


def test_malformed_input_is_a_4xx(client: TestClient) -> None:
    assert (
        client.post(
            "/token", content=b"\xff\xfe", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )
    assert (
        client.post("/token", data={"grant_type": "nope"}).json()["error"]
        == "unsupported_grant_type"
    )
    dup = client.post(
        "/token",
        content=b"grant_type=a&grant_type=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert dup.json()["error"] == "invalid_request"
