"""OAuth 2.0 Form Post Response Mode §2: the authorization response's values reach the client byte for
byte, HTML-escaped in the page (never percent-encoded), successes and errors alike; the page posts
itself with its one script, which the Content-Security-Policy allows by hash."""

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from idp.oidc.form_post import AUTO_SUBMIT
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce

STATES = ['+ = " < > &', "a+b=c&d", "&amp; %2B %20", "Trạng thái <script>", "'\"`"]


class _Form(HTMLParser):
    """The form's action and hidden fields, as a browser reads them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attributes["action"]
        elif tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes["value"]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _form(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


@pytest.mark.parametrize("state", STATES)
def test_a_success_carries_state_byte_for_byte(client: TestClient, state: str) -> None:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    params = auth_params(code_challenge=challenge, response_mode="form_post", state=state)
    response = client.get("/authorize", params=params)
    assert response.status_code == 200
    form = _form(response.text)
    assert form.action == REDIRECT
    assert form.fields["state"] == state
    assert set(form.fields) == {"code", "state", "iss"}
    assert form.scripts == [AUTO_SUBMIT]


@pytest.mark.parametrize("state", STATES)
def test_an_error_carries_state_byte_for_byte(client: TestClient, state: str) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, response_mode="form_post", state=state)
    response = client.get("/authorize", params={**params, "prompt": "none"})
    assert response.status_code == 200
    form = _form(response.text)
    assert form.fields["error"] == "login_required"
    assert form.fields["state"] == state
    assert form.scripts == [AUTO_SUBMIT]


def test_the_page_works_without_javascript(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, response_mode="form_post", prompt="none")
    html = client.get("/authorize", params=params).text
    assert "<noscript><p>" in html
    assert '<button type="submit">' in html
