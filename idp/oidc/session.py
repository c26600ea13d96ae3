"""The single sign-on session (phiên đăng nhập một lần): one per browser, shared by every client, kept in
the state store by :class:`SessionStore`, which owns its keys.

The cookie holds only a random session id (HttpOnly, SameSite=Lax); a new id is issued at every password
login (session fixation); a step-up (OTP, passcode, face) adds a factor to the same session and keeps its
id. The session records each authentication factor with its time, so that ``acr``, ``amr`` and
``auth_time`` are derived from what actually happened, and later factors can step it up. Beside each
session the store keeps the clients that got tokens in it, with the ``sub`` (and ``sid``) each knows, the
recipients of Back-Channel Logout 1.0 when it ends (:mod:`idp.oidc.backchannel`).
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from idp.oidc.assurance import DEFAULT_ACR
from idp.oidc.assurance import achieved_acr
from idp.oidc.assurance import amr_of
from idp.state.store import StateStore

SESSION = "session:"
CLIENTS = "session-clients:"


@dataclass(frozen=True)
class Factor:
    """One authentication factor (``pwd``, ``otp``, ``pin``, ``face``, …) and when it was passed."""

    method: str
    at: int


@dataclass
class LoginSession:
    sid: str
    pin: str
    account_level: int
    factors: list[dict[str, int | str]] = field(default_factory=list)

    @property
    def auth_time(self) -> int:
        return max(int(f["at"]) for f in self.factors)

    @property
    def methods(self) -> set[str]:
        return {str(f["method"]) for f in self.factors}

    @property
    def acr(self) -> str:
        """The strongest level the recorded factors reach (never more than the account allows)."""
        return achieved_acr(self.methods, self.account_level) or DEFAULT_ACR

    @property
    def amr(self) -> list[str]:
        return amr_of(self.methods, self.acr)

    def add_factor(self, method: str, at: int) -> None:
        """Step-up: one more factor, passed ``at``, in the same session (same ``sid``)."""
        self.factors.append({"method": method, "at": at})


def start_session(pin: str, account_level: int, factors: Iterable[Factor]) -> LoginSession:
    """A fresh session (new id) after the citizen authenticated with ``factors``. Consents are not
    the session's: they are remembered per citizen (:mod:`idp.state.consents`)."""
    recorded: list[dict[str, int | str]] = [{"method": f.method, "at": f.at} for f in factors]
    return LoginSession(secrets.token_urlsafe(32), pin, account_level, recorded)


class SessionStore:
    """Sessions and the clients of each, in the state store, living ``ttl`` seconds."""

    def __init__(self, store: StateStore, ttl: int) -> None:
        self.store = store
        self.ttl = ttl

    def load(self, sid: str | None) -> LoginSession | None:
        if not sid:
            return None
        data = self.store.get(SESSION + sid)
        if data is None:
            return None
        data.pop("consents", None)  # sessions saved before consents moved to the database
        return LoginSession(**data)

    def save(self, session: LoginSession) -> None:
        # The store copies what it keeps (as JSON), so the fields go as they are (asdict deep-copies).
        self.store.put(SESSION + session.sid, vars(session), self.ttl)

    def delete(self, sid: str) -> None:
        self.store.delete(SESSION + sid)

    def remember_client(self, sid: str, client_id: str, sub: str) -> None:
        """Note that ``client_id`` got tokens in session ``sid``; atomically, so that two clients'
        token requests at once (in two provider processes) both stay on the list."""
        key = CLIENTS + sid
        if (self.store.get(key) or {}).get(client_id) != sub:  # a refresh writes nothing
            self.store.update(key, lambda clients: {**(clients or {}), client_id: sub}, self.ttl)

    def hand_over_clients(self, previous_sid: str, sid: str) -> None:
        """Move the clients of session ``previous_sid`` to session ``sid`` (the same citizen logged in
        again); each keeps the ``sid`` of its ID tokens, which its logout token must name."""
        previous = self.store.take(CLIENTS + previous_sid)
        if not previous:
            return
        handed = {
            client_id: client_entry(value, previous_sid) for client_id, value in previous.items()
        }
        self.store.update(CLIENTS + sid, lambda clients: {**handed, **(clients or {})}, self.ttl)

    def take_clients(self, sid: str) -> dict[str, dict[str, str]]:
        """The clients of session ``sid``, each with its ``sub`` and ``sid``, forgotten at once."""
        clients = self.store.take(CLIENTS + sid) or {}
        return {client_id: client_entry(value, sid) for client_id, value in clients.items()}


def client_entry(value: Any, sid: str) -> dict[str, str]:
    """A client's ``sub`` and ``sid`` in a session's list: the ``sub`` alone means the list's ``sid``."""
    return dict(value) if isinstance(value, dict) else {"sub": str(value), "sid": sid}
