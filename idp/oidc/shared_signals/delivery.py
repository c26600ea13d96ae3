"""Push delivery of the outbox (RFC 8935): a worker thread in the provider's process that takes due
events, signs their SETs (:mod:`.tokens`) and POSTs each to its stream's receiver.

The request: ``Content-Type: application/secevent+jwt``, ``Accept: application/json``, the stream's
``authorization_header`` as ``Authorization`` when the receiver gave one, the SET as the body. The
answer: 202 (any 2xx) delivers the event; 400 (§2.3: ``err`` and ``description`` in JSON) records it as
failed, never retried, since the same SET would be refused again; anything else (a refusal to connect,
a timeout, a 5xx, another 4xx) is tried again after a backoff that doubles from half a second up to
:attr:`idp.settings.IdPSettings.ssf_retry_cap` seconds, so a receiver that comes back gets its events
within seconds. Events about one subject of a stream go out in the order they were written: one to be
retried holds back the later ones (they are not claimed, and the rest of its stream's batch is given
back), so a receiver never sees an unlock before the lock it undoes. Several replicas may run this
worker on one database: each row is claimed before it is sent
(:func:`idp.state.signal_outbox.claim_due`), so one replica sends it at a time. The worker wakes
when a change commits events (:attr:`.emitter.CitizenSignals.wake`) and otherwise every
:attr:`~idp.settings.IdPSettings.ssf_poll_interval` seconds (retries, and events other replicas wrote).
Storage and HTTP run on this thread, never on the event loop.
"""

import json
import logging
import threading
import time
from typing import TYPE_CHECKING
from typing import Protocol

import httpx

from idp.oidc.shared_signals.event_types import CONTROL_EVENTS
from idp.oidc.shared_signals.event_types import DISABLED_STREAM_EVENTS
from idp.oidc.shared_signals.tokens import security_event_token
from idp.state.signal_outbox import DELIVERED
from idp.state.signal_outbox import FAILED
from idp.state.signal_outbox import OutboxEvent
from idp.state.signal_outbox import claim_due
from idp.state.signal_outbox import mark_delivered
from idp.state.signal_outbox import mark_failed
from idp.state.signal_outbox import release
from idp.state.signal_outbox import retry_later
from idp.state.signal_streams import stream_by_id

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

SET_MEDIA_TYPE = "application/secevent+jwt"
FIRST_RETRY = 0.5
BATCH = 10
RETRY = "retry"
log = logging.getLogger(__name__)


class SetSender(Protocol):
    """Pushes one SET; the receiver's status and body (raises for a connection that failed)."""

    def __call__(self, url: str, token: str, authorization: str | None) -> tuple[int, str]: ...


class HttpSetSender:
    """:class:`SetSender` over httpx with a short timeout; ``transport`` lets embedders route it."""

    def __init__(self, timeout: float, transport: httpx.BaseTransport | None = None) -> None:
        self.timeout = timeout
        self.transport = transport

    def __call__(self, url: str, token: str, authorization: str | None) -> tuple[int, str]:
        headers = {"Content-Type": SET_MEDIA_TYPE, "Accept": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            response = http.post(url, content=token.encode(), headers=headers)
        return response.status_code, response.text[:1000]


def backoff(attempts: int, cap: float) -> float:
    """Seconds before attempt ``attempts + 1``: 0.5, 1, 2, 4, … at most ``cap``."""
    return float(min(cap, FIRST_RETRY * 2 ** max(0, attempts - 1)))


class Delivery:
    """The outbox's delivery for one provider: :meth:`deliver_due` once, or a worker thread between
    :meth:`start` and :meth:`stop`."""

    def __init__(self, server: "AuthorizationServer", sender: SetSender) -> None:
        self.server = server
        self.sender = sender
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one delivery pass at a time in this process

    def deliver_due(self) -> int:
        """Push every due event this worker can claim, until it is stopping; how many were
        delivered."""
        settings = self.server.settings
        # Long enough for every push of a batch, each as long as one can take (connect and read).
        lease = BATCH * 2 * settings.ssf_push_timeout + 5
        delivered = 0
        with self._lock:
            while not self._stopping.is_set():
                token, events = claim_due(
                    self.server.engine,
                    now=time.time(),
                    lease=lease,
                    limit=BATCH,
                    while_paused=CONTROL_EVENTS,
                    while_disabled=DISABLED_STREAM_EVENTS,
                )
                delivered += self._push_batch(events, token)
                if len(events) < BATCH:
                    break
        return delivered

    def _push_batch(self, events: list[OutboxEvent], token: str) -> int:
        """Push a claimed batch in order; a stream whose push is to be retried gets nothing more of
        this batch (its later events must not overtake it), and a stopping worker sends no more."""
        delivered, stopped, unsent = 0, set[str](), list[str]()
        for event in events:
            if self._stopping.is_set() or event.stream_id in stopped:
                unsent.append(event.jti)
                continue
            outcome = self._push(event, token)
            delivered += outcome == DELIVERED
            if outcome == RETRY:
                stopped.add(event.stream_id)
        release(self.server.engine, unsent, token)
        return delivered

    def _push(self, event: OutboxEvent, token: str) -> str:
        """Push one event: :data:`DELIVERED`, :data:`FAILED` (never to be retried) or :data:`RETRY`."""
        engine = self.server.engine
        with engine.connect() as connection:
            stream = stream_by_id(connection, event.stream_id)
        client = self.server.query_client(event.client_id)
        if stream is None or client is None:
            mark_failed(engine, event.jti, token, None, "the stream or its client is gone")
            return FAILED
        try:
            security_event = security_event_token(self.server, client, event)
            status, body = self.sender(
                stream.endpoint_url, security_event, stream.authorization_header
            )
        except Exception as error:  # a receiver that cannot be reached is tried again
            status, body = None, f"{type(error).__name__}: {error}"
        if status is not None and 200 <= status < 300:
            mark_delivered(engine, event.jti, token, status, at=time.time())
            return DELIVERED
        if status == 400:
            mark_failed(engine, event.jti, token, status, _reason(body))
            return FAILED
        attempts = event.attempts + 1
        due = time.time() + backoff(attempts, self.server.settings.ssf_retry_cap)
        retry_later(engine, event.jti, token, status, body, attempts=attempts, at=due)
        return RETRY

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="vneid-ssf-delivery", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self.server.signals.wake.set()
        thread.join(2 * self.server.settings.ssf_push_timeout + 5)

    def _run(self) -> None:
        wake = self.server.signals.wake
        while not self._stopping.is_set():
            try:
                self.deliver_due()
            except Exception:  # the database away for a moment: the next pass tries again
                log.exception("delivering shared signals failed")
            wake.wait(self.server.settings.ssf_poll_interval)
            wake.clear()


def _reason(body: str) -> str:
    """A receiver's 400 as recorded: its ``err`` and ``description`` (RFC 8935 §2.3), or its body."""
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    if isinstance(answer, dict) and "err" in answer:
        return f"{answer.get('err')}: {answer.get('description', '')}".strip()
    return body
