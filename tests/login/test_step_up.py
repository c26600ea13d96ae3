"""Step-up inside one session (only the missing factors, same ``sid``) and the refusals: unmet
requirements (OIDC Core §3.1.2.6), locked and deceased citizens (``access_denied``)."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idp.login.progress import BINDING_COOKIE
from idp.oidc.assurance import Requirement
from idp.population_db.database import connect
from idp.state.audit import events_for
from tests.login.conftest import landed
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import redeem
from tests.oidc.conftest import sms_code

LEVEL1 = "079195999004"
LOCKED = "040183999006"
DECEASED = "036140999008"
NO_ACCOUNT = "048079999005"


def _authorize(client: TestClient, **extra: str) -> tuple[Any, str]:
    verifier, challenge = pkce()
    params = auth_params(code_challenge=challenge, **extra)
    return client.get("/authorize", params=params), verifier


def _page(client: TestClient, response: Any) -> tuple[str, str]:
    return first_page(response)


def _password(client: TestClient, page: str, html: str, pin: str, password: str = PASSWORD) -> Any:
    """The login form's answer (a 303)."""
    data = {"username": pin, "password": password, "csrf": csrf_of(html)}
    return client.post(f"{page}/login", data=data)


def _logged(client: TestClient, page: str, html: str, pin: str, password: str = PASSWORD) -> Any:
    """The page shown after the login form, which answered with a 303 to the interaction's page."""
    return landed(client, _password(client, page, html, pin, password), page)


def test_loa1_session_asked_loa2_gets_only_the_otp_and_keeps_its_sid(
    client: TestClient, env: Env
) -> None:
    first = redeem(client, env, *login_at(client, "LoA1"))
    response, verifier = _authorize(client, acr_values="LoA2")
    page, html = _page(client, response)
    assert 'name="password"' not in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    response = client.post(f"{page}/otp", data={"otp": sms_code(client), "csrf": csrf_of(html)})
    final = complete(client, response)
    second = redeem(client, env, final.headers["location"], verifier)
    assert second["sid"] == first["sid"]
    assert (second["acr"], first["acr"]) == ("LoA2", "LoA1")


def test_loa2_session_asked_loa3_gets_passcode_then_face_and_keeps_its_sid(
    client: TestClient, env: Env
) -> None:
    first = redeem(client, env, *login_at(client, "LoA2"))
    response, verifier = _authorize(client, acr_values="LoA3")
    page, html = _page(client, response)
    assert 'name="passcode"' in html
    assert 'name="password"' not in html
    response = client.post(f"{page}/passcode", data={"passcode": "246810", "csrf": csrf_of(html)})
    response = landed(client, response, page)  # a 303 to the interaction's page: the next factor
    assert response.status_code == 200
    html = response.text
    assert 'name="face"' in html
    assert '<img src="/portraits/' in html  # the portrait relying parties receive
    response = client.post(f"{page}/face", data={"face": "match", "csrf": csrf_of(html)})
    second = redeem(client, env, complete(client, response).headers["location"], verifier)
    assert second["sid"] == first["sid"]
    assert second["acr"] == "LoA3"


def test_a_stronger_session_answers_a_weaker_request_at_once(client: TestClient, env: Env) -> None:
    login_at(client, "LoA3")
    response, _ = _authorize(client, acr_values="LoA2")
    assert response.status_code == 302
    assert "code" in query_of(response.headers["location"])


def test_wrong_passcode_and_face_no_match_are_failed_factors(client: TestClient, env: Env) -> None:
    login_at(client, "LoA2")
    response, _ = _authorize(client, acr_values="LoA3")
    page, html = _page(client, response)
    wrong = client.post(f"{page}/passcode", data={"passcode": "000000", "csrf": csrf_of(html)})
    wrong = landed(client, wrong, page)
    assert wrong.status_code == 401
    assert 'name="passcode"' in wrong.text
    assert "Mã bảo vệ không đúng." in wrong.text
    right = client.post(f"{page}/passcode", data={"passcode": "246810", "csrf": csrf_of(html)})
    html = landed(client, right, page).text
    refused = client.post(f"{page}/face", data={"face": "no_match", "csrf": csrf_of(html)})
    refused = landed(client, refused, page)
    assert refused.status_code == 401
    assert 'name="face"' in refused.text
    assert "Khuôn mặt không khớp." in refused.text
    engine = connect(env.settings.database_url)
    methods = [(e.method, e.outcome) for e in events_for(engine, "001088999001")[:3]]
    engine.dispose()
    assert methods == [("face", "failure"), ("pin", "success"), ("pin", "failure")]


def test_skipping_the_otp_gives_no_code(client: TestClient) -> None:
    response, _ = _authorize(client, acr_values="LoA2")
    page, html = _page(client, response)
    _password(client, page, html, "001088999001")
    response = client.get(page)  # no answer before the missing factor
    assert response.status_code == 200
    assert "location" not in response.headers
    assert 'name="otp"' in response.text


def _continue(client: TestClient, page: str, html: str) -> dict[str, str]:
    """Leave the ending page ``html`` of the interaction ``page``: the client's redirect's query."""
    final = complete(client, client.post(f"{page}/continue", data={"csrf": csrf_of(html)}))
    return query_of(final.headers["location"])


@pytest.mark.parametrize(
    "extra",
    [{"acr_values": "LoA3"}, {"client_id": "l2", "scope": "openid eid_card"}],
    ids=["loa3", "level2-scope"],
)
def test_level1_account_asked_for_level2_is_told_why_then_unmet(
    client: TestClient, extra: dict[str, str]
) -> None:
    response, _ = _authorize(client, **extra)
    page, html = _page(client, response)
    ending = _logged(client, page, html, LEVEL1)
    assert ending.status_code == 200  # the ending page, after the form's 303
    html = ending.text
    assert "Công an" in html
    assert "mức 2" in html
    assert 'name="passcode"' not in html
    query = _continue(client, page, html)
    assert query["error"] == "unmet_authentication_requirements"
    assert query["state"] == "st-1"


def test_level1_session_with_prompt_none_asked_loa3_is_unmet(client: TestClient) -> None:
    login_at(client, "LoA1", pin=LEVEL1)
    response, _ = _authorize(client, acr_values="LoA3", prompt="none")
    assert query_of(response.headers["location"])["error"] == "unmet_authentication_requirements"


def test_step_up_with_prompt_none_is_login_required(client: TestClient) -> None:
    login_at(client, "LoA1")
    response, _ = _authorize(client, acr_values="LoA2", prompt="none")
    assert query_of(response.headers["location"])["error"] == "login_required"


def test_level1_account_reaches_loa2(client: TestClient, env: Env) -> None:
    claims = redeem(client, env, *login_at(client, "LoA2", pin=LEVEL1))
    assert (claims["acr"], claims["account_level"]) == ("LoA2", 1)


@pytest.mark.parametrize(("pin", "word"), [(LOCKED, "khóa"), (DECEASED, "đã mất")])
def test_locked_and_deceased_see_why_then_access_denied(
    client: TestClient, env: Env, pin: str, word: str
) -> None:
    response, _ = _authorize(client)
    page, html = _page(client, response)
    posted = _password(client, page, html, pin)
    assert "vneid_session" not in posted.cookies
    ending = landed(client, posted, page)
    assert ending.status_code == 200  # the ending page, after the form's 303
    assert word in ending.text
    assert "vneid_session" not in ending.cookies
    assert _continue(client, page, ending.text)["error"] == "access_denied"
    engine = connect(env.settings.database_url)
    assert events_for(engine, pin)[0].outcome == "refused"
    engine.dispose()


def test_no_account_answers_exactly_as_a_wrong_password(client: TestClient) -> None:
    response, _ = _authorize(client)
    page, html = _page(client, response)
    posted = _password(client, page, html, NO_ACCOUNT)
    no_account = landed(client, posted, page)
    posted_wrong = _password(client, page, html, "001088999001", "not the password")
    wrong = landed(client, posted_wrong, page)
    assert posted.headers == posted_wrong.headers  # the same 303, no cookie
    assert no_account.status_code == wrong.status_code == 401
    entered = 'value="{}" inputmode'
    assert no_account.text.replace(entered.format(NO_ACCOUNT), "") == wrong.text.replace(
        entered.format("001088999001"), ""
    )


def test_cancel_gives_access_denied(client: TestClient) -> None:
    response, _ = _authorize(client)
    page, html = _page(client, response)
    final = complete(client, client.post(f"{page}/cancel", data={"csrf": csrf_of(html)}))
    assert query_of(final.headers["location"])["error"] == "access_denied"


def test_max_age_asks_every_factor_again(client: TestClient, env: Env) -> None:
    login_at(client, "LoA2")
    response, verifier = _authorize(client, acr_values="LoA2", max_age="0")
    page, html = _page(client, response)
    assert 'name="password"' in html
    response = _logged(client, page, html, "001088999001")
    assert 'name="otp"' in response.text
    claims = redeem(client, env, complete(client, response).headers["location"], verifier)
    assert claims["acr"] == "LoA2"


def test_account_page_interaction_returns_to_the_account_page(client: TestClient) -> None:
    """Only a path of the account page is ever gone back to (never ``//evil.example/...``)."""
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    for target, expected in [("/account", "/account"), ("//evil.example/account", None)]:
        started = server.interactions.start(
            client_id=None,
            scope="",
            params=[],
            requirement=Requirement(),
            force_consent=False,
            sid=None,
            return_to=target,
        )
        page = f"/interaction/{started.uid}"
        client.cookies.set(BINDING_COOKIE, started.binding, path=page)
        html = client.get(page).text
        response = _password(client, page, html, "001088999001")
        assert response.headers.get("location") == expected


def test_essential_acr_claim_unreachable_is_unmet(client: TestClient) -> None:
    # LoA4 needs a level-2 account's bound phone: a level-1 account never reaches it
    claims = json.dumps({"id_token": {"acr": {"essential": True, "values": ["LoA3"]}}})
    response, _ = _authorize(client, claims=claims)
    page, html = _page(client, response)
    ending = _logged(client, page, html, "079195999004")
    assert ending.status_code == 200  # the ending page, after the form's 303
    assert _continue(client, page, ending.text)["error"] == "unmet_authentication_requirements"


def test_language_switch_works_without_javascript(client: TestClient) -> None:
    response, _ = _authorize(client)
    page, html = _page(client, response)
    assert '<html lang="vi">' in html
    assert f'href="{page}?lang=en"' in html
    english = client.get(page, params={"lang": "en"}).text
    assert '<html lang="en">' in english
    assert ">Password</label>" in english
    assert "SANDBOX — hệ thống giả lập" in html
    assert "SANDBOX — a mock system with synthetic data" in english
    assert "hệ thống giả lập" not in english  # one language a page, no gloss
