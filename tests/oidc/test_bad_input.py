"""Malformed input gets a 4xx with the specification's error code and a description, never a 500:
wrong content type, invalid UTF-8, oversized parameters and bodies, missing fields, unsigned or
HMAC-signed JWTs where our public keys (or the client's) are expected."""

import base64
import json
import time
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _error(response, status: int = 400, error: str = "invalid_request") -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_json_body_at_token_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", json={"grant_type": "client_credentials"}))


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
def test_invalid_utf8_in_form_body_is_invalid_request(client: TestClient, path: str) -> None:
    _error(client.post(path, content=b"grant_type=%FF%FE&token=\xff", headers=FORM))


def _error_page(response, status: int = 400) -> None:  # type: ignore[no-untyped-def]
    """What a browser sent to the authorization or logout endpoint gets: the error page, no redirect."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text
    assert "location" not in response.headers


@pytest.mark.parametrize("query", ["client_id=%C3%28", "client_id=a%00b"], ids=["utf8", "nul"])
def test_an_unreadable_query_string_is_invalid_request(client: TestClient, query: str) -> None:
    _error(client.post(f"/token?{query}"))
    _error_page(client.get(f"/authorize?{query}"))
    _error_page(client.get(f"/logout?{query}"))


def test_a_nul_in_a_form_body_is_invalid_request(client: TestClient, env: Env) -> None:
    data = {"grant_type": "refresh_token", "refresh_token": "a\x00b"}
    _error(client.post("/token", data=data, auth=("rp", env.secrets["rp"])))


def test_oversized_parameter_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", data={"grant_type": "refresh_token", "refresh_token": "x" * 9000}))
    _error_page(client.get("/authorize", params={"client_id": "rp", "state": "s" * 9000}))


def test_oversized_body_is_413(client: TestClient) -> None:
    body = "&".join(f"p{i}=" + "x" * 1000 for i in range(70))
    _error(client.post("/token", content=body, headers=FORM), status=413)


def test_too_many_fields_is_invalid_request(client: TestClient) -> None:
    _error(client.post("/token", content="&".join(f"p{i}=1" for i in range(200)), headers=FORM))


def test_missing_fields_at_token_are_invalid_request(client: TestClient, env: Env) -> None:
    auth = ("rp", env.secrets["rp"])
    _error(client.post("/token", data={"grant_type": "authorization_code"}, auth=auth))
    _error(client.post("/token", data={"grant_type": "refresh_token"}, auth=auth))
    response = client.post("/token", data={}, auth=auth)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")


def _unsigned(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _hs256(claims: dict[str, object]) -> str:
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key("k" * 32))


CLAIMS = {"iss": ISSUER, "sub": "x", "aud": "rp", "exp": int(time.time()) + 300, "jti": "j1"}
FORGERIES = [_unsigned(CLAIMS), _hs256(CLAIMS)]


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_access_token_at_userinfo_is_invalid_token(client: TestClient, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    _error(client.get("/userinfo", headers=headers), status=401, error="invalid_token")


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_client_assertion_is_invalid_client(client: TestClient, token: str) -> None:
    claims = {**CLAIMS, "iss": "rp", "sub": "rp", "aud": f"{ISSUER}/token"}
    assertion = _unsigned(claims) if token == FORGERIES[0] else _hs256(claims)
    data = {
        "grant_type": "client_credentials",
        "client_id": "rp",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    _error(client.post("/token", data=data), status=401, error="invalid_client")


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_id_token_hint_at_logout_is_refused(client: TestClient, token: str) -> None:
    response = client.get("/logout", params={"id_token_hint": token})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("token", FORGERIES)
def test_forged_token_at_introspection_is_inactive(
    client: TestClient, env: Env, token: str
) -> None:
    auth = ("rp", env.secrets["rp"])
    response = client.post("/introspect", data={"token": token}, auth=auth)
    assert response.status_code == 200
    assert response.json() == {"active": False}


ERROR_DESCRIPTION_CHARSET = {chr(c) for c in (0x20, 0x21, *range(0x23, 0x5C), *range(0x5D, 0x7F))}
ALTERED_REDIRECT_URIS = [
    "https://rp.exаmple/cb",  # a Cyrillic "а": a look-alike host
    'https://rp.example/cb"><script>alert(1)</script>',
    "https://rp.example/cb%00",
    "https://rp.example/cb\x00",
    "https://rp.example/cb\u200f",  # a right-to-left mark
    "https://rp.example/cb\\",
    "https://rp.example/cb/",
    "HTTPS://RP.EXAMPLE/cb",
    "https://rp.example:443/cb",
]


@pytest.mark.parametrize("redirect_uri", ALTERED_REDIRECT_URIS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unregistered_redirect_uri_gets_the_error_page(
    client: TestClient, redirect_uri: str, method: str
) -> None:
    """RFC 6749 §4.1.2.1: never a redirect to an unverified URI, never a 500 for its characters."""
    params = {
        "response_type": "code",
        "client_id": "rp",
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": "s",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
    if method == "GET":
        response = client.get("/authorize", params=params)
    else:
        response = client.post("/authorize", data=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize("response_type", ["cøde", 'co"de', "token\u200f", "code id_token"])
def test_an_unsupported_response_type_is_described_in_the_allowed_charset(
    client: TestClient, response_type: str
) -> None:
    params = {"response_type": response_type, "client_id": "rp", "redirect_uri": REDIRECT}
    response = client.get("/authorize", params={**params, "state": "s"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["unsupported_response_type"]
    assert set("".join(query.get("error_description", []))) <= ERROR_DESCRIPTION_CHARSET


@pytest.mark.parametrize("grant_type", ["grånt", 'x"y', "a\\b", "\u200fcode"])
def test_an_unsupported_grant_type_is_described_in_the_allowed_charset(
    client: TestClient, env: Env, grant_type: str
) -> None:
    data = {"grant_type": grant_type}
    response = client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert set(response.json().get("error_description", "")) <= ERROR_DESCRIPTION_CHARSET
