"""Every HTML page of the provider cannot be framed, leaks no referrer, is never stored, and satisfies
its own Content-Security-Policy: each ``<style>`` and ``<script>`` it holds is allowed by hash, and it
has no inline event handler, no ``style`` attribute and nothing loaded from elsewhere."""

import base64
import hashlib
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import client
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import sms_code

__all__ = ["client", "env", "forget_consents"]  # the provider's fixtures


class _Inline(HTMLParser):
    """The page's inline styles and scripts, and whatever would break a strict policy."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: dict[str, list[str]] = {"style": [], "script": []}
        self.offences: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open = tag if tag in self.blocks else None
        if self._open:
            self.blocks[tag].append("")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.offences.append(f"{tag} {name}")
            if name in ("src", "href") and tag != "a" and (value or "").startswith("http"):
                self.offences.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.blocks[self._open][-1] += data


def _hash(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def assert_protected_page(response: Response) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = _directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'none'"]
    assert "form-action" not in policy
    assert all("unsafe" not in source for sources in policy.values() for source in sources)
    page = _Inline()
    page.feed(response.text)
    assert page.offences == []
    for kind in ("style", "script"):
        for block in page.blocks[kind]:
            assert _hash(block) in policy[f"{kind}-src"], f"{kind} not allowed: {block[:60]}"


def _login_page(client: TestClient) -> Response:
    _, challenge = pkce()
    return client.get("/authorize", params=auth_params(code_challenge=challenge))


def _factor_page(client: TestClient, acr: str, field: str) -> Response:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, acr_values=acr)
    page, html = first_page(client.get("/authorize", params=params))
    response = client.post(
        f"{page}/login", data={"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    )
    if field == "face":
        page, html = first_page(response)
        response = client.post(
            f"{page}/passcode", data={"passcode": "246810", "csrf": csrf_of(html)}
        )
    assert f'name="{field}"' in response.text, response.text
    return response


def _consent_page(client: TestClient) -> Response:
    response = _factor_page(client, "LoA2", "otp")
    page, html = first_page(response)
    return client.post(f"{page}/otp", data={"otp": sms_code(client), "csrf": csrf_of(html)})


def _account_page(client: TestClient) -> Response:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    return client.get("/account")


def _form_post_page(client: TestClient) -> Response:
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, response_mode="form_post", prompt="none")
    return client.get("/authorize", params=params)


def _logout_confirmation(client: TestClient) -> Response:
    _, challenge = pkce()
    login_and_consent(client, auth_params(code_challenge=challenge))
    return client.get("/logout")


def _logged_out(client: TestClient) -> Response:
    html = _logout_confirmation(client).text
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    assert action is not None
    return client.post(action.group(1).replace("&amp;", "&"), data={"csrf": csrf_of(html)})


PAGES: dict[str, Callable[[TestClient], Response]] = {
    "front": lambda client: client.get("/"),
    "sms-inbox": lambda client: client.get("/sandbox/sms"),
    "login": _login_page,
    "otp": lambda client: _factor_page(client, "LoA2", "otp"),
    "passcode": lambda client: _factor_page(client, "LoA3", "passcode"),
    "face": lambda client: _factor_page(client, "LoA3", "face"),
    "consent": _consent_page,
    "account": _account_page,
    "error": lambda client: client.get("/authorize", params={"client_id": "nobody"}),
    "unregistered-redirect": lambda client: client.get(
        "/authorize", params=auth_params(redirect_uri=REDIRECT + "/x")
    ),
    "form-post": _form_post_page,
    "logout-confirmation": _logout_confirmation,
    "logged-out": _logged_out,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_protected(client: TestClient, name: str) -> None:
    assert_protected_page(PAGES[name](client))


def test_json_answers_are_not_pages(client: TestClient) -> None:
    response = client.get("/.well-known/openid-configuration")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers
    token = client.post("/token", data={"grant_type": "client_credentials"})
    assert token.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in token.headers


def test_a_complete_flow_reads_its_pages_with_the_headers_on(client: TestClient) -> None:
    final = complete(client, _login_page(client))
    assert final.status_code == 303
    assert final.headers["location"].startswith(REDIRECT)
