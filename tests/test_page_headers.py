"""Every HTML page of the provider cannot be framed, leaks no referrer, is never stored, and satisfies
its own Content-Security-Policy: each ``<style>`` and ``<script>`` it holds is allowed by hash, and it
has no inline event handler, no ``style`` attribute and nothing loaded from elsewhere."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import client
from tests.oidc.conftest import complete
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import pkce
from tests.web.page_tour import PAGES

__all__ = ["client", "env", "forget_consents"]  # the provider's fixtures


class _Inline(HTMLParser):
    """The page's inline styles and scripts, and whatever would break a strict policy."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: dict[str, list[str]] = {"style": [], "script": []}
        self.offences: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        source = dict(attrs).get("src")
        if tag == "script" and source is not None:  # a file, allowed by 'self' only from /static/
            self._open = None
            if not source.startswith("/static/"):
                self.offences.append(f"script src={source}")
            return
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


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_protected(client: TestClient, name: str) -> None:
    assert_protected_page(PAGES[name](client, "vi"))


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
