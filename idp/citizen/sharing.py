"""What a citizen shares (chia sẻ thông tin) and has shared, as the account page lists it: the services
they consented to (:mod:`idp.state.consents`), every disclosure the audit log recorded
(:mod:`idp.state.audit`; PRODUCT.md "Consent and disclosure"), every verification of their chip
card by a licensed service (:mod:`idp.citizen.card_verification`), which tells it what state the card
is in, and every birth or death registration they took part in (:mod:`idp.citizen.births`,
:mod:`idp.citizen.deaths`).

A service is named by what the provider has registered for it (``client_name``, and ``client_name#en``
for the English page: RFC 7591 §2.2), never by anything a request carries, so no link can make the page
name a service falsely. Claim names become the words the page shows through :data:`CLAIM_WORDS`: the
parts of one fact (the name's three parts, a number and whether it was verified, a value repeated under
the national public-service portal's attribute name) are one item of the history.
"""

from dataclasses import dataclass

from idp.oidc.catalogue import SCOPES
from idp.oidc.server import AuthorizationServer
from idp.state.audit import BIRTH_REGISTRATION
from idp.state.audit import CARD_VERIFICATION
from idp.state.audit import DEATH_REGISTRATION
from idp.state.audit import DISCLOSURE
from idp.state.audit import events_for
from idp.state.consents import ClientConsent
from idp.state.consents import consents_of

CLAIM_WORDS = {
    "family_name": "name",
    "middle_name": "name",
    "given_name": "name",
    "HoVaTen": "name",
    "phone_number_verified": "phone_number",
    "email_verified": "email",
    "SoDinhDanh": "personal_id_number",
    "NgayThangNamSinh": "birthdate",
}
"""Claim -> the claim whose words name it on the page (itself when absent)."""

_SCOPE_ORDER = {entry.name: index for index, entry in enumerate(SCOPES)}
_CLAIMS_IN_ORDER = dict.fromkeys(claim for entry in SCOPES for claim in entry.claims)
_CLAIM_ORDER = {claim: index for index, claim in enumerate(_CLAIMS_IN_ORDER)}
# The page lists scopes and facts in the catalogue's order: from the least to the most personal.


@dataclass(frozen=True)
class Service:
    """A registered client as the citizen knows it; ``name`` None when it is no longer registered."""

    client_id: str
    name: str | None
    name_en: str | None


@dataclass(frozen=True)
class Sharing:
    """What the citizen shares with one service: its scopes, since when (Unix time), at which ``acr``."""

    service: Service
    scopes: tuple[str, ...]
    since: float
    acr: str | None


@dataclass(frozen=True)
class Disclosure:
    """One disclosure: when (Unix time), to whom, which facts (:data:`CLAIM_WORDS`), at which ``acr``."""

    at: float
    service: Service
    facts: tuple[str, ...]
    acr: str | None


@dataclass(frozen=True)
class CardCheck:
    """One verification of the citizen's card: when (Unix time), by whom, and what the service was
    told (a status of :mod:`idp.citizen.card_verification`, or the error it was answered)."""

    at: float
    service: Service
    outcome: str


def service(server: AuthorizationServer, client_id: str) -> Service:
    """The client ``client_id`` as registered today."""
    client = server.query_client(client_id)
    if client is None:
        return Service(client_id, None, None)
    name = str(client.metadata.get("client_name") or client_id)
    return Service(client_id, name, str(client.metadata.get("client_name#en") or name))


def sharing(server: AuthorizationServer, pin: str) -> list[Sharing]:
    """Every service the citizen shares with, as they consented."""
    return [_sharing(server, consent) for consent in consents_of(server.engine, pin)]


def shared_with(server: AuthorizationServer, pin: str, client_id: str) -> Sharing | None:
    """What the citizen shares with ``client_id``, or None when nothing."""
    return next((s for s in sharing(server, pin) if s.service.client_id == client_id), None)


def _sharing(server: AuthorizationServer, consent: ClientConsent) -> Sharing:
    scopes = sorted(consent.scopes, key=lambda s: (_SCOPE_ORDER.get(s, len(_SCOPE_ORDER)), s))
    return Sharing(
        service(server, consent.client_id), tuple(scopes), consent.granted_at, consent.acr
    )


def history(server: AuthorizationServer, pin: str) -> list[Disclosure]:
    """The citizen's disclosures, newest first."""
    names: dict[str, Service] = {}
    found = []
    for event in events_for(server.engine, pin, DISCLOSURE):
        client_id = event.client_id or ""
        if client_id not in names:
            names[client_id] = service(server, client_id)
        found.append(Disclosure(event.at, names[client_id], facts(event.claims), event.acr))
    return found


def card_checks(server: AuthorizationServer, pin: str) -> list[CardCheck]:
    """The verifications of the citizen's card, newest first."""
    names: dict[str, Service] = {}
    found = []
    for event in events_for(server.engine, pin, CARD_VERIFICATION):
        client_id = event.client_id or ""
        if client_id not in names:
            names[client_id] = service(server, client_id)
        found.append(CardCheck(event.at, names[client_id], event.outcome))
    return found


@dataclass(frozen=True)
class Registration:
    """One birth or death registration the citizen took part in: when (Unix time), through which
    service, the procedure (``birth_registration``, ``death_registration``), their part in it
    (``declarant``, ``parent``, ``registered``, ``refused``) and the PIN of the child or the
    deceased (empty for a refusal)."""

    at: float
    service: Service
    procedure: str
    part: str
    pin: str


def registrations(server: AuthorizationServer, pin: str) -> list[Registration]:
    """The registrations of the population service the citizen took part in, newest first."""
    names: dict[str, Service] = {}
    found = []
    for event in events_for(server.engine, pin):
        if event.kind not in (BIRTH_REGISTRATION, DEATH_REGISTRATION):
            continue
        client_id = event.client_id or ""
        if client_id not in names:
            names[client_id] = service(server, client_id)
        subject = "" if event.outcome == "refused" else event.detail
        found.append(Registration(event.at, names[client_id], event.kind, event.outcome, subject))
    return found


def facts(claims: list[str]) -> tuple[str, ...]:
    """The distinct facts (:data:`CLAIM_WORDS`) of ``claims``, in the catalogue's order."""
    distinct = {CLAIM_WORDS.get(claim, claim) for claim in claims}
    return tuple(sorted(distinct, key=lambda f: (_CLAIM_ORDER.get(f, len(_CLAIM_ORDER)), f)))
