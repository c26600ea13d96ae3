"""The single sign-on session: one per browser, shared by every client, kept in the state store.

The cookie holds only a random session id (HttpOnly, SameSite=Lax); a new id is issued at every login
(session fixation); a step-up (OTP, passcode, face) adds a factor to the same session and keeps its id.
The session records each authentication factor with its time, so that ``acr``,
``amr`` and ``auth_time`` are derived from what actually happened, and later factors can step it up.
"""

import secrets
import time
from dataclasses import dataclass
from dataclasses import field

from idp.oidc.assurance import DEFAULT_ACR
from idp.oidc.assurance import achieved_acr
from idp.oidc.assurance import amr_of
from idp.state.store import StateStore


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

    def add_factor(self, method: str) -> None:
        """Step-up: one more factor in the same session (same ``sid``)."""
        self.factors.append({"method": method, "at": int(time.time())})


def start_session(pin: str, account_level: int, method: str) -> LoginSession:
    """A fresh session (new id) after the citizen authenticated with ``method``. Consents are not
    the session's: they are remembered per citizen (:mod:`idp.state.consents`)."""
    factor: dict[str, int | str] = {"method": method, "at": int(time.time())}
    return LoginSession(secrets.token_urlsafe(32), pin, account_level, [factor])


def load_session(store: StateStore, sid: str | None) -> LoginSession | None:
    if not sid:
        return None
    data = store.get(f"session:{sid}")
    if data is not None:
        data.pop("consents", None)  # sessions saved before consents moved to the database
    return None if data is None else LoginSession(**data)


def save_session(store: StateStore, session: LoginSession, ttl: int) -> None:
    # The store copies what it keeps (as JSON), so the fields go as they are (asdict deep-copies).
    store.put(f"session:{session.sid}", vars(session), ttl)
