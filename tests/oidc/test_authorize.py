"""The authorization endpoint: validation, errors that never redirect, PKCE, prompt, RFC 9207 ``iss``."""

import re

from fastapi.testclient import TestClient

from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import follow
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of


def test_code_flow_redirects_with_code_state_and_iss(client: TestClient) -> None:
    _, challenge = pkce()
    location = login_and_consent(client, auth_params(code_challenge=challenge))
    assert location.startswith(REDIRECT)
    query = query_of(location)
    assert query["state"] == "st-1"
    assert query["iss"] == ISSUER
    assert query["code"]


def test_altered_redirect_uri_gets_an_error_page_not_a_redirect(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, redirect_uri=REDIRECT + "/evil")
    response = client.get("/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "text/html" in response.headers["content-type"]


def test_unknown_client_gets_an_error_page(client: TestClient) -> None:
    response = client.get("/authorize", params=auth_params("nobody", code_challenge="x" * 43))
    assert response.status_code == 400
    assert "location" not in response.headers


def test_duplicated_parameter_is_refused(client: TestClient) -> None:
    _, challenge = pkce()
    query = "&".join(f"{k}={v}" for k, v in auth_params(code_challenge=challenge).items())
    response = client.get(f"/authorize?{query}&state=again")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "state" in response.text


def test_missing_pkce_is_refused_with_a_redirect(client: TestClient) -> None:
    response = client.get("/authorize", params=auth_params())
    query = query_of(response.headers["location"])
    assert query["error"] == "invalid_request"
    assert query["iss"] == ISSUER
    assert query["state"] == "st-1"


def test_plain_pkce_is_refused(client: TestClient) -> None:
    verifier, _ = pkce()
    params = auth_params(code_challenge=verifier, code_challenge_method="plain")
    query = query_of(client.get("/authorize", params=params).headers["location"])
    assert query["error"] == "invalid_request"


def test_prompt_none_without_session_is_login_required(client: TestClient) -> None:
    _, challenge = pkce()
    response = client.get("/authorize", params=auth_params(code_challenge=challenge, prompt="none"))
    assert query_of(response.headers["location"])["error"] == "login_required"


def test_request_objects_are_not_supported(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, request="e30.e30.")
    assert query_of(client.get("/authorize", params=params).headers["location"])["error"] == (
        "request_not_supported"
    )
    params = auth_params(code_challenge=challenge, request_uri="https://rp.example/r")
    assert query_of(client.get("/authorize", params=params).headers["location"])["error"] == (
        "request_uri_not_supported"
    )


def test_single_sign_on_session_answers_prompt_none(client: TestClient) -> None:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    response = client.get("/authorize", params=auth_params(code_challenge=challenge, prompt="none"))
    assert response.status_code == 302
    assert "code" in query_of(response.headers["location"])


def test_form_post_response_mode_carries_code_state_and_iss(client: TestClient) -> None:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    params = auth_params(code_challenge=challenge, response_mode="form_post")
    response = client.get("/authorize", params=params)
    assert response.status_code == 200
    assert f'action="{REDIRECT}"' in response.text.replace("%3A", ":").replace("%2F", "/")
    assert 'name="code"' in response.text
    assert 'name="iss"' in response.text


def _login_page(client: TestClient) -> tuple[str, str]:
    _, challenge = pkce()
    page, html = first_page(client.get("/authorize", params=auth_params(code_challenge=challenge)))
    return page, csrf_of(html)


def test_unknown_pin_and_wrong_password_look_the_same(client: TestClient) -> None:
    page, csrf = _login_page(client)
    wrong = client.post(f"{page}/login", data={"username": PIN, "password": "nope", "csrf": csrf})
    shown_wrong = follow(client, wrong)
    unknown = client.post(
        f"{page}/login", data={"username": "001099000000", "password": "nope", "csrf": csrf}
    )
    shown_unknown = follow(client, unknown)
    assert wrong.status_code == unknown.status_code == 303  # Post/Redirect/Get
    assert wrong.headers["location"] == unknown.headers["location"] == page
    assert shown_wrong.status_code == shown_unknown.status_code == 401
    alert = re.compile(r'<p role="alert">(.*?)</p>')
    assert alert.findall(shown_wrong.text) == alert.findall(shown_unknown.text) != []


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    page, _ = _login_page(client)
    response = client.post(f"{page}/login", data={"username": PIN, "password": "x", "csrf": "bad"})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


def test_session_cookie_is_httponly_and_lax(client: TestClient) -> None:
    page, csrf = _login_page(client)
    data = {"username": PIN, "password": "Vneid@2025", "csrf": csrf}
    cookie = client.post(f"{page}/login", data=data).headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_consent_denied_is_access_denied(client: TestClient) -> None:
    page, csrf = _login_page(client)
    client.post(f"{page}/login", data={"username": PIN, "password": "Vneid@2025", "csrf": csrf})
    response = client.post(f"{page}/consent", data={"decision": "deny", "csrf": csrf})
    assert response.status_code == 303  # the authorization response itself, no detour
    location = response.headers["location"]
    assert query_of(location)["error"] == "access_denied"
