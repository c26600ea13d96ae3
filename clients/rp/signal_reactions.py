"""What every app does about an identity event, in the transaction that records it
(:mod:`clients.rp.signals_log`):

- a session revoked (CAEP 1.0 §3.1 ``session-revoked``: the citizen withdrew their consent to this app)
  ends every local login of that ``sub``, as a back-channel logout naming the ``sub`` does;
- changed claims (CAEP 1.0 §3.2 ``token-claims-change``) replace those claims in the data of every
  local login of that ``sub``, so that the app's pages show them as they are now.

The apps add their own reactions (the bank freezes eKYC, the portal marks an address as updated)."""

from typing import Any

from sqlalchemy import delete
from sqlmodel import Session
from sqlmodel import select

from clients.rp.logins import Login
from clients.rp.signal_types import CLAIMS_CHANGE
from clients.rp.signal_types import SESSION_REVOKED
from clients.rp.signals_log import Reaction
from clients.rp.signals_log import ReceivedSignal


def end_logins(db: Session, signal: ReceivedSignal) -> None:
    if signal.event_type == SESSION_REVOKED and signal.sub:
        db.execute(delete(Login).where(Login.sub == signal.sub))  # type: ignore[arg-type]


def refresh_claims(db: Session, signal: ReceivedSignal) -> None:
    claims = changed_claims(signal)
    if not claims or not signal.sub:
        return
    for login in db.exec(select(Login).where(Login.sub == signal.sub)).all():
        login.userinfo = {**login.userinfo, **claims}  # a new dict: the JSON column sees the change
        db.add(login)


def changed_claims(signal: ReceivedSignal) -> dict[str, Any]:
    """The claims a ``token-claims-change`` event carries (empty for any other event)."""
    if signal.event_type != CLAIMS_CHANGE:
        return {}
    claims = signal.payload.get("claims")
    return dict(claims) if isinstance(claims, dict) else {}


SHARED_REACTIONS: tuple[Reaction, ...] = (end_logins, refresh_claims)
