"""Post/Redirect/Get: every form of the interaction (login, SMS code and its resend, passcode, face match,
consent, "continue" after an ending page, cancel) and the logout confirmation is answered with a 303,
never with a page: to the client's ``redirect_uri`` once the interaction is finished, to the logged-out
page when leaving the account page's own login or logging out, else to the interaction's own page
(``GET /interaction/{uid}``).

A form that did not move the citizen on (a wrong password, code, passcode or face, too many attempts)
leaves its message in the interaction: the page the 303 leads to shows it once, in the page's language,
with the status the form's answer would have had (401, 429 with ``Retry-After``) and the PIN that was
typed; the next showing of the page is a plain 200 again. Reloading the page after a form posts nothing
again: the same step is shown, no factor is checked, no code sent, no session opened.
"""

from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idp.state.audit import AUTHENTICATION
from idp.state.audit import events_for
from idp.web.translations import message
from tests.login.conftest import landed
from tests.login.providers import provider_on
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PERSONA_PHONES
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import shows_consent
from tests.oidc.conftest import sms_code

LEVEL1 = "079195999004"
LOCKED = "040183999006"
NO_ACCOUNT = "048079999005"
OTHER_PIN = "031190999002"
ALERT = 'role="alert"'


def _start(client: TestClient, **extra: str) -> tuple[str, str]:
    """A new interaction of the ``rp`` client: its path (``/interaction/{uid}``) and first page."""
    _, challenge = pkce()
    return first_page(
        client.get("/authorize", params=auth_params(code_challenge=challenge, **extra))
    )


def _post(client: TestClient, page: str, form: str, html: str, **fields: str) -> Any:
    """``form`` of the interaction at ``page`` posted with the CSRF token of ``html``."""
    return client.post(f"{page}/{form}", data={**fields, "csrf": csrf_of(html)})


def _credentials(password: str = PASSWORD, pin: str = PIN) -> dict[str, str]:
    """The login form's fields."""
    return {"username": pin, "password": password}


def _at(client: TestClient, field: str, pin: str = PIN, **extra: str) -> tuple[str, str]:
    """A new interaction past the password of ``pin`` (and the passcode, for the face match), at the
    page asking for ``field``: its path and that page."""
    acr = {"otp": "LoA2", "passcode": "LoA3", "face": "LoA3", "decision": "LoA1"}[field]
    page, html = _start(client, acr_values=acr, prompt="login", **extra)
    html = landed(client, _post(client, page, "login", html, **_credentials(pin=pin)), page).text
    if field == "face":
        html = landed(client, _post(client, page, "passcode", html, passcode=PASSCODE), page).text
    assert f'name="{field}"' in html, html
    return page, html


def _inbox(client: TestClient, pin: str = PIN) -> int:
    """How many messages the mock inbox of the citizen's phone holds."""
    response = client.get("/sandbox/sms.json", params={"phone": PERSONA_PHONES[pin]})
    return len(response.json()["messages"])


def _events(client: TestClient, pin: str = PIN) -> int:
    """How many authentication events the audit holds for ``pin``."""
    engine = client.app.state.oauth2_server.engine  # type: ignore[attr-defined]
    return len(events_for(engine, pin, AUTHENTICATION))


# Each scenario brings an interaction to a form, posts it, and names where its 303 must lead: "page"
# (the interaction's own page), "client" (the redirect_uri) or a path of the provider.
Scenario = Callable[[TestClient], tuple[Any, str]]


def _login_right(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)
    return _post(client, page, "login", html, username=PIN, password=PASSWORD), page


def _login_wrong(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)
    return _post(client, page, "login", html, username=PIN, password="wrong"), page


def _login_unknown(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)
    return _post(client, page, "login", html, username=NO_ACCOUNT, password=PASSWORD), page


def _login_locked(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)
    return _post(client, page, "login", html, username=LOCKED, password=PASSWORD), page


def _login_level1_unmet(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client, acr_values="LoA3")
    return _post(client, page, "login", html, username=LEVEL1, password=PASSWORD), page


def _otp_right(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "otp")
    return _post(client, page, "otp", html, otp=sms_code(client)), page


def _otp_wrong(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "otp")
    wrong = "000000" if sms_code(client) != "000000" else "111111"
    return _post(client, page, "otp", html, otp=wrong), page


def _resend_sent(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "otp")
    clock_of(client).advance(31)  # past the resend throttle
    return _post(client, page, "otp/resend", html), page


def _resend_throttled(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "otp")
    return _post(client, page, "otp/resend", html), page


def _passcode_right(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "passcode")
    return _post(client, page, "passcode", html, passcode=PASSCODE), page


def _passcode_wrong(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "passcode")
    return _post(client, page, "passcode", html, passcode="000000"), page


def _face_match(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "face")
    return _post(client, page, "face", html, face="match"), page


def _face_no_match(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "face")
    return _post(client, page, "face", html, face="no_match"), page


def _another_step_s_form(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)  # at the login form: the code form is not this step's
    return _post(client, page, "otp", html, otp="123456"), page


def _consent_approve(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "decision")
    return client.post(f"{page}/consent", data=consent_form(html)), page


def _consent_deny(client: TestClient) -> tuple[Any, str]:
    page, html = _at(client, "decision")
    return client.post(f"{page}/consent", data=consent_form(html, "deny")), page


def _continue(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client, acr_values="LoA3")
    ending = landed(
        client, _post(client, page, "login", html, username=LEVEL1, password=PASSWORD), page
    )
    return _post(client, page, "continue", ending.text), page


def _cancel(client: TestClient) -> tuple[Any, str]:
    page, html = _start(client)
    return _post(client, page, "cancel", html), page


SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "login right": (_login_right, "page"),
    "login wrong password": (_login_wrong, "page"),
    "login unknown PIN": (_login_unknown, "page"),
    "login locked citizen": (_login_locked, "page"),
    "login level 1 asked level 2": (_login_level1_unmet, "page"),
    "otp right": (_otp_right, "page"),
    "otp wrong": (_otp_wrong, "page"),
    "otp/resend sent": (_resend_sent, "page"),
    "otp/resend throttled": (_resend_throttled, "page"),
    "passcode right": (_passcode_right, "page"),
    "passcode wrong": (_passcode_wrong, "page"),
    "face match": (_face_match, "page"),
    "face no match": (_face_no_match, "page"),
    "another step's form": (_another_step_s_form, "page"),
    "consent approve": (_consent_approve, "client"),
    "consent deny": (_consent_deny, "client"),
    "continue after an ending": (_continue, "client"),
    "cancel": (_cancel, "client"),
}


def _a_bare_303(response: Any) -> None:
    """A 303 and nothing else: no page in its body, nothing to render."""
    assert response.status_code == 303, (response.status_code, response.text[:300])
    assert not response.content, response.text[:300]
    assert "content-type" not in response.headers, response.headers


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_interaction_form_answers_a_303_never_a_page(
    client: TestClient, scenario: str
) -> None:
    act, target = SCENARIOS[scenario]
    response, page = act(client)
    _a_bare_303(response)
    location = response.headers["location"]
    if target == "client":
        assert location.startswith(f"{REDIRECT}?"), location
        assert query_of(location)["state"] == "st-1"
        return
    assert location == page
    shown = client.get(location)  # the page the browser then shows
    assert shown.headers["content-type"].startswith("text/html")
    assert f'action="{page}/' in shown.text  # a step of the interaction, with its forms


def test_the_account_page_s_own_login_answers_303s(client: TestClient) -> None:
    """Its password form leads back to the account page; its cancel to the logged-out page."""
    page, html = first_page(client.get("/account"))
    cancelled = _post(client, page, "cancel", html)
    _a_bare_303(cancelled)
    assert cancelled.headers["location"] == "/logged-out"
    assert client.get("/logged-out").status_code == 200
    page, html = first_page(client.get("/account"))
    logged_in = _post(client, page, "login", html, **_credentials())
    _a_bare_303(logged_in)
    assert logged_in.headers["location"].startswith("/account")
    account = client.get(logged_in.headers["location"])
    assert account.status_code == 200
    assert 'name="password"' not in account.text


def test_the_logout_confirmation_answers_a_303_to_the_logged_out_page(client: TestClient) -> None:
    page, html = _start(client)
    assert shows_consent(landed(client, _post(client, page, "login", html, **_credentials()), page))
    confirmation = client.get("/logout")
    assert confirmation.status_code == 200
    posted = client.post("/logout", data={"csrf": csrf_of(confirmation.text)})
    _a_bare_303(posted)
    assert posted.headers["location"] == "/logged-out"
    logged_out = client.get(posted.headers["location"])
    assert logged_out.status_code == 200
    assert logged_out.headers["content-type"].startswith("text/html")


def test_error_pages_are_still_the_answer_to_the_post(client: TestClient) -> None:
    """An expired interaction or a forged CSRF token: the error page itself, no redirect."""
    page, html = _start(client)
    forged = client.post(f"{page}/login", data={**_credentials(), "csrf": "forged"})
    unknown = client.post("/interaction/nope/login", data={**_credentials(), "csrf": "x"})
    for response in (forged, unknown):
        assert response.status_code == 400, response.text
        assert "location" not in response.headers
        assert response.headers["content-type"].startswith("text/html")
        assert "<code>invalid_request</code>" in response.text
        assert message("vi", "errors.reason_expired") in response.text
    right = _post(client, page, "login", html, **_credentials())  # the interaction lives on
    assert shows_consent(landed(client, right, page))


# The failed forms: how to get there, the form and its fields, the status and message shown after.
Failure = tuple[str, str, dict[str, str], int, str]
FAILURES: dict[str, Failure] = {
    "wrong password": ("", "login", _credentials("wrong"), 401, "errors.bad_credentials"),
    "unknown PIN": ("", "login", _credentials(pin=NO_ACCOUNT), 401, "errors.bad_credentials"),
    "wrong code": ("otp", "otp", {"otp": "wrong1"}, 401, "errors.otp_wrong"),
    "resend too soon": ("otp", "otp/resend", {}, 429, "errors.resend_throttled"),
    "wrong passcode": (
        "passcode",
        "passcode",
        {"passcode": "000000"},
        401,
        "errors.passcode_wrong",
    ),
    "face no match": ("face", "face", {"face": "no_match"}, 401, "errors.face_no_match"),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failed_form_s_message_is_shown_once_with_its_status(
    client: TestClient, failure: str
) -> None:
    field, form, fields, status, key = FAILURES[failure]
    page, html = _at(client, field) if field else _start(client)
    shown = landed(client, _post(client, page, form, html, **fields), page)
    assert shown.status_code == status
    assert ALERT in shown.text
    assert message("vi", key) in shown.text
    again = client.get(page)  # the next showing: the same step, without the message
    assert again.status_code == 200
    assert ALERT not in again.text
    assert message("vi", key) not in again.text
    assert "retry-after" not in again.headers
    assert csrf_of(again.text) == csrf_of(shown.text)  # the same step's same forms
    assert again.text.count("<form ") == shown.text.count("<form ")


def test_the_message_is_in_the_page_s_language_only(client: TestClient) -> None:
    page, html = _start(client, ui_locales="en")
    shown = landed(client, _post(client, page, "login", html, **_credentials("wrong")), page)
    assert shown.status_code == 401
    assert '<html lang="en">' in shown.text
    assert message("en", "errors.bad_credentials") in shown.text
    assert message("vi", "errors.bad_credentials") not in shown.text


def test_the_pin_typed_is_prefilled_after_a_wrong_password(client: TestClient) -> None:
    page, html = _start(client)
    assert 'name="username" value=""' in html
    secret = "not-the-password-7x"
    posted = _post(client, page, "login", html, **_credentials(secret, pin=OTHER_PIN))
    shown = landed(client, posted, page)
    assert shown.status_code == 401
    assert f'name="username" value="{OTHER_PIN}"' in shown.text
    assert secret not in shown.text  # the password is never sent back
    assert secret not in posted.headers.get("location", "")
    again = client.get(page)
    assert 'name="username" value=""' in again.text  # typed once, pre-filled once


def test_the_pin_typed_is_prefilled_even_when_it_has_no_account(client: TestClient) -> None:
    """An unknown PIN is answered as a wrong password: pre-filled too."""
    page, html = _start(client)
    shown = landed(client, _post(client, page, "login", html, **_credentials(pin=NO_ACCOUNT)), page)
    assert f'name="username" value="{NO_ACCOUNT}"' in shown.text


@pytest.fixture
def limited(env: Env, tmp_path: Path) -> Iterator[TestClient]:
    """A provider of its own allowing one failure a PIN a minute, its clock stopped at the start of a
    rate window (no count restarts mid-test)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 1, "lockout_threshold": 100, "otp_max_tries": 100}
    with provider_on(env, url, **limits) as client:
        clock = clock_of(client)
        clock.freeze((clock.now() // 60) * 60 + 1)
        yield client


def test_too_many_passwords_keep_retry_after_on_the_page_shown(limited: TestClient) -> None:
    page, html = _start(limited)
    first = landed(limited, _post(limited, page, "login", html, **_credentials("wrong")), page)
    assert first.status_code == 401
    assert "retry-after" not in first.headers
    posted = _post(limited, page, "login", html, **_credentials("wrong"))
    _a_bare_303(posted)
    shown = landed(limited, posted, page)
    assert shown.status_code == 429
    assert shown.headers["retry-after"] == "60"
    assert message("vi", "errors.too_many") in shown.text
    assert f'name="username" value="{PIN}"' in shown.text
    again = limited.get(page)
    assert again.status_code == 200
    assert "retry-after" not in again.headers
    assert message("vi", "errors.too_many") not in again.text


def test_too_many_passcodes_keep_retry_after_on_the_page_shown(limited: TestClient) -> None:
    page, html = _at(limited, "passcode")
    assert (
        landed(limited, _post(limited, page, "passcode", html, passcode="000000"), page).status_code
        == 401
    )
    shown = landed(limited, _post(limited, page, "passcode", html, passcode="000000"), page)
    assert shown.status_code == 429
    assert shown.headers["retry-after"] == "60"
    assert 'name="passcode"' in shown.text
    assert message("vi", "errors.too_many") in shown.text
    assert "retry-after" not in limited.get(page).headers


def _reloads(client: TestClient, page: str, shown: Any, times: int = 2) -> None:
    """Reload the page ``times``: each shows the very page shown after the form (the same step and
    CSRF token), a plain 200, and sets no cookie."""
    for _ in range(times):
        reloaded = client.get(page)
        assert reloaded.status_code == 200
        assert reloaded.text == shown.text
        assert "set-cookie" not in reloaded.headers


def test_reloading_after_the_password_posts_nothing_again(client: TestClient) -> None:
    page, html = _start(client, acr_values="LoA2")
    events, inbox = _events(client), _inbox(client)
    shown = landed(client, _post(client, page, "login", html, **_credentials()), page)
    assert 'name="otp"' in shown.text
    assert (_events(client), _inbox(client)) == (events + 1, inbox + 1)  # one login, one SMS
    session = client.cookies.get("vneid_session")
    _reloads(client, page, shown)
    assert (_events(client), _inbox(client)) == (events + 1, inbox + 1)
    assert client.cookies.get("vneid_session") == session


def test_reloading_after_a_wrong_password_posts_nothing_again(client: TestClient) -> None:
    page, html = _start(client)
    events = _events(client)
    shown = landed(client, _post(client, page, "login", html, **_credentials("wrong")), page)
    assert shown.status_code == 401
    again = client.get(page)
    assert 'name="password"' in again.text
    _reloads(client, page, again)
    assert _events(client) == events + 1  # one failure, counted once


def test_reloading_after_a_code_posts_nothing_again(client: TestClient) -> None:
    page, html = _at(client, "otp")
    events, inbox = _events(client), _inbox(client)
    shown = landed(client, _post(client, page, "otp", html, otp=sms_code(client)), page)
    assert shows_consent(shown)
    _reloads(client, page, shown)
    assert (_events(client), _inbox(client)) == (events + 1, inbox)


def test_reloading_after_the_answer_gives_no_second_answer(client: TestClient) -> None:
    """Once consent answered the client, the interaction is over: its page is the expired page, not
    another code."""
    page, html = _at(client, "decision")
    answered = client.post(f"{page}/consent", data=consent_form(html))
    assert "code" in query_of(answered.headers["location"])
    for _ in range(2):
        reloaded = client.get(page)
        assert reloaded.status_code == 400
        assert "location" not in reloaded.headers
        assert message("vi", "errors.reason_expired") in reloaded.text


def test_a_right_password_right_after_a_wrong_one_is_a_303(client: TestClient) -> None:
    """A browser that posts again before showing the page (a double submit, a script): the right
    password is still answered with a 303, to the next step, shown as a plain 200."""
    page, html = _start(client)
    _a_bare_303(_post(client, page, "login", html, **_credentials("wrong")))
    posted = _post(client, page, "login", html, **_credentials())
    _a_bare_303(posted)
    shown = landed(client, posted, page)
    assert shows_consent(shown)
    assert ALERT not in shown.text


def test_the_login_form_past_the_password_is_not_read(client: TestClient) -> None:
    """The login form of a tab left behind, posted once the interaction is past the password (at
    consent): nothing is checked or counted, the browser is sent to the step the interaction is at."""
    page, html = _start(client)
    at_consent = landed(client, _post(client, page, "login", html, **_credentials()), page)
    assert shows_consent(at_consent)
    late = _post(client, page, "login", html, **_credentials("wrong"))
    _a_bare_303(late)
    shown = landed(client, late, page)
    assert shown.status_code == 200
    assert shows_consent(shown)
    assert ALERT not in shown.text
