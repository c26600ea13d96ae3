"""Which Shared Signals events a change of a citizen produces, written to the outbox inside the change's
transaction (:mod:`idp.state.signal_outbox`).

A stream hears about the citizens who share with its client (a remembered consent,
:mod:`idp.state.consents`) and whom its receiver has not removed; each SET names the citizen by the
``sub`` that client knows (public or pairwise, as in its ID tokens). The mapping (docs/shared-signals.md):

- the account usable before the change (``active``, the citizen alive) and not after (locked by the
  police, or a death recorded): RISC ``account-disabled`` (no ``reason``: none of RISC's fits a police
  lock or a death); the other way round (unlocked, or a death cancelled that gives the account back
  active): RISC ``account-enabled``;
- a changed permanent address, or a new identity card (renewed, or the previous one restored): CAEP
  ``token-claims-change`` with the changed claims the client would receive in userinfo now: only
  those of scopes its consent covers, each at the level of the consent that granted that scope
  (``address`` and ``residence`` for a move, ``eid_card`` for a card); no event when it covers none;
- consent withdrawn: CAEP ``session-revoked``, ``initiating_entity`` ``user``.

The events come from comparing the citizen's record before the change and after it, read back in the
change's transaction (:func:`idp.citizen.changes.change_citizen`), so that a change's side effects count
(a death locks the account; cancelling it restores the account as it was). The claims are computed
then too, from what the change just wrote: the receiver gets the values of that change, even if a
later one changes them again before delivery. After the commit (:meth:`CitizenSignals.committed`) the
delivery worker is woken, and a death also revokes the citizen's grants at every client and logs them
out of each session those clients knew (:mod:`idp.oidc.grant_logout`, Back-Channel Logout 1.0).
"""

import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import select

from idp.oidc.accounts import record_in
from idp.oidc.accounts import subject_for
from idp.oidc.claims import ClaimsContext
from idp.oidc.claims import Recipient
from idp.oidc.claims import record_parts
from idp.oidc.claims import releasable_scopes
from idp.oidc.claims import release
from idp.oidc.clients import Client
from idp.oidc.grant_logout import log_out
from idp.oidc.grant_logout import revoke_grants
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.oidc.shared_signals.event_types import SESSION_REVOKED
from idp.oidc.shared_signals.event_types import TOKEN_CLAIMS_CHANGE
from idp.state.consents import CONSENTS
from idp.state.signal_outbox import Event
from idp.state.signal_outbox import add_events
from idp.state.signal_streams import Stream
from idp.state.signal_streams import removed_subjects
from idp.state.signal_streams import streams_of_clients

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

Values = dict[str, Any]
ACTIVE = "active"
CHANGED_CLAIMS: dict[str, dict[str, tuple[str, ...]]] = {
    "address": {"address": ("address",), "residence": ("residence",)},
    "card": {"eid_card": ("eid_card",)},
}
"""A changed field of :mod:`idp.citizen.changes` → the scopes whose claims it changes → those claims."""


@dataclass(frozen=True)
class _Listener:
    """A stream that hears about the citizen: its client, the citizen's ``sub`` there, and the scopes
    the citizen's consent to the client covers, each with the ``acr`` of the login that granted it."""

    stream: Stream
    client: Client
    sub: str
    scopes: dict[str, str | None]


class CitizenSignals:
    """The events of citizens' changes and withdrawals, for one provider; :meth:`written` and
    :meth:`committed` make it a :class:`idp.citizen.changes.ChangeListener`."""

    def __init__(self, server: "AuthorizationServer") -> None:
        self.server = server
        self.wake = threading.Event()
        """Set after a commit that wrote events: the delivery worker waits on it."""

    def written(self, connection: Connection, pin: str, before: Values, after: Values) -> None:
        """Put the events of the change from ``before`` to ``after`` in the outbox, in
        ``connection``'s transaction."""
        kinds = _event_kinds(before, after)
        if not kinds:
            return
        now, txn = self.server.clock.now(), uuid.uuid4().hex
        events: list[Event] = []
        for listener in self._listeners(connection, pin):
            requested = set(listener.stream.events_requested)
            for kind, fields in kinds.items():
                if kind not in requested:
                    continue
                payload: Values = {"event_timestamp": int(now)}
                if kind == TOKEN_CLAIMS_CHANGE:
                    claims = self._changed_claims(connection, pin, listener, fields)
                    if not claims:
                        continue
                    payload["claims"] = claims
                events.append(self._event(listener, pin, kind, payload, txn))
        add_events(connection, events, at=now, due=time.time())

    def committed(self, pin: str, before: Values, after: Values) -> None:
        """After the change's commit: wake the delivery worker; a death recorded revokes the
        citizen's grants and logs them out of the clients that held them."""
        self.wake.set()
        if before.get("deceased_on") is None and after.get("deceased_on") is not None:
            log_out(self.server, revoke_grants(self.server, pin))

    def withdrawn(self, connection: Connection, pin: str, client_id: str) -> None:
        """The citizen withdrew their consent to ``client_id`` (in the withdrawal's transaction):
        its stream, if it hears about them, gets ``session-revoked``."""
        client = self.server.query_client(client_id)
        streams = streams_of_clients(connection, [client_id])
        if client is None or not streams:
            return
        stream = streams[0]
        sub = self._sub(pin, client)
        if SESSION_REVOKED not in stream.events_requested or sub in removed_subjects(
            connection, stream.stream_id
        ):
            return
        now = self.server.clock.now()
        listener = _Listener(stream, client, sub, {})
        payload = {"event_timestamp": int(now), "initiating_entity": "user"}
        event = self._event(listener, pin, SESSION_REVOKED, payload, uuid.uuid4().hex)
        add_events(connection, [event], at=now, due=time.time())

    def _event(self, listener: _Listener, pin: str, kind: str, payload: Values, txn: str) -> Event:
        stream, issuer = listener.stream, self.server.settings.issuer
        subject = {"format": "iss_sub", "iss": issuer, "sub": listener.sub}
        return Event(stream.stream_id, listener.client.client_id, pin, kind, subject, payload, txn)

    def _sub(self, pin: str, client: Client) -> str:
        return subject_for(
            pin, self.server.settings.subject_secret.get_secret_value(), client.sector
        )

    def _listeners(self, connection: Connection, pin: str) -> list[_Listener]:
        # Each consented scope keeps the acr of the login that granted it: a later login at a lower
        # level that remembers other scopes leaves it as it was (:func:`idp.state.consents.remember`).
        consented: dict[str, dict[str, str | None]] = {}
        query = select(CONSENTS).where(CONSENTS.c.pin == pin)
        for row in connection.execute(query):
            consented.setdefault(row.client_id, {})[row.scope] = row.acr
        listeners = []
        for stream in streams_of_clients(connection, sorted(consented)):
            client = self.server.query_client(stream.client_id)
            if client is None:
                continue
            sub = self._sub(pin, client)
            if sub in removed_subjects(connection, stream.stream_id):
                continue
            listeners.append(_Listener(stream, client, sub, consented[stream.client_id]))
        return listeners

    def _changed_claims(
        self, connection: Connection, pin: str, listener: _Listener, fields: list[str]
    ) -> Values:
        """The claims ``fields`` changed, as the listener's client receives them now."""
        by_scope: dict[str, tuple[str, ...]] = {}
        for field in fields:
            by_scope |= CHANGED_CLAIMS[field]
        scopes = sorted(scope for scope in listener.scopes if scope in by_scope)
        record = record_in(connection, pin, record_parts(scopes)) if scopes else None
        if record is None or record.account is None:
            return {}
        level = record.account.level
        context = ClaimsContext(
            self.server.settings.issuer, self.server.settings.subject_secret.get_secret_value()
        )
        claims: Values = {}
        for scope in scopes:  # each judged at the level of its own consent
            acr = listener.scopes[scope]
            if not releasable_scopes([scope], level, acr):
                continue
            released = release(record, context, Recipient(listener.sub, level, acr), [scope])
            claims |= {name: released[name] for name in by_scope[scope] if name in released}
        return claims


def _usable(record: Values) -> bool:
    """Whether the citizen's VNeID account can be used: active, and the citizen alive."""
    return record.get("account_status") == ACTIVE and record.get("deceased_on") is None


def _event_kinds(before: Values, after: Values) -> dict[str, list[str]]:
    """The event types the change from ``before`` to ``after`` produces, each with the changed
    fields behind it."""
    kinds: dict[str, list[str]] = {}
    if _usable(before) and not _usable(after):
        kinds[ACCOUNT_DISABLED] = ["account_status"]
    elif _usable(after) and not _usable(before):
        kinds[ACCOUNT_ENABLED] = ["account_status"]
    if after["address"] != before["address"]:
        kinds.setdefault(TOKEN_CLAIMS_CHANGE, []).append("address")
    card = after["card"]
    if card != before["card"] and card is not None and card.get("revoked") is None:
        kinds.setdefault(TOKEN_CLAIMS_CHANGE, []).append("card")
    return kinds
