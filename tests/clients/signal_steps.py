"""Steps the identity-event tests share: waiting for an app's stream and its events (as its inspector
reports them), a SET signed with the provider's own key as the provider would sign it, and pushing a
SET to an app the way RFC 8935 does."""

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from clients.rp.security_events import SET_TYPE
from tests.clients.conftest import Stack

WAIT = 20.0


def inspector_of(stack: Stack, app: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{stack.urls[app]}/inspector.json", timeout=10).json()
    return answer


def wait_for(what: str, found: Callable[[], Any], seconds: float = WAIT) -> Any:
    """``found()`` once it is truthy; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


def stream_of(stack: Stack, app: str) -> dict[str, Any]:
    """The app's stream once registered (its inspector's record)."""

    def registered() -> dict[str, Any] | None:
        stream: dict[str, Any] = inspector_of(stack, app)["stream"]
        return stream if stream["status"] == "registered" else None

    try:
        found: dict[str, Any] = wait_for(f"{app}'s stream", registered)
    except AssertionError as failed:
        raise AssertionError(f"{failed}: {inspector_of(stack, app)['stream']}") from None
    return found


def events_of(stack: Stack, app: str, short_type: str, sub: str) -> list[dict[str, Any]]:
    """The events of type ``.../<short_type>`` about ``sub`` the app received, newest first."""
    return [
        event
        for event in inspector_of(stack, app)["events"]
        if event["event_type"].endswith(f"/{short_type}") and event["sub"] == sub
    ]


def wait_for_event(stack: Stack, app: str, short_type: str, sub: str, after: int = 0) -> Any:
    """The newest such event once the app has more than ``after`` of them."""

    def arrived() -> dict[str, Any] | None:
        events = events_of(stack, app, short_type, sub)
        return events[0] if len(events) > after else None

    try:
        return wait_for(f"{short_type} for {sub} at {app}", arrived)
    except AssertionError as failed:
        raise AssertionError(f"{failed}; the provider's outbox: {outbox(stack, app)}") from None


def outbox(stack: Stack, app: str) -> list[tuple[Any, ...]]:
    """The provider's last events for ``app`` (type, status, attempts, last answer)."""
    with sqlite3.connect(stack.database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute(
            "SELECT event_type, status, attempts, last_status, last_answer FROM ssf_outbox"
            " WHERE client_id = ? ORDER BY created_at DESC LIMIT 5",
            (app,),
        )
        return list(rows)


def provider_key(stack: Stack) -> RSAKey:
    document = json.loads((stack.idp_keys / "signing.jwks.json").read_text())
    key = next(k for k in KeySet.import_key_set(document).keys if isinstance(k, RSAKey))
    assert isinstance(key, RSAKey)
    return key


def security_event(
    stack: Stack,
    event_type: str,
    payload: dict[str, Any],
    sub: str,
    audience: str,
    key: RSAKey | None = None,
    header: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    """A SET as the provider signs one (RFC 8417; SSF 1.0 §4), with ``claims`` changed (None: left
    out)."""
    key = key or provider_key(stack)
    body: dict[str, Any] = {
        "iss": stack.idp,
        "aud": audience,
        "iat": int(time.time()),
        "jti": uuid.uuid4().hex,
        "txn": uuid.uuid4().hex,
        "sub_id": {"format": "iss_sub", "iss": stack.idp, "sub": sub},
        "events": {event_type: {"event_timestamp": int(time.time()), **payload}},
    }
    for name, value in claims.items():  # None: without that claim
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    head = {"alg": "RS256", "typ": SET_TYPE, "kid": key.kid, **(header or {})}
    return jwt.encode(head, body, key, algorithms=["RS256"])


def push(stack: Stack, app: str, token: str, authorization: str | None = None) -> httpx.Response:
    """POST ``token`` to the app's receiver with the stream's Authorization (or ``authorization``)."""
    stream_of(stack, app)
    secret = stack.apps[app].state.signals.authorization
    headers = {
        "Content-Type": "application/secevent+jwt",
        "Accept": "application/json",
        "Authorization": secret if authorization is None else authorization,
    }
    return httpx.post(f"{stack.urls[app]}/signals", content=token, headers=headers, timeout=10)
