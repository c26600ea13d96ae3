"""Push delivery (RFC 8935) against real receivers, on SQLite and PostgreSQL: a receiver that refuses
connections, then starts, gets the pending event within seconds; a 503 is tried again, a 400 is
recorded and never retried; the same event keeps its ``jti`` across attempts; two providers on one
database (the delivery workers of two replicas) push each event exactly once."""

import base64
import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from idp.oidc.shared_signals.delivery import backoff
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.state.signal_outbox import DELIVERED
from idp.state.signal_outbox import FAILED
from idp.state.signal_outbox import PENDING
from idp.state.signal_outbox import recent_events
from idp.web.app import create_app
from tests.oidc.flows import server_of
from tests.oidc.shared_signals.conftest import PIN
from tests.oidc.shared_signals.conftest import Env
from tests.oidc.shared_signals.conftest import Receiver
from tests.oidc.shared_signals.conftest import Verify
from tests.oidc.shared_signals.conftest import access_token
from tests.oidc.shared_signals.conftest import change
from tests.oidc.shared_signals.conftest import consent
from tests.oidc.shared_signals.conftest import create_stream
from tests.oidc.shared_signals.conftest import event_of
from tests.oidc.shared_signals.conftest import receiver_app
from tests.servers import Served
from tests.servers import free_port

EVENTS = [ACCOUNT_DISABLED, ACCOUNT_ENABLED]


def _wait_status(engine: Engine, status: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = recent_events(engine, limit=5)
        if events and all(event.status == status for event in events):
            return
        time.sleep(0.05)
    raise AssertionError(
        [(e.status, e.attempts, e.last_answer) for e in recent_events(engine, limit=5)]
    )


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff(n, 5.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_a_receiver_that_comes_back_gets_the_event_within_seconds(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    port = free_port()  # nothing listens there yet: connections are refused
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"http://127.0.0.1:{port}/late", EVENTS)
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    deadline = time.monotonic() + 10
    while not (events := recent_events(engine, limit=1)) or events[0].attempts < 2:
        assert time.monotonic() < deadline, events
        time.sleep(0.05)
    (pending,) = recent_events(engine, limit=1)
    assert pending.status == PENDING
    assert pending.last_status is None
    assert "Connect" in (pending.last_answer or "")

    late = Receiver(f"http://127.0.0.1:{port}")
    served = Served(receiver_app(late), port=port)
    try:
        started = time.monotonic()
        (pushed,) = late.wait_for("/late", 1, timeout=5)
        assert time.monotonic() - started < 3  # the retry cap here is one second
        claims = verify_set(pushed, "news")
        assert claims["jti"] == pending.jti
        assert event_of(claims)[0] == ACCOUNT_DISABLED
        _wait_status(engine, DELIVERED)
    finally:
        served.stop()


def test_a_503_is_retried_and_keeps_its_jti(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    env.receiver.answers["/busy"] = 503
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"{env.receiver.url}/busy", EVENTS)
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    tries = env.receiver.wait_for("/busy", 2)
    (pending,) = recent_events(engine, limit=1)
    assert pending.status == PENDING
    assert pending.last_status == 503
    env.receiver.answers["/busy"] = 202
    _wait_status(engine, DELIVERED)
    every = env.receiver.sets("/busy")
    assert len(every) > len(tries) >= 2
    assert len({verify_set(sent, "news")["jti"] for sent in every}) == 1
    assert len(set(every)) == 1  # the same SET, byte for byte


def test_a_400_is_recorded_and_never_retried(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    env.receiver.answers["/refuses"] = 400
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"{env.receiver.url}/refuses", EVENTS)
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    _wait_status(engine, FAILED)
    (failed,) = recent_events(engine, limit=1)
    assert failed.last_status == 400
    assert failed.last_answer == "invalid_key: unknown key"
    time.sleep(1.5)  # longer than the retry cap
    server_of(provider).delivery.deliver_due()
    assert len(env.receiver.sets("/refuses")) == 1


def test_a_paused_stream_holds_its_events_until_enabled(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    token = access_token(provider, env, "news")
    stream = create_stream(provider, token, f"{env.receiver.url}/paused", EVENTS)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"stream_id": stream["stream_id"], "status": "paused"}
    assert provider.post("/ssf/streams/status", json=body, headers=headers).status_code == 200
    env.receiver.wait_for("/paused", 1)  # stream-updated, a control event, goes out anyway
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    server_of(provider).delivery.deliver_due()
    assert len(env.receiver.sets("/paused")) == 1
    body["status"] = "enabled"
    assert provider.post("/ssf/streams/status", json=body, headers=headers).status_code == 200
    kinds = {
        next(iter(json.loads(_payload(sent))["events"]))
        for sent in env.receiver.wait_for("/paused", 3)
    }
    assert ACCOUNT_DISABLED in kinds


def _payload(token: str) -> str:
    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


@pytest.fixture
def second_provider(env: Env, engine: Engine) -> Iterator[TestClient]:
    """Another replica on the same database, its own delivery worker running."""
    with TestClient(create_app(env.settings), follow_redirects=False) as replica:
        yield replica


def test_two_replicas_push_each_event_once(
    provider: TestClient, second_provider: TestClient, env: Env, engine: Engine
) -> None:
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"{env.receiver.url}/replicas", EVENTS)
    consent(engine, "news", "openid profile")
    for step in range(6):
        status = "locked" if step % 2 == 0 else "active"
        assert change(provider, PIN, {"account_status": status}).status_code == 200
        server_of(second_provider).signals.wake.set()  # both workers race for what is due
    pushed = env.receiver.wait_for("/replicas", 6)
    time.sleep(1.0)  # any duplicate would have come by now
    pushed = env.receiver.sets("/replicas")
    assert len(pushed) == 6
    assert len(set(pushed)) == 6
    _wait_status(engine, DELIVERED)
