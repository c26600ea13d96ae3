"""The chip card verification service (dịch vụ xác thực thẻ căn cước gắn chip), ``POST
/api/card-verification``: an agency or a licensed relying party presents what it read from a citizen's
chip card (:mod:`idp.citizen.card_presentation`) and learns whether the card is genuine, whether it is
the card the National Population Database holds now, and whether the person in front of it is its
holder.

The caller is a client licensed with the ``card_verification`` scope (:mod:`idp.oidc.service_scopes`),
presenting the access token of its client credentials grant. The checks, in this order:

1. Genuine: passive authentication (ICAO 9303 Part 11 §5.1, :mod:`idp.chip.passive`) against the
   provider's own country signing CA, and Active Authentication (§6.1) when the caller ran it: DG15
   must then be present and signed, and the chip's answer must verify with its key. Any failure is
   ``not_genuine``: a tampered group, a chip signed under another CA, a copied chip.
2. Known: the card number (DG13 field 1) must name a card of the population database, else 404
   ``unknown_card``.
3. The card's state now: ``revoked`` (this card, named by its number and issue date, was reported lost,
   damaged or withdrawn: :mod:`idp.population_db.revocations`; or its holder died, which voids a card),
   ``replaced`` (a card issued later is the current one), ``expired`` (the current card is past its
   expiry on the population's day, :meth:`idp.state.clock.Clock.population_day`), ``mismatch`` (DG13's fields or DG1's MRZ differ from what
   the database holds now: one reason per field, named in Vietnamese and English; the database's values
   are never given), else ``valid``. Every reason found is listed; the status is the first.
4. The face, when the caller sends a live photo: compared with DG2's portrait
   (:func:`idp.chip.face_match.compare_faces`). It is reported beside the status and never changes it:
   the status says whether the card can be trusted, ``face_match.matched`` whether the person is its
   holder, and a caller decides what it needs of both (a non-match adds a reason). A card without a
   portrait (issued before the age of 6) has nothing to compare: ``face_match`` is null, with a reason.

Every call of an authenticated client writes one ``card_verification`` row to the audit log
(:mod:`idp.state.audit`): the client, the card number when it was read, the status or the error, the
time and the verification's id; the citizen sees it on the account page. The answer leaves after its
row is committed. Nothing else is written.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from sqlalchemy import Connection
from sqlalchemy import select

from idp.chip.active_auth import verify_answer
from idp.chip.card import CardHolder
from idp.chip.card import dg13_values
from idp.chip.card import holder_mrz
from idp.chip.face_match import FaceMatch
from idp.chip.face_match import UnreadableImageError
from idp.chip.face_match import compare_faces
from idp.chip.holders import load_holder
from idp.chip.lds import DG13_FIELDS
from idp.chip.lds import MalformedFileError
from idp.chip.passive import PassiveAuthentication
from idp.chip.passive import passive_authentication
from idp.chip.pki import authority
from idp.citizen.card_presentation import BadPresentationError
from idp.citizen.card_presentation import Presentation
from idp.citizen.card_presentation import read_presentation
from idp.oidc.answer import Answer
from idp.oidc.answer import from_authlib
from idp.oidc.answer import json_answer
from idp.oidc.server import AuthorizationServer
from idp.oidc.service_scopes import CARD_VERIFICATION
from idp.oidc.service_scopes import ServiceScopeRequiredError
from idp.oidc.service_scopes import licensed_client
from idp.population_db.codes import RevocationReason
from idp.population_db.models import Citizen
from idp.population_db.models import table_of
from idp.population_db.revocations import revocation_of
from idp.state.audit import CARD_VERIFICATION as AUDITED
from idp.state.audit import record_event

VALID = "valid"
NOT_GENUINE = "not_genuine"
REVOKED = "revoked"
REPLACED = "replaced"
EXPIRED = "expired"
MISMATCH = "mismatch"
STATUSES = (VALID, NOT_GENUINE, REVOKED, REPLACED, EXPIRED, MISMATCH)
_CITIZEN = table_of(Citizen)


class UnknownCardError(OAuth2Error):  # type: ignore[misc]
    """404 ``unknown_card``: a genuine chip whose number names no card of the population database."""

    error = "unknown_card"
    status_code = 404

    def __init__(self, card_number: str) -> None:
        super().__init__(f"The population database holds no card numbered {card_number}.")
        self.card_number: str | None = card_number


@dataclass(frozen=True)
class ActiveAuthentication:
    """Whether the caller ran Active Authentication, and whether the chip's answer verified."""

    performed: bool
    valid: bool | None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verification:
    """What the checks found about one presented card."""

    status: str
    reasons: list[str]
    presentation: Presentation
    passive: PassiveAuthentication
    active: ActiveAuthentication
    face: FaceMatch | None

    def as_json(self, verification_id: str, at: datetime) -> dict[str, Any]:
        presented, passive, face = self.presentation, self.passive, self.face
        return {
            "status": self.status,
            "reasons": self.reasons,
            "card_number": presented.card_number,
            "issued_on": _iso(presented.issued_on),
            "expires_on": _iso(presented.expires_on),
            "passive_authentication": {
                "valid": passive.valid,
                "signer": passive.signer,
                "chain": passive.chain,
                "signature": passive.signature,
                "data_groups": passive.groups,
            },
            "active_authentication": {
                "performed": self.active.performed,
                "valid": self.active.valid,
            },
            "face_match": None
            if face is None
            else {"score": face.score, "threshold": face.threshold, "matched": face.matched},
            "verification_id": verification_id,
            "checked_at": at.isoformat(timespec="seconds"),
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def card_verification(
    server: AuthorizationServer, authorization: str | None, body: bytes, content_type: str
) -> Answer:
    """The service's answer to one call: ``authorization`` its header, ``body`` its body (read by the
    web layer, at most :data:`idp.citizen.card_presentation.MAX_BODY` bytes)."""
    at = server.clock.moment()
    try:
        client = licensed_client(server, authorization, CARD_VERIFICATION)
    except ServiceScopeRequiredError as error:  # an authenticated client, without the licence
        _audit(server, error.client_id, None, error.error, "", at)
        refused: Answer = server.handle_error_response(None, error)
        return refused
    except OAuth2Error as error:
        unauthenticated: Answer = server.handle_error_response(None, error)
        return unauthenticated
    verification_id = secrets.token_urlsafe(16)  # 128 random bits: names the row, grants nothing
    try:
        verification = verify(server, read_presentation(body, content_type), at)
    except (BadPresentationError, UnknownCardError) as error:
        _audit(server, client.client_id, error.card_number, error.error, verification_id, at)
        status, fields, headers = error()
        return from_authlib(status, {**fields, "verification_id": verification_id}, headers)
    number = verification.presentation.card_number
    _audit(server, client.client_id, number, verification.status, verification_id, at)
    return json_answer(verification.as_json(verification_id, at))


def verify(server: AuthorizationServer, presented: Presentation, at: datetime) -> Verification:
    """The checks of one presented card at the moment ``at``; raises :class:`BadPresentationError`
    (an EF.SOD or a portrait that cannot be read) or :class:`UnknownCardError`."""
    seed = server.settings.chip_seed.get_secret_value()
    try:
        passive = passive_authentication(presented.files, [authority(seed).csca], at)
    except MalformedFileError as error:
        raise BadPresentationError(f"{error}.", presented.card_number) from None
    active = _active_authentication(presented, passive)
    reasons = [*passive.reasons, *active.reasons]
    if passive.valid and active.valid is not False:
        # a card's validity is a fact of the population: judged on its day, not the calendar's
        status, found = _state(server, presented, server.clock.population_day())
        reasons += found
    else:
        status = NOT_GENUINE
    face = _face(presented, reasons)
    return Verification(status, reasons, presented, passive, active, face)


def _active_authentication(
    presented: Presentation, passive: PassiveAuthentication
) -> ActiveAuthentication:
    exchange = presented.active_authentication
    if exchange is None:
        return ActiveAuthentication(performed=False, valid=None)
    dg15 = presented.files.get("DG15")
    if dg15 is None:
        why = "Active Authentication was run, but DG15 (the chip's public key) is missing"
        return ActiveAuthentication(performed=True, valid=False, reasons=(why,))
    # A DG15 that EF.SOD does not sign proves nothing: passive authentication names it already.
    signed = passive.groups.get("DG15", False)
    if not verify_answer(dg15, exchange.challenge, exchange.signature):
        why = "the Active Authentication signature does not verify with DG15's key"
        return ActiveAuthentication(performed=True, valid=False, reasons=(why,))
    return ActiveAuthentication(performed=True, valid=signed)


def _state(
    server: AuthorizationServer, presented: Presentation, today: date
) -> tuple[str, list[str]]:
    """The status of a genuine card on the day ``today``, with every reason found."""
    number, issued = presented.card_number, presented.issued_on
    if number is None or issued is None:
        raise BadPresentationError(
            "DG13 lacks the card number (field 1) or the date of issue (field 11).", number
        )
    secret = server.settings.subject_secret.get_secret_value()
    with server.engine.connect() as connection:
        holder = load_holder(connection, number, secret)
        if holder is None:
            raise UnknownCardError(number)
        found = _voided(connection, number, issued)
    if issued < holder.issued_on:
        found.append((REPLACED, f"a card issued on {holder.issued_on} replaced this one"))
    if holder.expires_on is not None and holder.expires_on < today:
        found.append((EXPIRED, f"the card expired on {holder.expires_on}"))
    if found:
        return found[0][0], [reason for _, reason in found]
    differences = _differences(presented, holder)
    return (MISMATCH if differences else VALID), differences


def _voided(connection: Connection, number: str, issued: date) -> list[tuple[str, str]]:
    """Why this card (its number and issue date) is void: revoked, or its holder died."""
    found = []
    if revocation := revocation_of(connection, number, issued):
        words = RevocationReason(revocation.reason).vietnamese
        why = f"the card was revoked on {revocation.revoked_on}: {revocation.reason} ({words})"
        found.append((REVOKED, why))
    died = connection.execute(
        select(_CITIZEN.c.deceased_on).where(_CITIZEN.c.pin == number)
    ).scalar_one()
    if died is not None:
        found.append((REVOKED, f"the holder died on {died}: a card is void at death"))
    return found


def _differences(presented: Presentation, holder: CardHolder) -> list[str]:
    """One reason per DG13 field, and one for the MRZ, that differ from the database's now."""
    now = {number: value for number, value in dg13_values(holder).items() if value}
    chip = presented.fields
    reasons = [
        f"DG13 field {number} ({DG13_FIELDS.get(number, 'unnumbered field')}) differs from the "
        "population database"
        for number in sorted(set(now) | set(chip))
        if now.get(number) != chip.get(number)
    ]
    if presented.mrz != "".join(holder_mrz(holder)):
        reasons.append("DG1, the MRZ (vùng đọc máy), differs from the population database")
    return reasons


def _face(presented: Presentation, reasons: list[str]) -> FaceMatch | None:
    """The live photo against DG2's portrait, a reason added when they do not match."""
    if presented.face_image is None:
        return None
    if presented.portrait is None:
        reasons.append(
            "the card has no portrait (issued before the age of 6): the face was not compared"
        )
        return None
    try:
        match = compare_faces(presented.face_image, presented.portrait)
    except UnreadableImageError:
        raise BadPresentationError(
            "DG2's portrait is not a readable JPEG.", presented.card_number
        ) from None
    if not match.matched:
        reasons.append(
            f"the face does not match the card's portrait (score {match.score}, "
            f"threshold {match.threshold})"
        )
    return match


def _audit(
    server: AuthorizationServer,
    client_id: str,
    card_number: str | None,
    outcome: str,
    verification_id: str,
    at: datetime,
) -> None:
    """The call's row, committed before its answer leaves."""
    with server.engine.begin() as connection:
        record_event(
            connection,
            AUDITED,
            outcome,
            at=at.timestamp(),
            pin=card_number,
            client_id=client_id,
            detail=verification_id,
        )
