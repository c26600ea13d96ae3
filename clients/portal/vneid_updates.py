"""Claims the provider told the portal had changed (table ``portal_vneid_update``): a CAEP 1.0
``token-claims-change`` event for a citizen (their permanent residence moved, their identity card
renewed) has already replaced those claims in the citizen's logins (:mod:`clients.rp.signal_reactions`);
the portal also remembers which claims and when, so that its pages mark them "updated from VNeID"."""

import time
from dataclasses import dataclass

from sqlalchemy import Column
from sqlalchemy.types import JSON
from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel

from clients.rp.formats import place
from clients.rp.logins import Login
from clients.rp.signal_reactions import changed_claims
from clients.rp.signals_log import Reactions
from clients.rp.signals_log import ReceivedSignal


class VneidUpdate(SQLModel, table=True):
    """The last change VNeID reported for one citizen: its claims' names and when it came."""

    __tablename__ = "portal_vneid_update"

    sub: str = Field(primary_key=True)
    claims: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    received_at: float = Field(default_factory=time.time)


def remember(db: Session, signal: ReceivedSignal) -> None:
    claims = changed_claims(signal)
    if not claims or not signal.sub:
        return
    update = db.get(VneidUpdate, signal.sub) or VneidUpdate(sub=signal.sub)
    update.claims = sorted({*update.claims, *claims})
    update.received_at = signal.received_at
    db.add(update)


def updated_since_login(db: Session, login: Login | None) -> VneidUpdate | None:
    """What VNeID changed for the signed-in citizen after they logged in (a newer login has it
    anyway)."""
    if login is None:
        return None
    update = db.get(VneidUpdate, login.sub)
    return update if update is not None and update.received_at >= login.created_at else None


@dataclass(frozen=True)
class ShownAddress:
    """The address a page shows: its words, the claim it came from, and the message key of its label."""

    text: str
    claim: str
    label: str


def address_of(login: Login) -> ShownAddress | None:
    """Where the citizen lives, as the portal was told: the permanent residence (thường trú) of the
    ``residence`` claim, else the ``address`` claim; None if the portal was told neither."""
    residence = login.claim("residence")
    if isinstance(residence, dict) and isinstance(residence.get("permanent"), dict):
        return ShownAddress(place(residence["permanent"]), "residence", "portal.home.permanent")
    address = login.claim("address")
    if isinstance(address, dict) and address.get("formatted"):
        return ShownAddress(str(address["formatted"]), "address", "portal.home.address")
    return None


REACTIONS = Reactions(apply=(remember,))
