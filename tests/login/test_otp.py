"""The SMS one-time code and its mock inbox: 6 digits, 3 minutes, once, 5 wrong tries, resend throttle;
minutes pass on the provider's own clock (``server.clock``)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from idp.login import otp
from idp.login.sms_inbox import messages
from idp.oidc.server import AuthorizationServer
from tests.login.conftest import landed
from tests.oidc.conftest import PERSONA_PHONES
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce
from tests.oidc.conftest import sms_code


def _otp_page(client: TestClient) -> tuple[str, str]:
    """A LoA1 session asked LoA2: the code page (the first SMS is sent); its path and HTML."""
    login_at(client, "LoA1")
    _, challenge = pkce()
    response = client.get(
        "/authorize", params=auth_params(code_challenge=challenge, acr_values="LoA2")
    )
    location, html = first_page(response)
    assert 'name="otp"' in html
    return location, html


def _server(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def test_code_goes_to_the_registered_phone_newest_first(client: TestClient) -> None:
    _otp_page(client)
    first = sms_code(client)
    _otp_page(client)
    second = sms_code(client)
    messages = client.get("/sandbox/sms.json", params={"phone": PERSONA_PHONES[PIN]}).json()
    assert [m["code"] for m in messages["messages"][:2]] == [second, first]
    assert all(len(m["code"]) == 6 and m["code"].isdigit() for m in messages["messages"])
    inbox = client.get("/sandbox/sms", params={"phone": PERSONA_PHONES[PIN]})
    assert inbox.status_code == 200
    assert inbox.text.index(second) < inbox.text.index(first)
    assert "SANDBOX" in inbox.text


def test_a_right_code_is_taken_once(client: TestClient) -> None:
    server = _server(client)
    assert otp.send_first(server, "uid-once", PIN, PERSONA_PHONES[PIN])
    code = sms_code(client)
    assert otp.verify(server, "uid-once", PIN, code) is otp.Checked.OK
    assert otp.verify(server, "uid-once", PIN, code) is otp.Checked.EXPIRED
    assert not otp.send_first(server, "uid-once", PIN, PERSONA_PHONES[PIN])


def test_a_code_is_bound_to_its_citizen(client: TestClient) -> None:
    server = _server(client)
    otp.send_first(server, "uid-bound", PIN, PERSONA_PHONES[PIN])
    assert otp.verify(server, "uid-bound", "031190999002", sms_code(client)) is otp.Checked.EXPIRED


def test_a_code_dies_after_three_minutes(client: TestClient) -> None:
    server = _server(client)
    clock = clock_of(client)
    clock.freeze()
    sent_at = clock.now()
    otp.send_first(server, "uid-alive", PIN, PERSONA_PHONES[PIN])
    alive = sms_code(client)
    otp.send_first(server, "uid-expiry", PIN, PERSONA_PHONES[PIN])
    code = sms_code(client)
    assert [m.sent_at for m in messages(server.engine, PERSONA_PHONES[PIN])[:2]] == [sent_at] * 2
    clock.advance(server.settings.otp_ttl - 1)
    assert otp.verify(server, "uid-alive", PIN, alive) is otp.Checked.OK
    clock.advance(1)
    assert otp.verify(server, "uid-expiry", PIN, code) is otp.Checked.EXPIRED


def test_a_code_dies_after_five_wrong_tries(client: TestClient) -> None:
    page, html = _otp_page(client)
    code = sms_code(client)
    wrong = "000000" if code != "000000" else "111111"
    answers: list[Any] = [
        landed(client, client.post(f"{page}/otp", data={"otp": wrong, "csrf": csrf_of(html)}), page)
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [401] * 5
    assert "Mã OTP không đúng." in answers[0].text
    assert "Nhập sai quá 5 lần, mã đã bị hủy" in answers[-1].text
    late = client.post(f"{page}/otp", data={"otp": code, "csrf": csrf_of(html)})
    shown = landed(client, late, page)
    assert shown.status_code == 401  # the right code, too late: it is dead
    assert 'name="otp"' in shown.text


def test_resend_is_throttled_then_allowed(client: TestClient) -> None:
    page, html = _otp_page(client)
    old = sms_code(client)
    throttled = landed(
        client, client.post(f"{page}/otp/resend", data={"csrf": csrf_of(html)}), page
    )
    assert throttled.status_code == 429
    assert "Vui lòng đợi một chút trước khi gửi lại mã." in throttled.text
    assert sms_code(client) == old
    clock_of(client).advance(31)
    sent = landed(client, client.post(f"{page}/otp/resend", data={"csrf": csrf_of(html)}), page)
    assert sent.status_code == 200  # the code page again, without a message
    assert 'name="otp"' in sent.text
    assert 'role="alert"' not in sent.text
    new = sms_code(client)
    final = complete(client, client.post(f"{page}/otp", data={"otp": new, "csrf": csrf_of(html)}))
    assert final.status_code == 303  # the answer, after the consent form


def test_resends_are_capped_per_interaction(client: TestClient) -> None:
    server = _server(client)
    phone = PERSONA_PHONES[PIN]
    server.store.delete("otp-throttle:uid-cap")
    otp.send_first(server, "uid-cap", PIN, phone)
    results = []
    for _ in range(6):
        server.store.delete("otp-throttle:uid-cap")
        results.append(otp.resend(server, "uid-cap", PIN, phone))
    assert results == [otp.Sent.SENT] * 4 + [otp.Sent.CAPPED] * 2


def test_otp_post_without_the_right_csrf_is_refused(client: TestClient) -> None:
    page, _ = _otp_page(client)
    response = client.post(f"{page}/otp", data={"otp": sms_code(client), "csrf": "forged"})
    assert response.status_code == 400


def test_wrong_codes_across_logins_lock_the_accounts_codes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each code dies after 5 tries, but a session can start new logins for new codes: wrong codes are
    also counted per account (OWASP ASVS 2.2.1), and past the threshold even a right code is refused."""
    server = _server(client)
    monkeypatch.setattr(server.settings, "otp_lockout_threshold", 3)
    for _ in range(3):  # three logins, one wrong code each
        page, html = _otp_page(client)
        code = sms_code(client)
        wrong = "000000" if code != "000000" else "111111"
        posted = client.post(f"{page}/otp", data={"otp": wrong, "csrf": csrf_of(html)})
        assert landed(client, posted, page).status_code == 401
    page, html = _otp_page(client)
    posted = client.post(f"{page}/otp", data={"otp": sms_code(client), "csrf": csrf_of(html)})
    refused = landed(client, posted, page)
    assert refused.status_code == 429
    assert "Nhập sai mã quá nhiều lần" in refused.text
    with server.engine.connect() as connection:
        kinds = connection.execute(
            text("SELECT outcome FROM audit_event WHERE method = 'otp' ORDER BY id DESC LIMIT 3")
        ).scalars()
        assert list(kinds) == ["refused", "failure", "lockout"]
    with server.engine.begin() as connection:  # unlock for the other tests of the session
        connection.execute(text("DELETE FROM auth_counter WHERE key = :k"), {"k": f"otp:{PIN}"})
    page, html = _otp_page(client)
    accepted = client.post(f"{page}/otp", data={"otp": sms_code(client), "csrf": csrf_of(html)})
    assert accepted.status_code == 303  # consent was given before: the answer to the client
    assert accepted.headers["location"].startswith(REDIRECT)
