"""The sandbox's control of one provider (điều khiển sandbox): its clock, the queued scenarios, the
requests it received, changes to citizens and to its keys, the Shared Signals outbox, and resetting
all of it.

Built by the web layer when the sandbox API is on (:attr:`idp.settings.IdPSettings.sandbox_api`) and
given to the protocol core as its :class:`idp.oidc.injection.Injections`. Every change a test makes is
undone by :meth:`Sandbox.reset`: the clock runs on the system's time again, queued scenarios and
recorded requests are dropped, changed citizens get their values back (through
:func:`idp.citizen.changes.change_citizen`, newest change first; a citizen who no longer exists is
passed over), then births and deaths registered through the population service are undone (the
deaths cancelled, newest first, the children removed), and the keys are the keys the provider
started with. ``everything`` also forgets what the provider has learnt since it started, for a test
that wants a provider of its own: the state store (sessions, interactions, codes, tokens), consents,
the grant index, the audit trail, the lockout counters, the SMS inbox, registered clients, and the
Shared Signals streams and outbox.
"""

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from sqlalchemy import Table
from sqlalchemy import delete

from idp.citizen.changes import NoSuchCitizenError
from idp.citizen.changes import Values
from idp.citizen.changes import change_citizen
from idp.login.lockout import COUNTER
from idp.login.sms_inbox import SMS
from idp.oidc.keys import KeyRing
from idp.oidc.keys import new_keys
from idp.oidc.registered_clients import CLIENTS
from idp.oidc.server import AuthorizationServer
from idp.population_db.registrations import forget_registrations
from idp.population_db.registrations import registered_births
from idp.population_db.registrations import registered_deaths
from idp.population_db.registrations import remove_citizen
from idp.sandbox.broken_tokens import break_id_token
from idp.sandbox.catalogue import AUTHORIZATION
from idp.sandbox.catalogue import ID_TOKEN
from idp.sandbox.recorder import Recorder
from idp.sandbox.scenarios import Scenarios
from idp.state.audit import AUDIT
from idp.state.consents import CONSENTS
from idp.state.device_keys import DEVICE_KEYS
from idp.state.grant_index import GRANTS
from idp.state.phone_requests import PHONE_REQUESTS
from idp.state.signal_outbox import OUTBOX
from idp.state.signal_outbox import OutboxEvent
from idp.state.signal_outbox import due_now
from idp.state.signal_outbox import recent_events
from idp.state.signal_streams import REMOVED
from idp.state.signal_streams import STREAMS

LEARNT_TABLES: tuple[Table, ...] = (
    AUDIT,
    CONSENTS,
    GRANTS,
    COUNTER,
    SMS,
    CLIENTS,
    DEVICE_KEYS,
    PHONE_REQUESTS,
    OUTBOX,
    REMOVED,
    STREAMS,
)
"""What the provider writes as it runs, beside the population: emptied by a reset of everything."""
KeysChanged = Callable[[KeyRing], None]


class Sandbox:
    """The sandbox of one provider; implements :class:`idp.oidc.injection.Injections`."""

    def __init__(self, server: AuthorizationServer, keys_changed: KeysChanged) -> None:
        self.server = server
        self.clock = server.clock
        self.scenarios = Scenarios()
        self.recorder = Recorder()
        self._keys_changed = keys_changed
        self._first_keys = list(server.keys.keys)
        self._undo: list[tuple[str, Values]] = []
        self._lock = threading.Lock()

    def authorization_error(self, client_id: str, pin: str | None) -> str | None:
        taken = self.scenarios.take(AUTHORIZATION, client_id, pin)
        return taken.name if taken else None

    def id_token(self, signed: str, client_id: str, pin: str) -> str | None:
        taken = self.scenarios.take(ID_TOKEN, client_id, pin)
        if taken is None:
            return None
        return break_id_token(taken.name, signed, self.server.keys, int(self.clock.now()))

    def change_citizen(self, pin: str, changes: Values) -> None:
        """Change the citizen on the population's today (a renewed card is issued, a revoked one
        revoked, that day), telling the relying parties, and remembering how to undo it."""
        before = change_citizen(
            self.server.engine,
            pin,
            changes,
            today=self.clock.population_day(),
            listener=self.server.signals,
        )
        with self._lock:
            self._undo.append((pin, before))

    def events(
        self, pin: str | None, client_id: str | None, status: str | None, limit: int
    ) -> list[OutboxEvent]:
        """The Shared Signals outbox's latest events, newest first."""
        return recent_events(
            self.server.engine, limit=limit, pin=pin, client_id=client_id, status=status
        )

    def deliver_events(self) -> int:
        """Push every pending event now, without waiting for its next attempt; how many were
        delivered."""
        due_now(self.server.engine)
        return self.server.delivery.deliver_due()

    def rotate_keys(self) -> list[str]:
        """New signing keys, first; the old ones stay published. The new keys' ids."""
        created = new_keys()
        self._set_keys([*created, *self.server.keys.keys])
        return [str(key.kid) for key in created]

    def reset(self, everything: bool = False) -> None:
        """Undo what tests changed; ``everything``: forget what the provider learnt too."""
        self.clock.reset()
        self.scenarios.clear()
        self.recorder.clear()
        with self._lock:
            undo, self._undo = self._undo, []
        # The sandbox's own changes first, newest first, then the registrations: a change made to a
        # registered child is undone before the child is removed, and an unlock after a registered
        # death before the death is cancelled.
        for pin, before in reversed(undo):
            self._undo_change(pin, before)
        self._undo_registrations()
        if self.server.keys.keys != self._first_keys:
            self._set_keys(self._first_keys)
        if everything:
            self._forget()

    def _undo_registrations(self) -> None:
        """Births and deaths registered through the population service are writes of a test too:
        each death is cancelled (newest first), each registered child removed, and the
        registrations forgotten."""
        engine = self.server.engine
        with engine.connect() as connection:
            deaths = registered_deaths(connection)
        for pin, before in reversed(deaths):
            if before:  # a claim of the first shape whose change never happened has no undo
                self._undo_change(pin, before)
        with engine.begin() as connection:
            for pin in registered_births(connection):
                remove_citizen(connection, pin)
            forget_registrations(connection)

    def _undo_change(self, pin: str, before: Values) -> None:
        """Give the citizen ``pin`` back the values ``before``; nothing for a citizen who no longer
        exists (a registered child removed by an earlier reset, say)."""
        with suppress(NoSuchCitizenError):
            change_citizen(
                self.server.engine,
                pin,
                before,
                today=self.clock.population_day(),
                listener=self.server.signals,
            )

    def _set_keys(self, keys: list[Any]) -> None:
        self.server.keys.replace(keys)
        self._keys_changed(self.server.keys)

    def _forget(self) -> None:
        self.server.store.clear()
        with self.server.engine.begin() as connection:
            for table in LEARNT_TABLES:
                connection.execute(delete(table))
        self.server.registered_clients.forget()
