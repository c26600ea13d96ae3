"""The interaction's and the account page's forms never answer a 500: a forged CSRF token with
characters outside ASCII (which ``hmac.compare_digest`` refuses to compare as ``str``) is an expired
interaction, like any other wrong token.

Every form of the interaction reads its body itself (:func:`idp.web.requests.read_form`): a missing
field, a field over its length and a body that is not ``application/x-www-form-urlencoded`` (JSON,
multipart) are each a 400 ``invalid_request``, and leave the interaction usable. The error's format
follows the endpoint (:mod:`idp.web.errors`): the interaction's and the account page's forms answer the
HTML error page, whatever the browser accepts; userinfo's ``access_token`` form field, read the same way,
and the sandbox's JSON inbox answer RFC 6749 §5.2 JSON.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.login.conftest import landed
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import follow
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import shows_consent

FORGED = "jeton-forgé"
FORMS = {
    "login": {"username": PIN, "password": PASSWORD},
    "cancel": {},
    "continue": {},
    "otp": {"otp": "123456"},
    "otp/resend": {},
    "passcode": {"passcode": "123456"},
    "face": {"face": "match"},
    "consent": {"decision": "approve"},
}


def _interaction(client: TestClient) -> str:
    _, challenge = pkce()
    page, _ = first_page(client.get("/authorize", params=auth_params(code_challenge=challenge)))
    return page


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_non_ascii_csrf_token_is_refused_without_a_500(client: TestClient, form: str) -> None:
    page = _interaction(client)
    response = client.post(f"{page}/{form}", data={**FORMS[form], "csrf": FORGED})
    assert response.status_code == 400, response.text


def test_a_non_ascii_csrf_token_at_withdrawal_is_refused_without_a_500(client: TestClient) -> None:
    page = _interaction(client)
    html = client.get(page).text
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    complete(client, client.post(f"{page}/login", data=login))
    response = client.post("/account/withdraw", data={"client_id": "rp", "csrf": FORGED})
    assert response.status_code == 400, response.text


def _invalid_request(response: Any) -> None:
    """An API endpoint's answer: RFC 6749 §5.2 JSON."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"]


def _error_page(response: Any, *described: str) -> None:
    """A page's answer, to the POST itself: the HTML error page, with the error's code and naming
    what was wrong (escaped as HTML) in its details."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<code>invalid_request</code>" in response.text, response.text
    for words in described:
        assert words.replace("'", "&#39;") in response.text, response.text


def _login_form(client: TestClient) -> tuple[str, dict[str, str]]:
    """A new interaction's login form: its page and the fields a browser posts."""
    page = _interaction(client)
    return page, {"username": PIN, "password": PASSWORD, "csrf": csrf_of(client.get(page).text)}


def _consent_form(client: TestClient) -> tuple[str, dict[str, Any]]:
    """An interaction past the password, at its consent page: the page and the fields a browser posts."""
    page, fields = _login_form(client)
    shown = landed(client, client.post(f"{page}/login", data=fields), page)  # the next step
    assert shows_consent(shown)
    return page, consent_form(shown.text)


def _moved_on(client: TestClient, page: str, response: Any, form: str) -> None:
    """The form was read and taken: the password leads to the consent page, consent to the client's
    redirect."""
    if form == "login":
        assert shows_consent(landed(client, response, page))
    else:
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith(REDIRECT)


def _without(fields: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key != name}


Breakage = Callable[[dict[str, Any]], dict[str, Any]]
LOGIN_BREAKAGES: dict[str, Breakage] = {
    "no username": lambda fields: _without(fields, "username"),
    "no password": lambda fields: _without(fields, "password"),
    "no csrf": lambda fields: _without(fields, "csrf"),
    "no field": lambda fields: {},
    "username over 64": lambda fields: {**fields, "username": "0" * 65},
    "password over 256": lambda fields: {**fields, "password": "p" * 257},
    "csrf over 64": lambda fields: {**fields, "csrf": "c" * 65},
}
CONSENT_BREAKAGES: dict[str, Breakage] = {
    "no decision": lambda fields: _without(fields, "decision"),
    "no csrf": lambda fields: _without(fields, "csrf"),
    "decision over 16": lambda fields: {**fields, "decision": "approve" * 3},
    "csrf over 64": lambda fields: {**fields, "csrf": "c" * 65},
}


@pytest.mark.parametrize("breakage", sorted(LOGIN_BREAKAGES))
def test_a_broken_login_form_is_invalid_request(client: TestClient, breakage: str) -> None:
    page, fields = _login_form(client)
    _error_page(client.post(f"{page}/login", data=LOGIN_BREAKAGES[breakage](fields)))
    assert shows_consent(follow(client, client.post(f"{page}/login", data=fields)))  # lives on


def test_a_username_of_64_characters_is_read(client: TestClient) -> None:
    page, fields = _login_form(client)
    response = client.post(f"{page}/login", data={**fields, "username": "0" * 64})
    refused = landed(client, response, page)  # read, and refused as a wrong PIN
    assert refused.status_code == 401, refused.text
    assert f'value="{"0" * 64}"' in refused.text  # the PIN typed, pre-filled


@pytest.mark.parametrize("breakage", sorted(CONSENT_BREAKAGES))
def test_a_broken_consent_form_is_invalid_request(client: TestClient, breakage: str) -> None:
    page, fields = _consent_form(client)
    _error_page(client.post(f"{page}/consent", data=CONSENT_BREAKAGES[breakage](fields)))
    final = client.post(f"{page}/consent", data=fields)
    assert final.status_code == 303, final.text
    assert final.headers["location"].startswith(REDIRECT)


@pytest.mark.parametrize("form", ["login", "consent"])
@pytest.mark.parametrize("encoding", ["json", "multipart", "text"])
def test_a_body_that_is_not_urlencoded_is_invalid_request(
    client: TestClient, form: str, encoding: str
) -> None:
    page, fields = _login_form(client) if form == "login" else _consent_form(client)
    url = f"{page}/{form}"
    if encoding == "json":
        response = client.post(url, json=fields)
    elif encoding == "multipart":
        response = client.post(url, data=fields, files={"file": ("a.txt", b"x", "text/plain")})
    else:
        headers = {"Content-Type": "text/plain"}
        response = client.post(url, content=urlencode(fields, doseq=True), headers=headers)
    _error_page(response)
    _moved_on(client, page, client.post(url, data=fields), form)  # the interaction lives on


@pytest.mark.parametrize("form", ["login", "consent"])
def test_a_form_with_a_charset_parameter_is_read(client: TestClient, form: str) -> None:
    page, fields = _login_form(client) if form == "login" else _consent_form(client)
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    body = urlencode(fields, doseq=True)
    _moved_on(client, page, client.post(f"{page}/{form}", content=body, headers=headers), form)


@pytest.mark.parametrize("form", ["login", "consent"])
def test_a_form_body_of_invalid_utf8_is_invalid_request(client: TestClient, form: str) -> None:
    page = _interaction(client)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    _error_page(client.post(f"{page}/{form}", content=b"username=%FF\xfe&csrf=x", headers=headers))


def test_userinfo_reads_the_access_token_form_field_with_a_charset(
    client: TestClient, env: Env
) -> None:
    token = get_tokens(client, env)["access_token"]
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    response = client.post("/userinfo", content=urlencode({"access_token": token}), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"]


def test_userinfo_takes_no_access_token_from_a_json_body(client: TestClient, env: Env) -> None:
    """RFC 6750 §2.2: only a form body carries ``access_token``; any other body is ignored, so the
    Authorization header still works beside it and a token in JSON is no token at all."""
    token = get_tokens(client, env)["access_token"]
    missing = client.post("/userinfo", json={"access_token": token})
    assert missing.status_code == 401
    assert missing.json()["error"] == "invalid_token"
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post("/userinfo", json={"a": 1}, headers=bearer).status_code == 200
    assert client.post("/userinfo", data={"access_token": token}).status_code == 200


def test_userinfo_refuses_an_oversized_access_token_field(client: TestClient) -> None:
    _invalid_request(client.post("/userinfo", data={"access_token": "x" * 9000}))


# The forms that FastAPI validates (idp.login.form_errors): their fields and one over its length.
VALIDATED = {
    "cancel": ("csrf", 64),
    "continue": ("csrf", 64),
    "otp": ("otp", 16),
    "otp/resend": ("csrf", 64),
    "passcode": ("passcode", 16),
    "face": ("face", 16),
}


@pytest.mark.parametrize("form", sorted(VALIDATED))
def test_a_missing_field_of_a_validated_form_is_invalid_request(
    client: TestClient, form: str
) -> None:
    page = _interaction(client)
    response = client.post(f"{page}/{form}", data={})
    _error_page(response, "form field 'csrf'")
    assert client.get(page).status_code == 200  # the interaction is still there


@pytest.mark.parametrize("form", sorted(VALIDATED))
def test_an_overlong_field_is_an_error_page_whatever_is_accepted(
    client: TestClient, form: str
) -> None:
    page = _interaction(client)
    field, limit = VALIDATED[form]
    data = {**FORMS[form], "csrf": "c", field: "7" * (limit + 1)}
    for accept in ("text/html", "application/json"):
        response = client.post(f"{page}/{form}", data=data, headers={"Accept": accept})
        _error_page(response, f"form field '{field}'")
        assert "7" * (limit + 1) not in response.text  # the value sent is never echoed


def test_withdrawal_without_its_fields_is_invalid_request(client: TestClient) -> None:
    response = client.post("/account/withdraw", data={})
    _error_page(response, "form field 'client_id'", "form field 'csrf'")


def test_an_overlong_sandbox_query_is_invalid_request(client: TestClient) -> None:
    _invalid_request(client.get("/sandbox/sms.json", params={"phone": "0" * 21}))


def test_the_html_forms_are_not_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/interaction", "/account"))]
