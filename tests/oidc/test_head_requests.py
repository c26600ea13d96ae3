"""HEAD is refused (405) on the routes whose GET is not safe: Starlette would run the GET handler for a
HEAD, which takes an interaction, mints a code or audits a disclosure (RFC 9110 §9.2.1: HEAD must be
safe). The pages whose GET is safe answer HEAD as their GET, without the body (RFC 9110 §9.3.2)."""

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import first_page
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce


@pytest.mark.parametrize("path", ["/authorize", "/interaction/x", "/userinfo"])
def test_head_is_not_allowed(client: TestClient, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 405
    assert "HEAD" not in response.headers["allow"]
    assert "GET" in response.headers["allow"]


def test_a_head_mints_no_code_for_a_live_session(client: TestClient, env: Env) -> None:
    get_tokens(client, env)  # a live single sign-on session with remembered consent
    params = auth_params(code_challenge=pkce()[1], prompt="none")
    head = client.head("/authorize", params=params)
    assert head.status_code == 405
    assert "location" not in head.headers
    assert client.get("/authorize", params=params).status_code == 302  # the GET still answers


def test_a_head_leaves_the_interaction_alive(client: TestClient) -> None:
    started = client.get("/authorize", params=auth_params(code_challenge=pkce()[1]))
    page, _ = first_page(started)
    assert client.head(page).status_code == 405
    shown = client.get(page)
    assert shown.status_code == 200
    assert 'name="password"' in shown.text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/healthz",
        "/account",
        "/sandbox/sms",
        "/sandbox/sms.json",
        "/portraits/" + "a" * 24 + ".svg",
    ],
)
def test_safe_pages_answer_head_like_get(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200, get.text
    assert (head.status_code, head.content) == (200, b"")
    for header in ("content-type", "content-length", "cache-control"):
        assert head.headers.get(header) == get.headers.get(header), header
