"""Brute force: lockout after 5 wrong passwords (the right one refused too, for 15 minutes), rate limits
per PIN and per client IP, indistinguishable unknown PINs (timing included), atomic counters on SQLite
and PostgreSQL, and exactly one audit row per authentication event."""

import re
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idp.app import create_app
from idp.login.auth_events import Outcome
from idp.login.auth_events import password_attempt
from idp.oidc.audit import AUTHENTICATION
from idp.oidc.audit import events_for
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce

NO_ACCOUNT = "048079999005"


def _app(env: Env, url: str, root: Path, **limits: int) -> TestClient:
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    settings = IdPSettings(
        database_url=url,
        issuer=env.settings.issuer,
        keys_dir=env.settings.keys_dir,
        clients_file=env.settings.clients_file,
    ).model_copy(update=limits)
    return TestClient(create_app(settings), follow_redirects=False)


@pytest.fixture
def fresh(env: Env, tmp_path: Path) -> Iterator[TestClient]:
    """A provider over its own new database, so counters and audit rows start from nothing."""
    with _app(env, f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path) as client:
        yield client


def _login_page(client: TestClient) -> tuple[str, str]:
    _, challenge = pkce()
    response = client.get("/authorize", params=auth_params(code_challenge=challenge))
    location = str(response.headers["location"])
    return location, client.get(location).text


def _try(client: TestClient, pin: str, password: str) -> Any:
    page, html = _login_page(client)
    data = {"username": pin, "password": password, "csrf": csrf_of(html)}
    return client.post(f"{page}/login", data=data)


def _events(client: TestClient, pin: str) -> list[tuple[str, str | None]]:
    engine = client.app.state.oauth2_server.engine  # type: ignore[attr-defined]
    return [(e.outcome, e.method) for e in reversed(events_for(engine, pin, AUTHENTICATION))]


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_five_wrong_passwords_lock_even_the_right_one_for_15_minutes(
    fresh: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = [_try(fresh, PIN, "wrong") for _ in range(5)]
    assert [w.status_code for w in wrong] == [401] * 5
    refused = _try(fresh, PIN, PASSWORD)
    assert refused.status_code == 401
    assert _strip(refused.text) == _strip(wrong[0].text)
    _later(monkeypatch, 14 * 60)
    assert _try(fresh, PIN, PASSWORD).status_code == 401
    _later(monkeypatch, 15 * 60 + 1)
    assert _try(fresh, PIN, PASSWORD).status_code == 303
    assert _events(fresh, PIN) == [
        *[("failure", "pwd")] * 5,
        ("lockout", "pwd"),
        ("refused", "pwd"),
        ("refused", "pwd"),
        ("success", "pwd"),
    ]


def _strip(html: str) -> str:
    """The page without what differs between two requests (the interaction's id and CSRF token)."""
    return re.sub(r"/interaction/[\w-]+", "", html.replace(csrf_of(html), ""))


def test_a_right_password_resets_the_count(fresh: TestClient) -> None:
    for _ in range(4):
        _try(fresh, PIN, "wrong")
    assert _try(fresh, PIN, PASSWORD).status_code == 303
    for _ in range(4):
        _try(fresh, PIN, "wrong")
    assert _try(fresh, PIN, PASSWORD).status_code == 303


def test_rate_limits_per_pin_and_per_ip(env: Env, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 3, "login_rate_per_ip": 5, "lockout_threshold": 100}
    with _app(env, url, tmp_path, **limits) as client:
        statuses = [_try(client, PIN, "wrong").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        statuses = [_try(client, "031190999002", "wrong").status_code for _ in range(2)]
        assert statuses == [401, 429]  # the sixth attempt from this address
        assert _events(client, "031190999002")[-1] == ("refused", "pwd")


def test_unknown_pin_and_wrong_password_take_the_same_time(env: Env, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"login_rate_per_account": 1000, "login_rate_per_ip": 1000, "lockout_threshold": 1000}
    with _app(env, url, tmp_path, **limits) as client:
        timings: dict[str, list[float]] = {NO_ACCOUNT: [], PIN: []}
        for _ in range(7):
            for pin in timings:
                page, html = _login_page(client)
                data = {"username": pin, "password": "wrong", "csrf": csrf_of(html)}
                started = time.perf_counter()
                assert client.post(f"{page}/login", data=data).status_code == 401
                timings[pin].append(time.perf_counter() - started)
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
    with _app(env, empty_database, tmp_path) as client:
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
