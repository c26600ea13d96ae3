"""Push delivery (RFC 8935) against real receivers, on SQLite and PostgreSQL: a receiver that refuses
connections, then starts, gets the pending event within seconds; a 503 is tried again, a 400 is
recorded and never retried; the same event keeps its ``jti`` across attempts; a later event about the
citizen never overtakes one that waits for a retry; a disabled stream drops what it owed and is sent
no verification; a stopping worker sends nothing more; two providers on one database (the delivery
workers of two replicas) push each event exactly once."""

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
from idp.oidc.shared_signals.event_types import STREAM_UPDATED
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


def test_a_later_event_never_overtakes_one_waiting_for_a_retry(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    env.receiver.answers["/ordered"] = 503
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"{env.receiver.url}/ordered", EVENTS)
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    assert change(provider, PIN, {"account_status": "active"}).status_code == 200
    env.receiver.wait_for("/ordered", 3)  # the lock, tried again and again
    assert _kinds(env.receiver.sets("/ordered")) == {ACCOUNT_DISABLED}  # never the unlock
    env.receiver.answers["/ordered"] = 202
    _wait_status(engine, DELIVERED)
    order = [_kind(sent) for sent in env.receiver.sets("/ordered")]
    assert order[-2:] == [ACCOUNT_DISABLED, ACCOUNT_ENABLED]  # the receiver ends unlocked
    assert order.count(ACCOUNT_ENABLED) == 1


def test_a_disabled_stream_drops_what_it_owed_and_is_not_verified(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    token = access_token(provider, env, "news")
    stream = create_stream(provider, token, f"{env.receiver.url}/disabled", EVENTS)
    headers = {"Authorization": f"Bearer {token}"}
    paused = {"stream_id": stream["stream_id"], "status": "paused"}
    assert provider.post("/ssf/streams/status", json=paused, headers=headers).status_code == 200
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200  # held
    disabled = {**paused, "status": "disabled"}
    assert provider.post("/ssf/streams/status", json=disabled, headers=headers).status_code == 200
    verify = {"stream_id": stream["stream_id"], "state": "s"}
    assert provider.post("/ssf/streams/verify", json=verify, headers=headers).status_code == 204
    enabled = {**paused, "status": "enabled"}
    assert provider.post("/ssf/streams/status", json=enabled, headers=headers).status_code == 200
    server_of(provider).delivery.deliver_due()
    sent = env.receiver.wait_for("/disabled", 3)
    time.sleep(0.3)  # anything more would have come by now
    sent = env.receiver.sets("/disabled")
    statuses = [json.loads(_payload(token))["events"][STREAM_UPDATED]["status"] for token in sent]
    assert statuses == ["paused", "disabled", "enabled"]  # neither the lock nor a verification


def test_a_stopping_worker_sends_nothing_more(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    delivery = server_of(provider).delivery
    delivery.stop()
    token = access_token(provider, env, "news")
    create_stream(provider, token, f"{env.receiver.url}/stopping", EVENTS)
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    delivery._stopping.set()  # as while stop() waits for a pass to end
    assert delivery.deliver_due() == 0
    assert env.receiver.sets("/stopping") == []
    (pending,) = recent_events(engine, limit=1)
    assert (pending.status, pending.attempts) == (PENDING, 0)
    delivery._stopping.clear()
    assert delivery.deliver_due() == 1  # nothing was left claimed


def _kind(token: str) -> str:
    return str(next(iter(json.loads(_payload(token))["events"])))


def _kinds(tokens: list[str]) -> set[str]:
    return {_kind(token) for token in tokens}


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
