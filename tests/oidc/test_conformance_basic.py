"""The OpenID conformance suite's Basic OP plan (``oidcc-basic-certification-test-plan``), its Form Post
twin (``oidcc-formpost-basic-certification-test-plan``) and the Config OP plan
(``oidcc-config-certification-test-plan``), one test per module the existing tests did not already cover
(security-background §1.1, §1.2; the module → test map is docs/conformance.md).

Each test is named after its module. Tests parametrized on ``mode`` run once with the default response
mode (query) and once with ``response_mode=form_post``, as the two plans do. Unlike the suite, every
request carries PKCE (S256): we require it of every client (see docs/conformance.md).
"""

import base64
import html
import json
import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import complete
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

MODES = [None, "form_post"]
VSCHAR = re.compile(
    r"^[\x20-\x7e]+$"
)  # RFC 6749 Appendix A.17 (refresh token), A.12 (access token)


# --- A relying party as the suite drives it ---------------------------------------------------------


def _params(mode: str | None, client_id: str = "rp", **extra: str) -> tuple[dict[str, str], str]:
    """Authorization request parameters with a fresh PKCE pair; and the verifier."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge, **extra)
    if mode is not None:
        params["response_mode"] = mode
    return params, verifier


def _finish(client: TestClient, response: Response, pin: str = PIN) -> Response:
    """Drive the interaction (login, any factor, consent with every item ticked) until the response
    for the client."""
    final: Response = complete(client, response, pin)
    return final


def _callback(response: Response, mode: str | None = None) -> dict[str, str]:
    """The authorization response's parameters: redirect query, or (``mode`` form_post) the
    auto-submitted form."""
    if mode != "form_post":
        assert response.status_code in (302, 303), response.text  # 303 after the consent form
        location = response.headers["location"]
        assert location.split("?")[0] == REDIRECT
        return query_of(location)
    assert response.status_code == 200, response.text
    action = re.search(r'<form[^>]* action="([^"]+)"', response.text)
    assert action is not None
    assert html.unescape(action.group(1)) == REDIRECT
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)
    assert fields, response.text
    return {name: html.unescape(value) for name, value in fields}


def _authorize(
    client: TestClient, params: dict[str, str], method: str = "GET", pin: str = PIN
) -> dict[str, str]:
    """One authorization request through to the client's callback parameters."""
    if method == "GET":
        response = client.get("/authorize", params=params)
    else:
        response = client.post("/authorize", data=params)
    return _callback(_finish(client, response, pin), params.get("response_mode"))


def _token_request(client: TestClient, env: Env, client_id: str, data: dict[str, str]) -> Response:
    """A token request authenticated as the client registered (client_secret_basic or _post)."""
    secret = env.secrets[client_id]
    if client_id == "post":
        return client.post("/token", data={**data, "client_id": client_id, "client_secret": secret})
    return client.post("/token", data=data, auth=(client_id, secret))


def _redeem(
    client: TestClient, env: Env, callback: dict[str, str], verifier: str, client_id: str = "rp"
) -> dict[str, Any]:
    """Exchange the callback's code; the token response."""
    data = {"grant_type": "authorization_code", "code": callback["code"], "redirect_uri": REDIRECT}
    response = _token_request(client, env, client_id, {**data, "code_verifier": verifier})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


def _b64(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).rstrip(b"=").decode()


def _header(token: str) -> dict[str, Any]:
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    return header


def _keys(client: TestClient) -> KeySet:
    return KeySet.import_key_set(client.get("/jwks").json())


def _id_token(client: TestClient, token: str, client_id: str = "rp") -> dict[str, Any]:
    """Verify an ID token as ``ValidateIdToken`` and ``ValidateIdTokenSignatureUsingKid`` do; its claims."""
    decoded = jwt.decode(token, _keys(client), algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256"
    assert decoded.header["kid"] in {k["kid"] for k in client.get("/jwks").json()["keys"]}
    claims: dict[str, Any] = decoded.claims
    now = time.time()
    assert claims["iss"] == ISSUER
    assert claims["aud"] == [client_id]
    assert claims["exp"] > now
    assert now - 300 <= claims["iat"] <= now + 1
    assert claims["sub"]
    assert claims["auth_time"] <= now + 1
    assert claims["acr"]
    return claims


def _userinfo(client: TestClient, access_token: str) -> dict[str, Any]:
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _login(client: TestClient, env: Env, mode: str | None = None, **extra: str) -> dict[str, Any]:
    """A full flow for ``rp``: the token response, with the verified ID token claims as ``claims``."""
    params, verifier = _params(mode, **extra)
    tokens = _redeem(client, env, _authorize(client, params), verifier)
    tokens["claims"] = _id_token(client, tokens["id_token"])
    return tokens


# --- oidcc-basic-certification-test-plan ------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_server(client: TestClient, env: Env, mode: str | None) -> None:
    params, verifier = _params(mode)
    callback = _authorize(client, params)
    assert callback["state"] == "st-1"
    assert callback["iss"] == ISSUER
    assert set(callback) == {"code", "state", "iss"}
    tokens = _redeem(client, env, callback, verifier)
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0
    claims = _id_token(client, tokens["id_token"])
    assert claims["aud"] == ["rp"]
    assert claims["nonce"] == params["nonce"]
    assert _userinfo(client, tokens["access_token"])["sub"] == claims["sub"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_response_type_missing(client: TestClient, mode: str | None) -> None:
    params, _ = _params(mode)
    del params["response_type"]
    callback = _callback(client.get("/authorize", params=params), mode)
    assert callback["error"] in ("unsupported_response_type", "invalid_request")
    assert callback["state"] == "st-1"
    assert callback["iss"] == ISSUER
    assert "code" not in callback


def test_oidcc_idtoken_signature(client: TestClient, env: Env) -> None:
    """No ``id_token_signed_response_alg`` registered: RS256, with a ``kid`` naming a published key."""
    token = _login(client, env)["id_token"]
    header = _header(token)
    assert header["alg"] == "RS256"
    published = {k["kid"]: k for k in client.get("/jwks").json()["keys"]}
    assert published[header["kid"]]["kty"] == "RSA"


def test_oidcc_idtoken_unsigned_is_not_offered(client: TestClient, env: Env) -> None:
    """The suite skips the module when discovery does not list ``none``; an unsigned token is never issued."""
    document = client.get("/.well-known/openid-configuration").json()
    assert "none" not in document["id_token_signing_alg_values_supported"]
    token = _login(client, env)["id_token"]
    header = _header(token)
    assert header["alg"] != "none"
    assert token.split(".")[2]


@pytest.mark.parametrize("how", ["get", "post-header", "post-body"])
def test_oidcc_userinfo(client: TestClient, env: Env, how: str) -> None:
    """oidcc-userinfo-get, oidcc-userinfo-post-header, oidcc-userinfo-post-body."""
    tokens = _login(client, env)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    if how == "get":
        response = client.get("/userinfo", headers=bearer)
    elif how == "post-header":
        response = client.post("/userinfo", headers=bearer)
    else:
        response = client.post("/userinfo", data={"access_token": tokens["access_token"]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    info = response.json()
    assert info["sub"] == tokens["claims"]["sub"]
    assert info["name"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_request_without_nonce_succeeds_for_code_flow(
    client: TestClient, env: Env, mode: str | None
) -> None:
    params, verifier = _params(mode)
    del params["nonce"]
    tokens = _redeem(client, env, _authorize(client, params), verifier)
    claims = _id_token(client, tokens["id_token"])
    assert "nonce" not in claims


def test_oidcc_scope_profile(client: TestClient, env: Env) -> None:
    """The profile claims we hold are in UserInfo, with the ID token's ``sub`` and a valid birthdate."""
    tokens = _login(client, env, scope="openid profile")
    info = _userinfo(client, tokens["access_token"])
    assert info["sub"] == tokens["claims"]["sub"]
    for claim in ("name", "family_name", "given_name", "birthdate", "gender"):
        assert isinstance(info[claim], str), claim
        assert info[claim], claim
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["birthdate"])
    assert "updated_at" not in info or isinstance(info["updated_at"], int)


@pytest.mark.parametrize("scope", ["email", "address", "phone", "email address phone"])
def test_oidcc_scope_email_address_phone_all(client: TestClient, env: Env, scope: str) -> None:
    """oidcc-scope-email/-address/-phone/-all: each advertised standard scope's claims at UserInfo
    (the level-2 persona has an e-mail address, a phone and a current residence)."""
    document = client.get("/.well-known/openid-configuration").json()
    assert set(scope.split()) <= set(document["scopes_supported"])
    params, verifier = _params(None, "data", scope=f"openid {scope}")
    tokens = _redeem(client, env, _authorize(client, params), verifier, "data")
    info = _userinfo(client, tokens["access_token"])
    expected = {
        "email": {"email", "email_verified"},
        "phone": {"phone_number", "phone_number_verified"},
    }
    expected["address"] = {"address"}
    for one in scope.split():
        assert expected[one] <= set(info), one
    if "address" in info:
        assert info["address"]["country"] == "VN"
    if "phone_number" in info:
        assert re.fullmatch(r"\+84\d{9}", info["phone_number"])


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_other_scope_order_succeeds(
    client: TestClient, env: Env, mode: str | None
) -> None:
    """RFC 6749 §3.3: the order of scope values does not matter (the suite reverses them)."""
    tokens = _login(client, env, mode, scope="profile openid")
    assert set(tokens["scope"].split()) == {"openid", "profile"}
    assert _userinfo(client, tokens["access_token"])["name"]


@pytest.mark.parametrize("display", ["page", "popup"])
def test_oidcc_display(client: TestClient, env: Env, display: str) -> None:
    """oidcc-display-page, oidcc-display-popup: the value is honoured and the flow succeeds."""
    params, verifier = _params(None, display=display)
    response = client.get("/authorize", params=params)
    assert f'<body class="display-{display}">' in first_page(response)[1]
    tokens = _redeem(client, env, _callback(_finish(client, response)), verifier)
    _id_token(client, tokens["id_token"])


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_prompt_none_logged_in(client: TestClient, env: Env, mode: str | None) -> None:
    """No UI at all; the same ``sub`` and the same ``auth_time``."""
    first = _login(client, env)["claims"]
    params, verifier = _params(mode, prompt="none")
    response = client.get("/authorize", params=params)
    assert response.status_code in (200, 302)  # no 303 to the interaction
    claims = _id_token(
        client, _redeem(client, env, _callback(response, mode), verifier)["id_token"]
    )
    assert claims["sub"] == first["sub"]
    assert claims["auth_time"] == first["auth_time"]


def test_oidcc_max_age_1(client: TestClient, env: Env) -> None:
    """After more than a second, ``max_age=1`` asks for the password again; a later ``auth_time``."""
    first = _login(client, env)["claims"]
    time.sleep(1.5)
    params, verifier = _params(None, max_age="1")
    response = client.get("/authorize", params=params)
    assert 'name="password"' in first_page(response)[1]
    claims = _id_token(
        client, _redeem(client, env, _callback(_finish(client, response)), verifier)["id_token"]
    )
    assert claims["auth_time"] > first["auth_time"]
    assert claims["sub"] == first["sub"]


def test_oidcc_max_age_10000(client: TestClient, env: Env) -> None:
    """``max_age=15000`` then ``max_age=10000``: no second login; ``auth_time`` and ``sub`` unchanged."""
    first = _login(client, env, max_age="15000")["claims"]
    params, verifier = _params(None, max_age="10000")
    response = client.get("/authorize", params=params)
    assert response.status_code == 302
    claims = _id_token(client, _redeem(client, env, _callback(response), verifier)["id_token"])
    assert claims["auth_time"] == first["auth_time"]
    assert claims["sub"] == first["sub"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_request_with_unknown_parameter_succeeds(
    client: TestClient, env: Env, mode: str | None
) -> None:
    tokens = _login(client, env, mode, extra="foobar")
    assert tokens["claims"]["sub"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_id_token_hint(client: TestClient, env: Env, mode: str | None) -> None:
    """``prompt=none`` with the first ID token as hint: immediate success, same ``sub``."""
    first = _login(client, env)
    params, verifier = _params(mode, prompt="none", id_token_hint=first["id_token"])
    callback = _callback(client.get("/authorize", params=params), mode)
    claims = _id_token(client, _redeem(client, env, callback, verifier)["id_token"])
    assert claims["sub"] == first["claims"]["sub"]


def test_oidcc_login_hint(client: TestClient, env: Env) -> None:
    """The hinted PIN pre-fills the login form; the flow succeeds."""
    params, verifier = _params(None, login_hint=PIN)
    response = client.get("/authorize", params=params)
    assert f'name="username" value="{PIN}"' in first_page(response)[1]
    tokens = _redeem(client, env, _callback(_finish(client, response)), verifier)
    _id_token(client, tokens["id_token"])


def test_oidcc_ui_locales(client: TestClient, env: Env) -> None:
    """``ui_locales`` with an unsupported language first: the page is in English and the flow succeeds."""
    params, verifier = _params(None, ui_locales="fr-CA en")
    response = client.get("/authorize", params=params)
    assert '<html lang="en">' in first_page(response)[1]
    tokens = _redeem(client, env, _callback(_finish(client, response)), verifier)
    _id_token(client, tokens["id_token"])


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_claims_locales(client: TestClient, env: Env, mode: str | None) -> None:
    """``claims_locales`` (not supported: ignored) must not cause an error."""
    tokens = _login(client, env, mode, claims_locales="de fr vi")
    assert _userinfo(client, tokens["access_token"])["name"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_request_with_acr_values_succeeds(
    client: TestClient, env: Env, mode: str | None
) -> None:
    """``acr_values`` = every advertised value (as the suite sends): success, ``acr`` one of them."""
    supported = client.get("/.well-known/openid-configuration").json()["acr_values_supported"]
    tokens = _login(client, env, mode, acr_values=" ".join(supported))
    assert tokens["claims"]["acr"] in supported


def test_oidcc_codereuse_30seconds(client: TestClient, env: Env) -> None:
    """A code redeemed again 30 s later (still inside its 60 s life): ``invalid_grant``, and the tokens
    of the first redemption are revoked."""
    params, verifier = _params(None)
    callback = _authorize(client, params)
    tokens = _redeem(client, env, callback, verifier)
    clock_of(client).advance(30)
    data = {"grant_type": "authorization_code", "code": callback["code"], "redirect_uri": REDIRECT}
    again = _token_request(client, env, "rp", {**data, "code_verifier": verifier})
    assert again.status_code == 400
    assert again.headers["content-type"] == "application/json"
    assert again.json()["error"] == "invalid_grant"
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/userinfo", headers=bearer).status_code == 401
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert _token_request(client, env, "rp", refresh).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_post_request_succeeds(client: TestClient, env: Env, mode: str | None) -> None:
    """OIDC Core §3.1.2.1: the authorization request as a form POST."""
    params, verifier = _params(mode)
    callback = _authorize(client, params, method="POST")
    assert callback["state"] == "st-1"
    tokens = _redeem(client, env, callback, verifier)
    assert _id_token(client, tokens["id_token"])["nonce"] == params["nonce"]


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_server_client_secret_post(client: TestClient, env: Env, mode: str | None) -> None:
    params, verifier = _params(mode, "post")
    tokens = _redeem(client, env, _authorize(client, params), verifier, "post")
    claims = _id_token(client, tokens["id_token"], "post")
    assert _userinfo(client, tokens["access_token"])["sub"] == claims["sub"]
    # The same client with Basic authentication is refused: it registered client_secret_post.
    code = _authorize(client, _params(mode, "post")[0])["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    basic = client.post("/token", data=data, auth=("post", env.secrets["post"]))
    assert basic.status_code == 401


@pytest.mark.parametrize(
    ("parameter", "error"),
    [("request", "request_not_supported"), ("request_uri", "request_uri_not_supported")],
)
@pytest.mark.parametrize("mode", MODES)
def test_oidcc_request_objects_are_rejected_as_unsupported(
    client: TestClient, mode: str | None, parameter: str, error: str
) -> None:
    """oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported,
    oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported and
    oidcc-ensure-request-object-with-redirect-uri: an unsigned (``alg: none``) request object, as the suite
    builds it, is refused with the specified error at the registered redirect URI, never ignored."""
    params, _ = _params(mode)

    header, payload = (_b64(part) for part in ('{"alg":"none"}', '{"client_id":"rp"}'))
    request_object = f"{header}.{payload}."
    value = request_object if parameter == "request" else "https://rp.example/request.jwt"
    params[parameter] = value
    callback = _callback(client.get("/authorize", params=params), mode)
    assert callback["error"] == error
    assert callback["state"] == "st-1"
    assert "code" not in callback
    # refused before any other check could answer first: no session here, and prompt=none
    callback = _callback(client.get("/authorize", params={**params, "prompt": "none"}), mode)
    assert callback["error"] == error
    unknown_scope = _callback(
        client.get("/authorize", params={**params, "scope": "openid x"}), mode
    )
    assert unknown_scope["error"] == error
    document = client.get("/.well-known/openid-configuration").json()
    assert document["request_parameter_supported"] is False
    assert document["request_uri_parameter_supported"] is False


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_claims_essential(client: TestClient, env: Env, mode: str | None) -> None:
    """``name`` requested essential in ``userinfo`` (as the suite does for the code flow): returned by
    UserInfo, and not added to the ID token."""
    tokens = _login(client, env, mode, claims='{"userinfo": {"name": {"essential": true}}}')
    assert _userinfo(client, tokens["access_token"])["name"]
    assert "name" not in tokens["claims"]


def test_oidcc_refresh_token(client: TestClient, env: Env) -> None:
    """The refresh token: allowed characters, a new access token and a consistent ID token (OIDC Core
    §12.2), ``no-store``; and client 2 cannot use client 1's refresh token (400 ``invalid_grant`` JSON)."""
    document = client.get("/.well-known/openid-configuration").json()
    assert "refresh_token" in document["grant_types_supported"]
    first = _login(client, env)
    assert VSCHAR.match(first["refresh_token"])
    assert VSCHAR.match(first["access_token"])
    time.sleep(1.1)  # the suite waits a second so that the ``iat`` values differ
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "scope": "openid profile",
    }
    response = _token_request(client, env, "rp", refresh)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert second["token_type"] == "Bearer"
    assert second["access_token"] != first["access_token"]
    assert VSCHAR.match(second["refresh_token"])
    # No new ID token (OIDC Core §12.2 makes it optional; the suite then skips CompareIdTokenClaims).
    assert "id_token" not in second
    assert set(second["scope"].split()) == {"openid", "profile"}
    access = jwt.decode(second["access_token"], _keys(client), algorithms=["ES256"]).claims
    assert access["sub"] == first["claims"]["sub"]
    assert _userinfo(client, second["access_token"])["sub"] == first["claims"]["sub"]
    # Client 2 (the client_secret_post client) presents client 1's current refresh token.
    stolen = {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    response = _token_request(client, env, "post", stolen)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("mode", MODES)
def test_oidcc_ensure_request_with_valid_pkce_succeeds(
    client: TestClient, env: Env, mode: str | None
) -> None:
    params, verifier = _params(mode)
    assert params["code_challenge_method"] == "S256"
    tokens = _redeem(client, env, _authorize(client, params), verifier)
    _id_token(client, tokens["id_token"])


def test_requests_without_pkce_are_refused(client: TestClient) -> None:
    """Where we differ from the suite: its Basic plan sends no ``code_challenge`` (only
    oidcc-ensure-request-with-valid-pkce-succeeds does); we answer ``invalid_request`` at the redirect URI."""
    params, _ = _params(None)
    del params["code_challenge"], params["code_challenge_method"]
    callback = _callback(client.get("/authorize", params=params))
    assert callback["error"] == "invalid_request"
    assert "code_challenge" in callback["error_description"]


# --- oidcc-config-certification-test-plan -----------------------------------------------------------

REQUIRED_METADATA = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "scopes_supported",
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "claims_supported",
)
KEY_MEMBERS = {"RSA": ("n", "e"), "EC": ("crv", "x", "y")}
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")
LOCALE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def test_oidcc_discovery_endpoint_verification(client: TestClient) -> None:
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "application/json"
    document = response.json()
    for name in REQUIRED_METADATA:
        assert document[name], name
    assert document["issuer"] == ISSUER
    for name, value in document.items():
        if name.endswith("_endpoint") or name == "jwks_uri":
            assert value.startswith(f"{ISSUER}/"), name  # https as soon as the issuer is
    assert "openid" in document["scopes_supported"]
    assert document["response_types_supported"] == ["code"]
    assert set(document["subject_types_supported"]) <= {"public", "pairwise"}
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert "none" not in document["id_token_signing_alg_values_supported"]
    assert all(isinstance(c, str) for c in document["claims_supported"])
    assert "sub" in document["claims_supported"]
    assert isinstance(document["code_challenge_methods_supported"], list)
    assert all(LOCALE.match(tag) for tag in document["ui_locales_supported"])
    assert "registration_endpoint" not in document  # off by default: nothing advertised that 404s
    jwks = client.get(document["jwks_uri"])
    assert jwks.status_code == 200
    # RFC 7517 §8.5.1's media type; the suite's FetchServerKeys reads the body whatever the type.
    assert jwks.headers["content-type"].split(";")[0] == "application/jwk-set+json"
    keys = jwks.json()["keys"]
    assert len({k["kid"] for k in keys}) == len(keys)
    for key in keys:
        assert "d" not in key
        assert key.get("use", "sig") == "sig"
        for member in KEY_MEMBERS[key["kty"]]:
            assert BASE64URL.match(key[member]), (key["kid"], member)  # base64url, unpadded
    KeySet.import_key_set(jwks.json())
