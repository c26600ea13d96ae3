"""Checking a patient in, as the check-in page and the kiosk both do: the queue ticket made from what
VNeID shared (the patient's name and BHYT card, from the ``profile`` and ``health_insurance`` scopes;
no card: a self-paying visit), or from an accepted chip identity card (the name DG13 holds; the chip
carries no BHYT card, so a self-paying visit), and its number in the department's queue."""

from typing import Any

from sqlmodel import Session
from sqlmodel import select

from clients.hospital.models import CheckIn
from clients.rp.logins import Login


def check_in(db: Session, login: Login, department: str) -> CheckIn:
    """The ticket of ``login``'s patient at ``department``, saved."""
    card: dict[str, Any] = login.claim("health_insurance") or {}
    ticket = CheckIn(
        sub=login.sub,
        patient=str(login.claim("name") or ""),
        card_number=str(card.get("card_number", "")),
        registered_facility=str(card.get("registered_facility", "")),
        benefit_level=str(card.get("benefit_level", "")),
        department=department,
    )
    db.add(ticket)
    db.commit()
    db.refresh(ticket)
    return ticket


def check_in_by_card(db: Session, holder: dict[str, Any], department: str) -> CheckIn:
    """The ticket of the holder of an accepted chip card at ``department``, saved. Nobody signed in:
    no ``sub``."""
    ticket = CheckIn(
        sub="",
        patient=str(holder.get("full_name", "")),
        card_number="",
        registered_facility="",
        department=department,
    )
    db.add(ticket)
    db.commit()
    db.refresh(ticket)
    return ticket


def queue_number(db: Session, ticket: CheckIn) -> int:
    """The ticket's place in its department's queue, from 1."""
    same_queue = db.exec(select(CheckIn).where(CheckIn.department == ticket.department)).all()
    return [t.id for t in same_queue].index(ticket.id) + 1
