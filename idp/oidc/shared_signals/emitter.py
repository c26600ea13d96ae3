"""Which Shared Signals events a change of a citizen produces, written to the outbox inside the change's
transaction (:mod:`idp.state.signal_outbox`).

A stream hears about the citizens who share with its client (a remembered consent,
:mod:`idp.state.consents`) and whom its receiver has not removed; each SET names the citizen by the
``sub`` that client knows (public or pairwise, as in its ID tokens). The mapping (docs/shared-signals.md):

- ``account_status`` to ``locked``, or a death recorded (``deceased_on`` set): RISC
  ``account-disabled`` (no ``reason``: none of RISC's fits a police lock or a death); back to
  ``active`` (or a death record removed, the account active): RISC ``account-enabled``;
- a new permanent address, or a new identity card (renewed, or the previous one restored): CAEP
  ``token-claims-change`` with the changed claims the client would receive in userinfo now: only
  those of scopes its consent covers and the consent's level allows (``address`` and ``residence``
  for a move, ``eid_card`` for a card); no event when it covers none;
- consent withdrawn: CAEP ``session-revoked``, ``initiating_entity`` ``user``.

The claims are computed when the change is written, in its transaction, from what it just wrote: the
receiver gets the values of that change, even if a later one changes them again before delivery.
After the commit (:meth:`CitizenSignals.committed`) the delivery worker is woken, and a death also logs
the citizen out of every client holding a grant for them (Back-Channel Logout 1.0, once).
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
from idp.oidc.backchannel import notify_client
from idp.oidc.claims import ClaimsContext
from idp.oidc.claims import Recipient
from idp.oidc.claims import record_parts
from idp.oidc.claims import releasable_scopes
from idp.oidc.claims import release
from idp.oidc.clients import Client
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.oidc.shared_signals.event_types import SESSION_REVOKED
from idp.oidc.shared_signals.event_types import TOKEN_CLAIMS_CHANGE
from idp.state.consents import CONSENTS
from idp.state.grant_index import GRANTS
from idp.state.signal_outbox import Event
from idp.state.signal_outbox import add_events
from idp.state.signal_streams import Stream
from idp.state.signal_streams import removed_subjects
from idp.state.signal_streams import streams_of_clients

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

Values = dict[str, Any]
LOCKED, ACTIVE = "locked", "active"
CHANGED_CLAIMS: dict[str, dict[str, tuple[str, ...]]] = {
    "address": {"address": ("address",), "residence": ("residence",)},
    "card": {"eid_card": ("eid_card",)},
}
"""A changed field of :mod:`idp.citizen.changes` → the scopes whose claims it changes → those claims."""


@dataclass(frozen=True)
class _Listener:
    """A stream that hears about the citizen: its client, the citizen's ``sub`` there, and what the
    citizen's consent to the client covers."""

    stream: Stream
    client: Client
    sub: str
    scopes: list[str]
    acr: str | None


class CitizenSignals:
    """The events of citizens' changes and withdrawals, for one provider; :meth:`written` and
    :meth:`committed` make it a :class:`idp.citizen.changes.ChangeListener`."""

    def __init__(self, server: "AuthorizationServer") -> None:
        self.server = server
        self.wake = threading.Event()
        """Set after a commit that wrote events: the delivery worker waits on it."""

    def written(self, connection: Connection, pin: str, before: Values, changes: Values) -> None:
        """Put the events of ``changes`` (``before`` them) in the outbox, in ``connection``'s
        transaction."""
        kinds = _event_kinds(before, changes)
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

    def committed(self, pin: str, before: Values, changes: Values) -> None:
        """After the change's commit: wake the delivery worker; a death recorded logs the citizen out
        of the clients that hold a grant for them."""
        self.wake.set()
        if before.get("deceased_on") is None and changes.get("deceased_on"):
            self._logout_everywhere(pin)

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
        listener = _Listener(stream, client, sub, [], None)
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
        consented: dict[str, tuple[list[str], str | None, float]] = {}
        query = select(CONSENTS).where(CONSENTS.c.pin == pin)
        for row in connection.execute(query):
            scopes, acr, at = consented.get(row.client_id, ([], None, 0.0))
            latest = row.granted_at >= at
            consented[row.client_id] = (
                [*scopes, row.scope],
                row.acr if latest else acr,
                max(at, row.granted_at),
            )
        listeners = []
        for stream in streams_of_clients(connection, sorted(consented)):
            client = self.server.query_client(stream.client_id)
            if client is None:
                continue
            sub = self._sub(pin, client)
            if sub in removed_subjects(connection, stream.stream_id):
                continue
            scopes, acr, _ = consented[stream.client_id]
            listeners.append(_Listener(stream, client, sub, sorted(scopes), acr))
        return listeners

    def _changed_claims(
        self, connection: Connection, pin: str, listener: _Listener, fields: list[str]
    ) -> Values:
        """The claims ``fields`` changed, as the listener's client receives them now."""
        by_scope: dict[str, tuple[str, ...]] = {}
        for field in fields:
            by_scope |= CHANGED_CLAIMS[field]
        scopes = [scope for scope in listener.scopes if scope in by_scope]
        record = record_in(connection, pin, record_parts(scopes)) if scopes else None
        if record is None or record.account is None:
            return {}
        level = record.account.level
        allowed = releasable_scopes(scopes, level, listener.acr)
        if not allowed:
            return {}
        context = ClaimsContext(
            self.server.settings.issuer, self.server.settings.subject_secret.get_secret_value()
        )
        released = release(record, context, Recipient(listener.sub, level, listener.acr), allowed)
        names = {name for scope in allowed for name in by_scope[scope]}
        return {name: value for name, value in released.items() if name in names}

    def _logout_everywhere(self, pin: str) -> None:
        with self.server.engine.connect() as connection:
            query = select(GRANTS.c.client_id, GRANTS.c.sub).where(GRANTS.c.pin == pin)
            holders = {(row.client_id, row.sub) for row in connection.execute(query)}
        for client_id, sub in dict(sorted(holders)).items():
            client = self.server.query_client(client_id)
            if client is not None:
                notify_client(self.server, client, sub, [None])


def _event_kinds(before: Values, changes: Values) -> dict[str, list[str]]:
    """The event types ``changes`` produce, each with the fields behind it."""
    kinds: dict[str, list[str]] = {}
    after = {**before, **changes}
    deceased = after.get("deceased_on") is not None
    if "account_status" in changes and changes["account_status"] != before["account_status"]:
        if changes["account_status"] == LOCKED:
            kinds[ACCOUNT_DISABLED] = ["account_status"]
        elif not deceased:
            kinds[ACCOUNT_ENABLED] = ["account_status"]
    if "deceased_on" in changes and (before["deceased_on"] is None) != (not deceased):
        if deceased:
            kinds.setdefault(ACCOUNT_DISABLED, []).append("deceased_on")
        elif after.get("account_status") == ACTIVE:
            kinds.setdefault(ACCOUNT_ENABLED, []).append("deceased_on")
    if "address" in changes and changes["address"] != before["address"]:
        kinds.setdefault(TOKEN_CLAIMS_CHANGE, []).append("address")
    card = changes.get("card")
    if card is not None and not (isinstance(card, dict) and card.get("action") == "revoke"):
        kinds.setdefault(TOKEN_CLAIMS_CHANGE, []).append("card")
    return kinds
