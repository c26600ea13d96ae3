"""eKYC frozen by the identity provider (table ``bank_ekyc_hold``): while a customer's identity account
at VNeID is disabled (OpenID RISC 1.0 ``account-disabled``, pushed by the provider's Shared Signals
stream), the bank takes no account opening by eKYC from that ``sub`` and the customer's account page
says so; ``account-enabled`` lifts it. The reactions run in the transaction that records the event
(:mod:`clients.rp.signals_log`)."""

import time

from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel
from sqlmodel import select

from clients.bank.models import BankAccount
from clients.rp.signal_types import ACCOUNT_DISABLED
from clients.rp.signal_types import ACCOUNT_ENABLED
from clients.rp.signals_log import Reactions
from clients.rp.signals_log import ReceivedSignal


class EkycHold(SQLModel, table=True):
    """One customer whose eKYC is frozen, and why."""

    __tablename__ = "bank_ekyc_hold"

    sub: str = Field(primary_key=True)
    reason: str = ""
    """RISC's ``reason`` when the provider gave one (``hijacking``, ``bulk-account``)."""
    since: float = Field(default_factory=time.time)


def hold_of(db: Session, sub: str | None) -> EkycHold | None:
    return db.get(EkycHold, sub) if sub else None


def freeze_or_lift(db: Session, signal: ReceivedSignal) -> None:
    if not signal.sub:
        return
    if signal.event_type == ACCOUNT_DISABLED and db.get(EkycHold, signal.sub) is None:
        reason = signal.payload.get("reason")
        since = signal.happened_at or signal.received_at
        db.add(
            EkycHold(sub=signal.sub, reason=reason if isinstance(reason, str) else "", since=since)
        )
    elif signal.event_type == ACCOUNT_ENABLED:
        hold = db.get(EkycHold, signal.sub)
        if hold is not None:
            db.delete(hold)


def holder_of(db: Session, sub: str) -> str | None:
    """The name of the bank's customer ``sub``, if they have an account."""
    account = db.exec(select(BankAccount).where(BankAccount.sub == sub)).first()
    return account.holder if account is not None else None


REACTIONS = Reactions(apply=(freeze_or_lift,), names=(holder_of,))
