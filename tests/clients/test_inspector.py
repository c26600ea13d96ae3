"""The flow inspector page shows every step of a sign-in, in Vietnamese or English, tokens shortened to
their ends and their true length."""

import sqlite3
from html import escape

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack


def test_the_inspector_shows_each_step(stack: Stack, browser: Browser) -> None:
    empty = browser.http.get(f"{stack.urls['portal']}/inspector").text
    assert "Chưa có luồng nào" in empty
    browser.get(f"{stack.urls['portal']}/login")
    page = browser.http.get(f"{stack.urls['portal']}/inspector").text
    for step in ("authorization_request", "callback", "token_response", "id_token", "userinfo"):
        assert f'data-step="{step}"' in page
    assert "PKCE: băm SHA-256" in page
    assert "<code>client_secret_basic</code>" in page
    assert "Chữ ký: <strong>hợp lệ" in page
    assert "<code>valid (RS256" in page
    assert "ký tự / chars" in page  # tokens shortened
    english = browser.http.get(f"{stack.urls['portal']}/inspector", params={"lang": "en"}).text
    assert "PKCE: SHA-256 of the secret" in english
    assert "Signature: <strong>valid" in english
    assert "PKCE: băm SHA-256" not in english
    flow = browser.inspector("portal")[-1]
    access_token = flow["steps"][2]["data"]["response"]["access_token"]  # type: ignore[index]
    assert "…" in access_token
    userinfo = flow["steps"][4]["data"]  # type: ignore[index]
    assert userinfo["SoDinhDanh"] == "001088999001"


def test_the_inspector_shows_each_tokens_true_length(stack: Stack, browser: Browser) -> None:
    portal = stack.urls["portal"]
    browser.get(f"{portal}/login")
    page = browser.http.get(f"{portal}/inspector").text
    with sqlite3.connect(stack.tmp / "portal.sqlite3") as db:
        access_token, id_token = db.execute(
            "SELECT access_token, id_token FROM rp_login ORDER BY id DESC LIMIT 1"
        ).fetchone()
    for token in (access_token, id_token):  # the portal's ID tokens come signed, not encrypted
        assert f"{token[:12]}…{token[-6:]} ({len(token)} ký tự / chars)" in page
    flow = browser.inspector("portal")[-1]
    code = flow["steps"][1]["data"]["parameters"]["code"]  # type: ignore[index]
    assert f"<code>{escape(code)}</code>" in page  # as recorded, not shortened again
