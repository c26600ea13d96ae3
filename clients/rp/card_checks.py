"""The checks of identity cards an app ran at its counter or kiosk (lượt kiểm tra thẻ căn cước gắn chip):
one row per card placed on a reader (table ``rp_card_check``), from the reader session it opened to
the verdict, with what the card said and the files as read (the inspector shows them).

A check's id is random and unguessable, and a check is shown only to the browser that started it (its
ids are kept in that browser's session). A reading is claimed once (``waiting`` to ``reading`` in one
``UPDATE``): a page reloading itself and a "continue" button pressed at the same time never read the
card twice. An accepted check is used once: one queue ticket, one eKYC.
"""

import secrets
import time
from typing import Any

from sqlalchemy import Column
from sqlalchemy import update
from sqlalchemy.types import JSON
from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel

SESSION_KEY = "rp_card_checks"
KEEP = 20
WAITING = "waiting"
READING = "reading"
ACCEPTED = "accepted"
REFUSED = "refused"
FAILED = "failed"
EXPIRED = "expired"
CANCELLED = "cancelled"
ENDED = frozenset({ACCEPTED, REFUSED, FAILED, EXPIRED, CANCELLED})


class CardCheck(SQLModel, table=True):
    """One card placed on the reader, and what the app and the verification service found."""

    __tablename__ = "rp_card_check"

    id: str = Field(primary_key=True, max_length=64)
    purpose: str
    """What the check is for: a key of the inspector's purposes (``chip_checkin``, ...)."""
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    """What the app needs once the card is accepted (a department, an operation)."""
    reader_id: str
    reader_url: str
    status: str = WAITING
    """``waiting``, ``reading``, then ``accepted``, ``refused``, ``failed``, ``expired``, ``cancelled``."""
    reasons: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    """Why the card was refused or the check failed: codes, each with its words in ``chip.reasons``."""
    details: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    """The technical reasons, as the app's checks and the service gave them."""
    error: str = ""
    """A failed check's error code."""
    service_status: str = ""
    face: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    """The service's face match (``score``, ``threshold``, ``matched``), if any."""
    verification_id: str = ""
    holder: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    """What DG13 says of the card's holder (:func:`clients.rp.chip_files.holder_facts`)."""
    files: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    """The files as read (base64): the inspector's portrait comes from DG2."""
    photo: str = ""
    """The camera's photo (base64 JPEG)."""
    started_at: float = Field(default_factory=time.time)
    expires_at: float = 0.0
    finished_at: float = 0.0
    used_at: float = 0.0

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def flow_key(self) -> str:
        """The check's flow in the inspector (the ``state`` a redirect flow has)."""
        return f"card-{self.id}"


def open_check(
    db: Session,
    session: dict[str, Any],
    purpose: str,
    context: dict[str, Any],
    reader: tuple[str, str, int],
) -> CardCheck:
    """A new check on reader ``(reader_id, reader_url, expires_in)``, owned by browser ``session``."""
    reader_id, reader_url, expires_in = reader
    check = CardCheck(
        id=secrets.token_urlsafe(24),
        purpose=purpose,
        context=context,
        reader_id=reader_id,
        reader_url=reader_url,
        expires_at=time.time() + expires_in,
    )
    db.add(check)
    db.commit()
    db.refresh(check)
    owned: list[str] = session.setdefault(SESSION_KEY, [])
    owned.append(check.id)
    del owned[:-KEEP]
    return check


def owned_check(db: Session, session: dict[str, Any], check_id: str) -> CardCheck | None:
    """The check ``check_id`` if this browser started it."""
    if check_id not in session.get(SESSION_KEY, []):
        return None
    return db.get(CardCheck, check_id)


def claim(db: Session, check: CardCheck) -> bool:
    """Whether this request is the one that reads the card (the check was waiting, and now is not)."""
    statement = (
        update(CardCheck)
        .where(CardCheck.id == check.id, CardCheck.status == WAITING)  # type: ignore[arg-type]
        .values(status=READING)
    )
    claimed = db.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    db.commit()
    db.refresh(check)
    return bool(claimed)


def use(db: Session, check: CardCheck) -> bool:
    """Whether this request is the first to use the accepted check (one ticket, one eKYC)."""
    statement = (
        update(CardCheck)
        .where(
            CardCheck.id == check.id,  # type: ignore[arg-type]
            CardCheck.status == ACCEPTED,  # type: ignore[arg-type]
            CardCheck.used_at == 0.0,  # type: ignore[arg-type]
        )
        .values(used_at=time.time())
    )
    used = db.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    db.commit()
    db.refresh(check)
    return bool(used)


def finish(db: Session, check: CardCheck, status: str, **values: Any) -> None:
    """The check ends as ``status`` with ``values``; saved."""
    for name, value in values.items():
        setattr(check, name, value)
    check.status = status
    check.finished_at = time.time()
    db.add(check)
    db.commit()
    db.refresh(check)
