"""Brute force: lockout after 5 wrong passwords (the right one refused too, for 15 minutes), rate limits
per PIN and per client IP that count failures only (wrong passwords and codes; right ones are never
throttled), indistinguishable unknown PINs (timing included), atomic counters on SQLite
and PostgreSQL, and exactly one audit row per authentication event. Failures older than the lockout are
forgotten (the count restarts from 1), and stale counters are deleted only by the first failure of an
address in a new rate window (DELETE statements counted with an engine event). Time passes on the
provider's own clock (``server.clock``), frozen and moved by the tests."""

import re
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy import event
from sqlalchemy import insert
from sqlalchemy import select

from idp.login.auth_events import Outcome
from idp.login.auth_events import password_attempt
from idp.login.lockout import COUNTER
from idp.login.lockout import FactorState
from idp.login.lockout import factor_state
from idp.oidc import assurance
from idp.state.audit import AUTHENTICATION
from idp.state.audit import events_for
from tests.login.conftest import landed
from tests.login.providers import provider_on
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce
from tests.oidc.conftest import shows_consent
from tests.oidc.conftest import sms_code

NO_ACCOUNT = "048079999005"


@pytest.fixture
def fresh(env: Env, tmp_path: Path) -> Iterator[TestClient]:
    """A provider over its own new database, so counters and audit rows start from nothing."""
    with provider_on(env, f"sqlite:///{tmp_path / 'db.sqlite3'}") as client:
        yield client


def _login_page(client: TestClient) -> tuple[str, str]:
    """A new interaction's login form (``prompt=login``: the session of an earlier login does not
    skip it): its path and HTML."""
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, prompt="login")
    page, html = first_page(client.get("/authorize", params=params))
    assert 'name="password"' in html, html
    return page, html


def _try(client: TestClient, pin: str, password: str) -> Any:
    """A login with ``pin`` and ``password`` in a new interaction: the page shown after the form,
    which is answered with a 303 to the interaction's page (the next step, or the form again with
    its message and the status the refusal has)."""
    page, html = _login_page(client)
    data = {"username": pin, "password": password, "csrf": csrf_of(html)}
    return landed(client, client.post(f"{page}/login", data=data), page)


def _events(client: TestClient, pin: str) -> list[tuple[str, str | None]]:
    engine = client.app.state.oauth2_server.engine  # type: ignore[attr-defined]
    return [(e.outcome, e.method) for e in reversed(events_for(engine, pin, AUTHENTICATION))]


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.oauth2_server.engine  # type: ignore[attr-defined]
    return engine


def _counter_keys(client: TestClient) -> set[str]:
    with _engine(client).connect() as connection:
        return set(connection.execute(select(COUNTER.c.key)).scalars())


def _password_state(client: TestClient, pin: str) -> FactorState:
    with _engine(client).connect() as connection:
        return factor_state(connection, assurance.PASSWORD, pin, now=clock_of(client).now())


def test_five_wrong_passwords_lock_even_the_right_one_for_15_minutes(fresh: TestClient) -> None:
    clock = clock_of(fresh)
    clock.freeze()
    wrong = [_try(fresh, PIN, "wrong") for _ in range(5)]
    assert [w.status_code for w in wrong] == [401] * 5
    refused = _try(fresh, PIN, PASSWORD)
    assert refused.status_code == 401
    assert _strip(refused.text) == _strip(wrong[0].text)
    clock.advance(15 * 60 - 1)  # the lock's last second
    assert _try(fresh, PIN, PASSWORD).status_code == 401
    clock.advance(1)  # 15 minutes after the fifth failure
    assert shows_consent(_try(fresh, PIN, PASSWORD))
    assert _events(fresh, PIN) == [
        *[("failure", "pwd")] * 5,
        ("lockout", "pwd"),
        ("refused", "pwd"),
        ("refused", "pwd"),
        ("success", "pwd"),
    ]


def _strip(html: str) -> str:
    """The page without what differs between two requests (the interaction's id and CSRF token, and
    its QR code, which carries a new request each time)."""
    html = re.sub(r'<section class="qr-login".*?</section>', "", html, flags=re.S)
    return re.sub(r"/interaction/[\w-]+", "", html.replace(csrf_of(html), ""))


def test_a_right_password_resets_the_count(fresh: TestClient) -> None:
    for _ in range(4):
        _try(fresh, PIN, "wrong")
    assert shows_consent(_try(fresh, PIN, PASSWORD))
    for _ in range(4):
        _try(fresh, PIN, "wrong")
    assert shows_consent(_try(fresh, PIN, PASSWORD))


def _one_window(client: TestClient) -> None:
    """The provider's clock stops at the start of a rate window, so that no count restarts mid-test."""
    clock = clock_of(client)
    clock.freeze((clock.now() // 60) * 60 + 1)


def test_rate_limits_per_pin_and_per_ip(env: Env, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 3, "login_rate_per_ip": 5, "lockout_threshold": 100}
    with provider_on(env, url, **limits) as client:
        _one_window(client)
        statuses = [_try(client, PIN, "wrong").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        refused = _try(client, PIN, PASSWORD)  # a full window refuses the right password too
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "60"
        statuses = [_try(client, "031190999002", "wrong").status_code for _ in range(3)]
        assert statuses == [401, 401, 429]  # after the fifth failure from this address
        assert _events(client, "031190999002")[-1] == ("refused", "pwd")


def test_right_passwords_are_never_throttled(fresh: TestClient) -> None:
    """A test suite logs the same persona in again and again from one address, well past the default
    limits (10 a PIN, 30 an address, a minute): only failures count."""
    for _ in range(45):
        assert shows_consent(_try(fresh, PIN, PASSWORD))


def _at_factor(client: TestClient, acr: str, field: str) -> tuple[str, str]:
    """An interaction whose citizen logged in with the password and is asked for ``field``."""
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, acr_values=acr, prompt="login")
    page, html = first_page(client.get("/authorize", params=params))
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    response = landed(client, client.post(f"{page}/login", data=data), page)
    assert f'name="{field}"' in response.text, response.text
    return page, csrf_of(response.text)


@pytest.mark.parametrize(("acr", "field"), [("LoA3", "passcode"), ("LoA2", "otp")])
def test_wrong_codes_count_in_the_rate_windows(
    env: Env, tmp_path: Path, acr: str, field: str
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 3, "lockout_threshold": 100, "otp_max_tries": 100}
    with provider_on(env, url, **limits) as client:
        _one_window(client)
        page, csrf = _at_factor(client, acr, field)
        post = f"{page}/{field}"
        shown = [
            landed(client, client.post(post, data={field: "000000", "csrf": csrf}), page)
            for _ in range(4)
        ]
        assert [response.status_code for response in shown] == [401, 401, 401, 429]
        assert shown[-1].headers["retry-after"] == "60"
        assert f'name="{field}"' in shown[-1].text  # the factor's form again
        right = PASSCODE if field == "passcode" else sms_code(client)
        refused = landed(client, client.post(post, data={field: right, "csrf": csrf}), page)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "60"
        assert _events(client, PIN)[-1] == (
            "refused",
            assurance.PASSCODE if field == "passcode" else assurance.SMS_OTP,
        )
        assert _try(client, PIN, PASSWORD).status_code == 429  # the same window, the same PIN


def test_rate_windows_are_counted_in_the_state_store_not_the_database(
    fresh: TestClient, env: Env
) -> None:
    clock = clock_of(fresh)
    clock.freeze()
    start = clock.now()
    assert _try(fresh, PIN, "wrong").status_code == 401
    assert _try(fresh, PIN, "wrong").status_code == 401
    assert not [key for key in _counter_keys(fresh) if key.startswith("rate:")]
    store = fresh.app.state.oauth2_server.store  # type: ignore[attr-defined]
    window = int(start // env.settings.login_rate_window)
    assert store.incr(f"rate:pin:{PIN}:{window}", 60) == 3  # the two attempts, and this one
    assert store.incr(f"rate:ip:testclient:{window}", 60) == 3


def test_unknown_pin_and_wrong_password_take_the_same_time(env: Env, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 1000, "login_rate_per_ip": 1000, "lockout_threshold": 1000}
    with provider_on(env, url, **limits) as client:
        timings: dict[str, list[float]] = {NO_ACCOUNT: [], PIN: []}
        for _ in range(7):
            for pin in timings:
                page, html = _login_page(client)
                data = {"username": pin, "password": "wrong", "csrf": csrf_of(html)}
                started = time.perf_counter()
                response = client.post(f"{page}/login", data=data)
                timings[pin].append(time.perf_counter() - started)
                assert landed(client, response, page).status_code == 401
        unknown, wrong = (statistics.median(t) for t in timings.values())
        assert abs(unknown - wrong) < 0.5 * max(unknown, wrong) + 0.02, timings


def test_audit_rows_are_exactly_the_events(fresh: TestClient) -> None:
    _try(fresh, PIN, "wrong")
    login_at(fresh, "LoA2")
    login_at(fresh, "LoA3")
    login_at(fresh, "LoA1", prompt="login")
    assert _events(fresh, PIN) == [
        ("failure", "pwd"),
        ("success", "pwd"),
        ("success", "otp"),
        ("success", "pin"),
        ("success", "face"),
        ("success", "pwd"),
    ]
    engine = fresh.app.state.oauth2_server.engine  # type: ignore[attr-defined]
    acrs = [e.acr for e in reversed(events_for(engine, PIN, AUTHENTICATION))]
    assert acrs == [None, "LoA1", "LoA2", "LoA2", "LoA3", "LoA1"]


@pytest.mark.postgres
def test_concurrent_wrong_passwords_are_each_counted_once(
    env: Env, empty_database: str, tmp_path: Path
) -> None:
    with provider_on(env, empty_database) as client:
        server = client.app.state.oauth2_server  # type: ignore[attr-defined]
        outcomes: list[Outcome] = []

        def attempt() -> None:
            outcomes.append(password_attempt(server, PIN, "wrong", "10.0.0.1", None).outcome)

        threads = [threading.Thread(target=attempt) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes == [Outcome.BAD] * 5
        assert _events(client, PIN).count(("lockout", "pwd")) == 1
        assert password_attempt(server, PIN, PASSWORD, "10.0.0.1", None).outcome is Outcome.BAD
        server.engine.dispose()


def test_failures_older_than_the_lockout_are_forgotten(fresh: TestClient) -> None:
    clock = clock_of(fresh)
    clock.freeze()
    start = clock.now()
    for _ in range(4):
        assert _try(fresh, PIN, "wrong").status_code == 401
    assert _password_state(fresh, PIN) == FactorState(locked=False, failures=4)
    clock.set(start + 15 * 60 + 1)
    assert _try(fresh, PIN, "wrong").status_code == 401
    assert _password_state(fresh, PIN) == FactorState(locked=False, failures=1)  # from 1 again
    for _ in range(3):
        assert _try(fresh, PIN, "wrong").status_code == 401
    assert _password_state(fresh, PIN) == FactorState(locked=False, failures=4)
    assert shows_consent(_try(fresh, PIN, PASSWORD))  # 8 wrong in all, never 5 in a row
    assert ("lockout", "pwd") not in _events(fresh, PIN)
    assert _password_state(fresh, PIN) == FactorState(locked=False, failures=0)


def test_failures_within_the_lockout_keep_counting(fresh: TestClient) -> None:
    clock = clock_of(fresh)
    clock.freeze()
    start = clock.now()
    for _ in range(4):
        _try(fresh, PIN, "wrong")
    clock.set(start + 15 * 60 - 1)
    assert _try(fresh, PIN, "wrong").status_code == 401
    assert _password_state(fresh, PIN).locked
    assert _try(fresh, PIN, PASSWORD).status_code == 401
    assert _events(fresh, PIN)[-2:] == [("lockout", "pwd"), ("refused", "pwd")]


def _counter(key: str, updated_at: float, locked_until: float = 0.0) -> dict[str, Any]:
    return {"key": key, "count": 1, "updated_at": updated_at, "locked_until": locked_until}


def test_stale_counters_are_purged_only_when_an_address_opens_a_new_window(
    fresh: TestClient,
) -> None:
    clock = clock_of(fresh)
    clock.freeze()
    start = clock.now()
    deletes: list[str] = []

    def count_deletes(*args: Any) -> None:
        statement = str(args[2])  # (connection, cursor, statement, parameters, context, many)
        if statement.lstrip().upper().startswith("DELETE FROM AUTH_COUNTER"):
            deletes.append(statement)

    engine = _engine(fresh)
    event.listen(engine, "before_cursor_execute", count_deletes)
    try:
        assert _try(fresh, PIN, "wrong").status_code == 401  # the address's first window
        assert len(deletes) == 1
        hour_ago = start - 3600
        rows = [
            _counter("rate:ip:10.0.0.9:1", hour_ago),
            _counter("pwd:031190999002", hour_ago),
            _counter("pin:079195999004", hour_ago, locked_until=start + 60),  # still locked
            _counter("rate:ip:10.0.0.8:2", start - 10),
        ]
        with engine.begin() as connection:
            connection.execute(insert(COUNTER), rows)
        assert _try(fresh, PIN, "wrong").status_code == 401  # the same window: no purge
        assert shows_consent(_try(fresh, PIN, PASSWORD))
        assert len(deletes) == 1
        assert {row["key"] for row in rows} <= _counter_keys(fresh)
        clock.set(start + 60)  # the next window
        assert _try(fresh, PIN, "wrong").status_code == 401
        assert len(deletes) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count_deletes)
    keys = _counter_keys(fresh)
    assert "rate:ip:10.0.0.9:1" not in keys
    assert "pwd:031190999002" not in keys
    assert {"pin:079195999004", "rate:ip:10.0.0.8:2"} <= keys
