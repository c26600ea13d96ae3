"""Changes to a citizen's identity card (thẻ căn cước): renew it (cấp đổi), revoke it (báo mất, thu
hồi), or put it back as it was; the ``card`` field of :mod:`idp.citizen.changes`.

A card as the changes read and write it (:func:`card_state`)::

    {"generation": "can_cuoc", "issued_on": "2024-09-10", "expires_on": "2040-09-10" | null,
     "issued_by": "Bộ Công an", "revoked": null | {"reason": "lost", "revoked_on": "2025-06-01"}}

A change is one of:

- ``{"action": "renew"}``: a new card issued today (the population's day,
  :meth:`idp.state.clock.Clock.population_day`): generation ``can_cuoc``, issued by "Bộ Công an",
  valid until the next renewal age
  (:func:`idp.population_db.cards.card_expiry`). The card it replaces is no longer the current one:
  a verifier shown its chip learns that it was replaced.
- ``{"action": "revoke", "reason": "lost" | "damaged" | "withdrawn"}``: the current card stops being
  valid today (:class:`idp.population_db.codes.RevocationReason`).
- a card in the form above: the card is set to it exactly, its revocation too. This is the form a
  change returns for what it replaced, so that a reset puts the card back.
"""

from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update

from idp.population_db.cards import card_expiry
from idp.population_db.chip_personalisation import forget_personalisation
from idp.population_db.codes import CardGeneration
from idp.population_db.codes import RevocationReason
from idp.population_db.models import Citizen
from idp.population_db.models import IdentityCard
from idp.population_db.models import table_of
from idp.population_db.revocations import Revocation
from idp.population_db.revocations import revocation_of
from idp.population_db.revocations import set_revocation

_CARD = table_of(IdentityCard)
_CITIZEN = table_of(Citizen)
CARD_KEYS = frozenset({"generation", "issued_on", "expires_on", "issued_by", "revoked"})
MAX_ISSUER = 80
Card = dict[str, Any]


class InvalidCardChangeError(ValueError):
    """A change of the card that cannot be made; its message says why."""


def card_state(connection: Connection, pin: str) -> Card | None:
    """The citizen's current card with its revocation; None for a citizen without a card."""
    card = connection.execute(select(_CARD).where(_CARD.c.pin == pin)).one_or_none()
    if card is None:
        return None
    revoked = revocation_of(connection, pin, card.issued_on)
    return {
        "generation": card.generation,
        "issued_on": card.issued_on.isoformat(),
        "expires_on": card.expires_on.isoformat() if card.expires_on else None,
        "issued_by": card.issued_by,
        "revoked": None
        if revoked is None
        else {"reason": revoked.reason, "revoked_on": revoked.revoked_on.isoformat()},
    }


def change_card(
    connection: Connection, pin: str, current: Card | None, value: Any, today: date
) -> None:
    """Apply the change ``value`` to the card ``current`` (:func:`card_state`), in the caller's
    transaction; ``today`` dates a renewal or a revocation."""
    if current is None:
        raise InvalidCardChangeError("the citizen has no identity card")
    if not isinstance(value, dict):
        raise InvalidCardChangeError("card must be an action (renew, revoke) or a card")
    action = value.get("action")
    if action == "renew" and set(value) == {"action"}:
        _renew(connection, pin, current, today)
    elif action == "revoke" and set(value) == {"action", "reason"}:
        _revoke(connection, pin, current, value["reason"], today)
    elif set(value) == CARD_KEYS:
        _set(connection, pin, value)
    else:
        raise InvalidCardChangeError(
            "card must be an action (renew; revoke with a reason) or a card with generation, "
            "issued_on, expires_on, issued_by and revoked"
        )


def _renew(connection: Connection, pin: str, current: Card, today: date) -> None:
    citizen = connection.execute(
        select(_CITIZEN.c.birth_date, _CITIZEN.c.deceased_on).where(_CITIZEN.c.pin == pin)
    ).one()
    if citizen.deceased_on is not None:
        raise InvalidCardChangeError("a deceased citizen's card cannot be renewed")
    if today <= date.fromisoformat(current["issued_on"]):
        # A card is named by its issue date: a second card of the same day would be the first one.
        raise InvalidCardChangeError(
            f"the current card was issued on {current['issued_on']}: a new card can only be "
            "issued on a later day"
        )
    generation = CardGeneration.CAN_CUOC
    values = {
        "generation": generation.value,
        "issued_on": today,
        "expires_on": card_expiry(citizen.birth_date, today),
        "issued_by": generation.issuing_authority,
    }
    connection.execute(update(_CARD).where(_CARD.c.pin == pin).values(values))
    forget_personalisation(connection, pin, today)


def _revoke(connection: Connection, pin: str, current: Card, reason: Any, today: date) -> None:
    if reason not in tuple(RevocationReason):
        choices = ", ".join(RevocationReason)
        raise InvalidCardChangeError(f"card.reason must be one of {choices}")
    if current["revoked"] is not None:
        raise InvalidCardChangeError("the card is already revoked")
    issued = date.fromisoformat(current["issued_on"])
    set_revocation(connection, pin, issued, Revocation(reason, today))


def _set(connection: Connection, pin: str, card: Card) -> None:
    if card["generation"] not in tuple(CardGeneration):
        raise InvalidCardChangeError(f"card.generation must be one of {', '.join(CardGeneration)}")
    issued = _day(card["issued_on"], "card.issued_on")
    expires = None if card["expires_on"] is None else _day(card["expires_on"], "card.expires_on")
    if expires is not None and expires <= issued:
        raise InvalidCardChangeError("card.expires_on must be after card.issued_on")
    issuer = card["issued_by"]
    if not isinstance(issuer, str) or not 1 <= len(issuer) <= MAX_ISSUER:
        raise InvalidCardChangeError(f"card.issued_by must be 1 to {MAX_ISSUER} characters")
    birth = connection.execute(select(_CITIZEN.c.birth_date).where(_CITIZEN.c.pin == pin)).one()
    if issued < birth.birth_date:
        raise InvalidCardChangeError("card.issued_on is before the citizen's birth")
    values = {"generation": card["generation"], "issued_on": issued}
    values |= {"expires_on": expires, "issued_by": issuer}
    connection.execute(update(_CARD).where(_CARD.c.pin == pin).values(values))
    set_revocation(connection, pin, issued, _revocation(card["revoked"]))


def _revocation(value: Any) -> Revocation | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"reason", "revoked_on"}:
        raise InvalidCardChangeError("card.revoked must be null or have reason and revoked_on")
    if value["reason"] not in tuple(RevocationReason):
        choices = ", ".join(RevocationReason)
        raise InvalidCardChangeError(f"card.revoked.reason must be one of {choices}")
    return Revocation(value["reason"], _day(value["revoked_on"], "card.revoked.revoked_on"))


def _day(value: Any, name: str) -> date:
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidCardChangeError(f"{name} must be a date (YYYY-MM-DD)")
