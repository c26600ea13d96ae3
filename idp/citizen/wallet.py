"""The citizen's document wallet (ví giấy tờ), as the VNeID app shows it: one card per document, built
from the claims the provider would release (:func:`idp.oidc.claims.all_claims`), so the page shows the
citizen exactly what a service can receive, in the same shape.

Level 1: the personal identity and the contact details. Level 2 (Decree 69/2024/NĐ-CP Art. 9 and 28;
PRODUCT.md: data the law ties to level 2): the e-identity card, residence, household, the health-insurance
card (BHYT), each driving licence and each vehicle registration. The claims of the scopes a citizen's
account level does not reach are dropped before any card is built, so a level-1 account's page never holds
them, only the names of those scopes (to say what level 2 would bring).

The cards carry values, never words: dates stay ISO 8601 (the page writes them dd/mm/yyyy), codes stay
codes (the page names them from its catalogue). What the page cannot derive is computed here: whether a
document has expired (on Vietnam's calendar, on the day the provider's clock reads there), the benefit
percentage of a BHYT benefit level, and the era of a driving-licence class (the classes were renamed on
1 Jan 2025).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from idp.oidc.catalogue import SCOPES
from idp.oidc.catalogue import SCOPES_BY_NAME
from idp.oidc.claims import ClaimsContext
from idp.oidc.claims import all_claims
from idp.population_db.lookup import CitizenRecord
from idp.population_db.revocations import revocation_of

BENEFIT_PERCENT = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
"""BHYT benefit level (the card's third character) -> the share of covered costs paid, Decision
1351/QĐ-BHXH as the domain reference's Appendix C gives it: 1 is 100 % without cap, 2 is 100 % with caps
on some drugs and services, 3 is 95 %, 4 is 80 %, 5 is 100 % including items outside the list."""

NEW_LICENCE_CLASSES = date(2025, 1, 1)
"""The Law on Road Traffic Order and Safety 2024 (Art. 57) replaced the 13 classes by 15 on this day;
a licence keeps the class of the era it was issued in (A1 and B1 mean different vehicles in each)."""


@dataclass(frozen=True)
class Place:
    """An address of the 2025 two-level units, and when it was registered or expires (ISO dates)."""

    street: str | None
    ward: str
    province: str
    registered_on: str | None = None
    expires_on: str | None = None


@dataclass(frozen=True)
class Person:
    """The personal identity (danh tính): PIN, names, date of birth (ISO) and sex (a code)."""

    pin: str
    name: str
    birthdate: str
    sex: str


@dataclass(frozen=True)
class Contact:
    """Phone (E.164), email and the current address, each when the citizen has one."""

    phone: str | None
    email: str | None
    address: str | None


@dataclass(frozen=True)
class IdentityCard:
    """The e-identity card (căn cước điện tử): ``kind`` is the card generation's code."""

    number: str
    kind: str
    issued_on: str
    expires_on: str | None
    expired: bool
    issued_by: str
    birth_registration: str
    origin: Place
    residence: Place | None
    revoked: str | None = None
    """Why the card was revoked (a :class:`~idp.population_db.codes.RevocationReason` value), if it was."""


@dataclass(frozen=True)
class Background:
    """Nationality (a country code), ethnicity, religion and the portrait: with the card, or alone for
    a citizen who holds none."""

    nationality: str | None
    ethnicity: str | None
    religion: str | None
    picture: str | None


@dataclass(frozen=True)
class Member:
    """A member of the household: ``relation`` to its head is a code."""

    pin: str
    name: str
    birthdate: str
    sex: str
    relation: str


@dataclass(frozen=True)
class Household:
    number: str
    head: str | None
    relation: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class HealthInsurance:
    """The BHYT card: ``group`` is the beneficiary group's code, ``level`` its benefit level."""

    card_number: str
    social_insurance_code: str | None
    group: str | None
    level: int | None
    percent: int | None
    facility: str | None
    valid_from: str | None
    valid_to: str | None
    expired: bool


@dataclass(frozen=True)
class Licence:
    """One driving licence; ``classes`` names the catalogue table of its class's era."""

    number: str
    license_class: str
    classes: str
    issued_on: str
    expires_on: str | None
    expired: bool
    issued_by: str | None


@dataclass(frozen=True)
class Vehicle:
    plate: str
    kind: str
    brand: str
    registered_on: str


@dataclass(frozen=True)
class Wallet:
    """Every card a citizen's account level shows; ``hidden`` the level-2 scopes it does not reach."""

    person: Person
    contact: Contact
    background: Background | None
    card: IdentityCard | None
    residence: tuple[tuple[str, Place], ...]
    household: Household | None
    insurance: HealthInsurance | None
    licences: tuple[Licence, ...]
    vehicles: tuple[Vehicle, ...]
    hidden: tuple[str, ...]


def wallet(
    record: CitizenRecord,
    context: ClaimsContext,
    account_level: int,
    *,
    today: date,
    card_revoked: str | None = None,
) -> Wallet:
    """The cards of ``record`` that an account of ``account_level`` shows on ``today`` (the
    population's day, :meth:`idp.state.clock.Clock.population_day`: documents expire on it);
    ``card_revoked``: why the identity card was revoked (:func:`card_revocation`), if it was."""
    shown = {s.name for s in SCOPES if s.name != "openid" and s.level <= account_level}
    claims = {
        scope: values for scope, values in all_claims(record, context).items() if scope in shown
    }
    residence = claims.get("residence", {}).get("residence", {})
    return Wallet(
        person=_person(claims["identity"]),
        contact=_contact(claims),
        background=_background(claims.get("eid_card")),
        card=_card(claims.get("eid_card", {}).get("eid_card"), residence, today, card_revoked),
        residence=tuple((kind, _place(place)) for kind, place in residence.items()),
        household=_household(claims.get("household", {}).get("household")),
        insurance=_insurance(claims.get("health_insurance", {}).get("health_insurance"), today),
        licences=tuple(_licence(lic, today) for lic in _listed(claims, "driving_license")),
        vehicles=tuple(_vehicle(vehicle) for vehicle in _listed(claims, "vehicles")),
        hidden=tuple(s.name for s in SCOPES if s.level > account_level),
    )


def _listed(claims: dict[str, dict[str, Any]], scope: str) -> list[dict[str, Any]]:
    """The list claim of ``scope`` (driving licences, vehicle registrations); empty when not shown."""
    (claim,) = SCOPES_BY_NAME[scope].claims
    found: list[dict[str, Any]] = claims.get(scope, {}).get(claim, [])
    return found


def _past(day: str | None, today: date) -> bool:
    return day is not None and date.fromisoformat(day) < today


def _person(identity: dict[str, Any]) -> Person:
    return Person(
        identity["personal_id_number"], identity["name"], identity["birthdate"], identity["gender"]
    )


def _contact(claims: dict[str, dict[str, Any]]) -> Contact:
    address = claims.get("address", {}).get("address", {})
    return Contact(
        claims.get("phone", {}).get("phone_number"),
        claims.get("email", {}).get("email"),
        address.get("formatted"),
    )


def _background(values: dict[str, Any] | None) -> Background | None:
    if values is None:
        return None
    return Background(
        values.get("nationality"),
        values.get("ethnicity"),
        values.get("religion"),
        _own_path(values.get("picture")),
    )


def _own_path(picture: str | None) -> str | None:
    """The portrait's path on this provider: the ``picture`` claim is an absolute URL for relying
    parties, while the page loads it from its own origin (the pages' policy loads nothing else)."""
    return urlsplit(picture).path if picture else None


def _place(values: dict[str, Any]) -> Place:
    return Place(
        values.get("street_address"),
        values["ward"],
        values["province"],
        values.get("registered_on"),
        values.get("expires_on"),
    )


def card_revocation(engine: Engine, record: CitizenRecord) -> str | None:
    """Why the citizen's current identity card was revoked, if it was (its reason's code)."""
    if record.card is None:
        return None
    with engine.connect() as connection:
        revoked = revocation_of(connection, record.citizen.pin, record.card.issued_on)
    return None if revoked is None else revoked.reason


def _card(
    values: dict[str, Any] | None,
    residence: dict[str, dict[str, Any]],
    today: date,
    revoked: str | None = None,
) -> IdentityCard | None:
    if values is None:
        return None
    # The card prints one place of residence: the permanent one, else where the holder is registered.
    lives = residence.get("permanent") or residence.get("temporary")
    return IdentityCard(
        number=values["number"],
        kind=values["type"],
        issued_on=values["issued_on"],
        expires_on=values.get("expires_on"),
        expired=_past(values.get("expires_on"), today),
        issued_by=values["issued_by"],
        birth_registration=values["place_of_birth_registration"]["province"],
        origin=_place(values["place_of_origin"]),
        residence=None if lives is None else _place(lives),
        revoked=revoked,
    )


def _household(values: dict[str, Any] | None) -> Household | None:
    if values is None:
        return None
    members = tuple(
        Member(
            m["personal_id_number"], m["name"], m["birthdate"], m["gender"], m["relation_to_head"]
        )
        for m in values["members"]
    )
    head = values.get("head", {}).get("name")
    return Household(values["number"], head, values["relation_to_head"], members)


def _insurance(values: dict[str, Any] | None, today: date) -> HealthInsurance | None:
    if values is None:
        return None
    level = values.get("benefit_level")
    return HealthInsurance(
        card_number=values["card_number"],
        social_insurance_code=values.get("social_insurance_code"),
        group=values.get("beneficiary_group"),
        level=level,
        percent=BENEFIT_PERCENT.get(level) if level is not None else None,
        facility=values.get("registered_facility"),
        valid_from=values.get("valid_from"),
        valid_to=values.get("valid_to"),
        expired=_past(values.get("valid_to"), today),
    )


def _licence(values: dict[str, Any], today: date) -> Licence:
    issued = values["issued_on"]
    era = (
        "licence_class"
        if date.fromisoformat(issued) >= NEW_LICENCE_CLASSES
        else "licence_class_2008"
    )
    return Licence(
        number=values["number"],
        license_class=values["class"],
        classes=era,
        issued_on=issued,
        expires_on=values.get("expires_on"),
        expired=_past(values.get("expires_on"), today),
        issued_by=values.get("issued_by"),
    )


def _vehicle(values: dict[str, Any]) -> Vehicle:
    return Vehicle(
        values["plate"], values["vehicle_type"], values["brand"], values["registered_on"]
    )
