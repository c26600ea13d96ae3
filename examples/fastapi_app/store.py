"""Server-side state: logins in progress and logged-in sessions, each keyed by a random cookie value.

Nothing secret goes into a cookie: the browser holds only an unguessable key; the state, nonce and
PKCE verifier of a login in progress, and who is logged in, stay in this process's memory.
"""

import secrets
import time
from dataclasses import dataclass
from dataclasses import field

PENDING_SECONDS = 600.0
"""How long a login may stay in progress at the provider."""


@dataclass(frozen=True)
class PendingLogin:
    """One authorization request's secrets, and the level of assurance it asked for."""

    state: str
    nonce: str
    verifier: str
    acr: str
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, acr: str) -> "PendingLogin":
        return cls(
            secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48), acr
        )


@dataclass(frozen=True)
class Citizen:
    """Who logged in: the provider's subject, the name userinfo gave, and how they logged in."""

    sub: str
    name: str | None
    acr: str
    amr: tuple[str, ...]


class Store:
    """Pending logins and sessions in memory (a real deployment would use a shared store)."""

    def __init__(self) -> None:
        self._pending: dict[str, PendingLogin] = {}
        self._sessions: dict[str, Citizen] = {}

    def begin(self, login: PendingLogin) -> str:
        """Keep ``login``; the cookie value that finds it again."""
        self._drop_stale()
        key = secrets.token_urlsafe(32)
        self._pending[key] = login
        return key

    def take(self, key: str | None) -> PendingLogin | None:
        """The login ``key`` names, forgotten at once: a callback is answered once."""
        login = self._pending.pop(key, None) if key else None
        if login is None or time.monotonic() - login.started > PENDING_SECONDS:
            return None
        return login

    def log_in(self, citizen: Citizen) -> str:
        """A new session for ``citizen``; its cookie value."""
        key = secrets.token_urlsafe(32)
        self._sessions[key] = citizen
        return key

    def citizen(self, key: str | None) -> Citizen | None:
        return self._sessions.get(key) if key else None

    def _drop_stale(self) -> None:
        now = time.monotonic()
        for key, login in list(self._pending.items()):
            if now - login.started > PENDING_SECONDS:
                del self._pending[key]
