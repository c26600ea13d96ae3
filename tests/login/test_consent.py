"""Consent (PRODUCT.md "Consent and disclosure"): the page, full, partial, denied, remembered across
sessions and asked again for a difference, ``prompt=consent`` and ``prompt=none``."""

import re
import threading
import time

import pytest
from fastapi.testclient import TestClient

from idp.login.consent_page import consent_view
from idp.login.pages import Asking
from idp.login.pages import Shown
from idp.population_db.database import connect
from idp.state.consents import create_consent_table
from idp.state.consents import granted_scopes
from idp.state.consents import remember
from idp.web.rendering import render
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.flows import authorize
from tests.oidc.flows import claims_param
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import redeem
from tests.oidc.flows import userinfo

SCOPE = "openid profile identity phone"


def _consent_page(client: TestClient, scope: str = SCOPE, **extra: str) -> tuple[str, str]:
    """Authorize for the ``data`` client and authenticate as the request needs: the interaction URL and
    the consent page."""
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, scope=scope, **extra)
    response = client.get("/authorize", params=params)
    page, _ = first_page(response)
    shown = complete(client, response, consent=False)  # every factor the request needs, then stop
    assert 'name="decision"' in shown.text
    return page, shown.text


def _checkboxes(html: str) -> list[str]:
    return re.findall(r'type="checkbox" name="scope" value="([^"]+)"', html)


def test_page_names_client_purpose_level_and_items(client: TestClient) -> None:
    page, html = _consent_page(client, acr_values="LoA2")
    assert "Ngân hàng &lt;Thử nghiệm&gt;" in html  # the registered client_name, escaped
    assert "Mở tài khoản thanh toán (eKYC)." in html
    assert '<span class="level">mức 2 (mật khẩu và mã OTP)</span>' in html  # LoA2, in words
    assert "Số định danh cá nhân (12 số)" in html
    assert "Số thuê bao di động chính chủ" in html
    assert _checkboxes(html) == ["profile", "identity", "phone"]  # openid is not optional
    assert 'name="decision" value="approve"' in html
    assert 'name="decision" value="deny"' in html
    assert f'href="{page}?lang=en"' in html  # the language switch, without JavaScript
    english = client.get(page, params={"lang": "en"})
    assert english.status_code == 200
    assert '<html lang="en">' in english.text
    assert 'name="decision"' in english.text  # the same step, in English


def test_english_by_ui_locales_or_by_the_link(client: TestClient) -> None:
    page, html = _consent_page(client, ui_locales="en")
    assert '<html lang="en">' in html
    assert "Personal identification number (12 digits)" in html
    vietnamese = client.get(f"{page}/consent", params={"ui_locales": "vi"}).text
    assert '<html lang="vi">' in vietnamese
    assert "Số định danh cá nhân (12 số)" in vietnamese
    english = client.get(f"{page}/consent", params={"ui_locales": "en"}).text
    assert ">Approve</button>" in english


def test_level_from_the_claims_parameter(client: TestClient) -> None:
    request = claims_param(id_token={"acr": {"essential": True, "values": ["LoA3"]}})
    _, html = _consent_page(client, claims=request)
    assert '<span class="level">mức 3 (mã bảo vệ và khuôn mặt)</span>' in html  # LoA3, in words


def test_full_consent(client: TestClient, env: Env) -> None:
    code, verifier = authorize(client, "data", SCOPE)
    tokens = redeem(client, env, "data", code, verifier)
    assert tokens["scope"] == SCOPE
    info = userinfo(client, tokens["access_token"])
    assert info["personal_id_number"] == PIN
    assert info["phone_number"] == "+84919990001"


def test_partial_consent_is_what_the_tokens_carry(client: TestClient, env: Env) -> None:
    request = claims_param(id_token={"name": None, "personal_id_number": None})
    code, verifier = authorize(client, "data", SCOPE, untick=("identity", "phone"), claims=request)
    tokens = redeem(client, env, "data", code, verifier)
    assert tokens["scope"] == "openid profile"
    claims = id_token_claims(client, tokens["id_token"])
    assert claims["name"] == "Nguyễn Văn Bình"
    assert "personal_id_number" not in claims
    info = userinfo(client, tokens["access_token"])
    assert info["name"] == "Nguyễn Văn Bình"
    assert "personal_id_number" not in info
    assert "phone_number" not in info


def test_ticked_scopes_outside_the_request_are_ignored(client: TestClient, env: Env) -> None:
    page, html = _consent_page(client, scope="openid profile")
    data = {**consent_form(html), "scope": ["profile", "eid_card", "phone"]}
    response = client.post(f"{page}/consent", data=data)
    assert response.status_code == 303  # the authorization response itself, no detour
    location = response.headers["location"]
    assert "code" in query_of(location)


def test_denied_is_access_denied(client: TestClient) -> None:
    page, html = _consent_page(client)
    response = client.post(f"{page}/consent", data=consent_form(html, "deny"))
    assert response.status_code == 303  # the authorization response itself, no detour
    location = response.headers["location"]
    assert query_of(location)["error"] == "access_denied"


def test_consent_is_remembered_across_sessions(client: TestClient, env: Env) -> None:
    authorize(client, "data", SCOPE)
    client.cookies.clear()  # another browser, another session
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, scope=SCOPE)
    final = complete(client, client.get("/authorize", params=params), consent=False)
    assert final.status_code == 303  # the password, answered at once: no consent page
    assert "code" in query_of(final.headers["location"])


def test_a_remembered_partial_consent_asks_again_for_the_difference(
    client: TestClient, env: Env
) -> None:
    authorize(client, "data", SCOPE, untick=("phone",))
    _, html = _consent_page(client)
    assert _checkboxes(html) == ["profile", "identity", "phone"]
    assert html.count("đã đồng ý trước đây") == 2  # profile and identity were granted before


def test_prompt_consent_asks_again(client: TestClient) -> None:
    authorize(client, "data", SCOPE)
    _, html = _consent_page(client, prompt="consent")
    assert 'name="decision"' in html


def test_prompt_none_needs_a_remembered_consent(client: TestClient) -> None:
    authorize(client, "rp", "openid profile")
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, scope=SCOPE, prompt="none")
    response = client.get("/authorize", params=params)
    assert query_of(response.headers["location"])["error"] == "consent_required"
    authorize(client, "data", SCOPE)
    response = client.get("/authorize", params=params)
    assert "code" in query_of(response.headers["location"])


def test_consent_form_needs_its_csrf_token(client: TestClient) -> None:
    page, html = _consent_page(client)
    data = {**consent_form(html), "csrf": "forged"}
    assert client.post(f"{page}/consent", data=data).status_code == 400


def test_every_value_is_escaped() -> None:
    asking = Asking("<script>", "LoA1", purpose='"><img src=x>', service_en="<script>")
    view = consent_view('u"', "c<", asking, Shown("vi"), ["openid", "<b>"], set())
    html = render(view)
    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert "<i>" not in html
    assert 'u"' not in html


def test_a_token_without_openid_gets_nothing_at_userinfo(client: TestClient, env: Env) -> None:
    """Only scopes the client is not registered for: no consent page, and so no citizen data either
    (OpenID Connect Core §5.3: userinfo needs a token of an OpenID Connect request)."""
    code, verifier = authorize(client, "rp", "eid_card")
    tokens = redeem(client, env, "rp", code, verifier)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = client.get("/userinfo", headers=bearer)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


@pytest.mark.postgres
def test_concurrent_answers_to_consent_pages_never_fail(empty_database: str) -> None:
    """Two consent pages of one citizen and client approved at once (two tabs, a double submit):
    both answers are remembered, neither fails on the (PIN, client, scope) key."""
    engine = connect(empty_database)
    create_consent_table(engine)
    errors: list[Exception] = []
    start = threading.Barrier(6)

    def answer() -> None:
        start.wait()
        try:
            scopes = ["openid", "profile"]
            remember(engine, PIN, "data", scopes, scopes, "LoA1", at=time.time())
        except Exception as error:  # the test reports whatever escaped
            errors.append(error)

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert granted_scopes(engine, PIN, "data") == {"openid", "profile"}
    engine.dispose()
