"""The citizen's account page, "Tài khoản định danh của tôi": login first, own data, clients, history,
and withdrawing consent (tokens dead at userinfo and introspection, refresh refused, back-channel
logout sent)."""

from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt

from idp.oidc.backchannel import HttpLogoutSender
from idp.web.app import create_app
from tests.oidc.conftest import BCL_URI
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.flows import authorize
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import redeem
from tests.oidc.flows import server_of
from tests.oidc.flows import userinfo

SCOPE = "openid profile identity"


class Receiver:
    """The relying parties' back-channel endpoints (an httpx transport): every logout token by URI."""

    def __init__(self) -> None:
        self.received: dict[str, list[str]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        token = parse_qs(request.content.decode())["logout_token"][0]
        self.received.setdefault(str(request.url), []).append(token)
        return httpx.Response(200)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def browser(env: Env, receiver: Receiver) -> Iterator[TestClient]:
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(receiver))
    with TestClient(create_app(env.settings, logout_sender=sender), follow_redirects=False) as c:
        yield c


def _log_in_at_the_account_page(client: TestClient) -> str:
    page, html = first_page(client.get("/account"))  # the login page of a new interaction
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    response = client.post(f"{page}/login", data=data)
    assert response.status_code == 303  # the interaction's next step: back to the account page
    assert response.headers["location"] == "/account"
    account = client.get("/account")
    assert account.status_code == 200
    return account.text


def test_without_a_session_the_citizen_logs_in_first(browser: TestClient) -> None:
    html = _log_in_at_the_account_page(browser)
    assert "Tài khoản định danh của tôi" in html
    assert "Nguyễn Văn Bình" in html
    assert PIN in html
    assert "0199990001" in html  # the household
    assert "Chưa chia sẻ với dịch vụ nào." in html
    english = browser.get("/account", params={"ui_locales": "en"}).text
    assert "My e-identification account" in english


def test_clients_and_disclosure_history(browser: TestClient, env: Env) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    userinfo(browser, redeem(browser, env, "data", code, verifier)["access_token"])
    html = browser.get("/account").text
    assert "Ngân hàng &lt;Thử nghiệm&gt;" in html  # escaped
    assert "identity, openid, profile" in html
    assert "acr LoA1" in html
    assert "personal_id_number" in html  # the userinfo row of the history
    assert 'action="/account/withdraw"' in html


def test_withdrawing_consent_revokes_and_logs_out(
    browser: TestClient, env: Env, receiver: Receiver
) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    tokens = redeem(browser, env, "data", code, verifier)
    claims = id_token_claims(browser, tokens["id_token"])
    html = browser.get("/account").text
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf_of(html)})
    assert response.status_code == 303
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert browser.get("/userinfo", headers=bearer).status_code == 401
    auth = ("data", env.secrets["data"])
    introspected = browser.post("/introspect", data={"token": tokens["access_token"]}, auth=auth)
    assert introspected.json() == {"active": False}
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refused = browser.post("/token", data=refresh, auth=auth)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    keys = server_of(browser).keys.key_set
    sent = [jwt.decode(token, keys) for token in receiver.received[BCL_URI + "-data"]]
    (logout,) = [token for token in sent if token.claims.get("sid") == claims["sid"]]
    assert logout.header["typ"] == "logout+jwt"
    assert logout.claims["sub"] == claims["sub"]
    assert logout.claims["aud"] == "data"
    assert "nonce" not in logout.claims
    assert "Chưa chia sẻ với dịch vụ nào." in browser.get("/account").text
    _, challenge = pkce()
    again = browser.get("/authorize", params=auth_params("data", code_challenge=challenge))
    assert 'name="decision"' in first_page(again)[1]


def test_withdrawal_needs_the_session_and_its_csrf_token(browser: TestClient) -> None:
    authorize(browser, "data", SCOPE)
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": "forged"})
    assert response.status_code == 400
    assert "identity, openid, profile" in browser.get("/account").text
    csrf = csrf_of(browser.get("/account").text)
    browser.cookies.clear()
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf})
    assert response.status_code == 400


def test_withdrawing_from_a_client_never_shared_with_tells_it_nothing(
    browser: TestClient, receiver: Receiver
) -> None:
    authorize(browser, "rp", "openid profile")  # shares with rp (no back channel), not with logout
    html = browser.get("/account").text
    response = browser.post(
        "/account/withdraw", data={"client_id": "logout", "csrf": csrf_of(html)}
    )
    assert response.status_code == 303
    assert receiver.received == {}


def test_a_code_in_flight_dies_with_the_withdrawal(browser: TestClient, env: Env) -> None:
    code, verifier = authorize(browser, "data", SCOPE)
    html = browser.get("/account").text
    response = browser.post("/account/withdraw", data={"client_id": "data", "csrf": csrf_of(html)})
    assert response.status_code == 303
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    refused = browser.post("/token", data=data, auth=("data", env.secrets["data"]))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_grant"
