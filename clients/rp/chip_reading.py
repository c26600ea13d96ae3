"""A chip identity card read at an app's counter or kiosk (đọc thẻ căn cước gắn chip), step by step,
each step written to the flow inspector:

1. the app opens a session on the provider's card reader (:mod:`clients.rp.card_reader`) and shows
   its page's address; the operator puts the card on the reader there, types its access key, and the
   person stands at the camera;
2. each time the app's page is loaded (it reloads itself) it asks the reader; once a card is present
   the reading is claimed (:func:`clients.rp.card_checks.claim`) and:
3. the files are read and decoded (:mod:`clients.rp.chip_files`);
4. Active Authentication with the app's own random challenge (:mod:`clients.rp.active_auth`);
5. the app's own passive authentication under the CSCA of ``/pki/csca.pem``
   (:mod:`clients.rp.chip_check`, :mod:`clients.rp.trust_anchor`);
6. the camera's photo;
7. the verification service, with a client-credentials token (:mod:`clients.rp.card_verification`).

The card is accepted or refused by :func:`clients.rp.card_verdict.verdict`. A reader or a service that
cannot be reached ends the check as failed, with its error code. The reader session is closed
once the card was read.
"""

import base64
import datetime
import hashlib
import time
from typing import Any

from sqlmodel import Session
from starlette.requests import Request

from clients.rp import inspector
from clients.rp.active_auth import ActiveCheck
from clients.rp.active_auth import check_answer
from clients.rp.active_auth import new_challenge
from clients.rp.card_checks import CANCELLED
from clients.rp.card_checks import EXPIRED
from clients.rp.card_checks import FAILED
from clients.rp.card_checks import READING
from clients.rp.card_checks import WAITING
from clients.rp.card_checks import CardCheck
from clients.rp.card_checks import claim
from clients.rp.card_checks import finish
from clients.rp.card_checks import open_check
from clients.rp.card_reader import CardReader
from clients.rp.card_reader import ReaderError
from clients.rp.card_verdict import verdict
from clients.rp.card_verification import SCOPE
from clients.rp.card_verification import Answer
from clients.rp.card_verification import CardVerifier
from clients.rp.card_verification import VerificationError
from clients.rp.chip_check import PassiveCheck
from clients.rp.chip_check import check_files
from clients.rp.chip_files import FILE_NAMES
from clients.rp.chip_files import ChipFileError
from clients.rp.chip_files import decoded_files
from clients.rp.chip_files import describe
from clients.rp.chip_files import dg13_fields
from clients.rp.chip_files import holder_facts
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty
from clients.rp.trust_anchor import Anchor
from clients.rp.trust_anchor import TrustAnchor
from clients.rp.trust_anchor import TrustAnchorError


class CardDesk:
    """What a counter or a kiosk has to read cards: the reader, the trust anchor, and its client of the
    verification service (``client_id``, ``client_secret``, by the client credentials grant)."""

    def __init__(self, rp: RelyingParty, client_id: str, client_secret: str) -> None:
        settings = rp.settings
        self.rp = rp
        self.reader = CardReader(settings.issuer, settings.http_timeout)
        self.anchor = TrustAnchor(settings.issuer, settings.http_timeout)
        self.verifier = CardVerifier(
            settings.issuer, client_id, client_secret, self._token_endpoint, settings.http_timeout
        )

    async def _token_endpoint(self) -> str:
        try:
            return str((await self.rp.metadata())["token_endpoint"])
        except LoginError as error:
            raise VerificationError(error.error, error.description) from None

    async def open(
        self, request: Request, db: Session, purpose: str, label: str, context: dict[str, Any]
    ) -> CardCheck:
        """A reader session for a new check; raises :class:`ReaderError` when the reader refuses."""
        reader, answer = await self.reader.open(label)
        check = open_check(
            db,
            request.session,
            purpose,
            context,
            (reader.reader_id, reader.reader_url, reader.expires_in),
        )
        inspector.start_server_flow(request.session, check.flow_key, purpose)
        step = {"endpoint": self.reader.endpoint(), "request": {"label": label}, "response": answer}
        inspector.record(request.session, check.flow_key, "reader_session", step)
        return check

    async def advance(self, request: Request, db: Session, check: CardCheck) -> None:
        """Ask the reader once, and read the card if it is there; ``check`` is saved as it stands."""
        if check.status == READING and time.time() >= check.expires_at:
            # the reading was cut short (the app stopped meanwhile): nobody will finish it
            _fail(db, check, "interrupted", "unreachable", "The reading did not finish.")
        if check.status != WAITING:
            return
        if time.time() >= check.expires_at:
            await self.reader.close(check.reader_id)
            finish(db, check, EXPIRED)
            return
        try:
            state = await self.reader.state(check.reader_id)
        except ReaderError as error:
            if error.gone:
                finish(db, check, EXPIRED, error=error.error)
            return  # out of reach for now: asked again at the page's next reload
        if state.get("status") != "card_present" or not claim(db, check):
            return
        try:
            await self._read(request, db, check, state)
        finally:
            await self.reader.close(check.reader_id)

    async def cancel(self, db: Session, check: CardCheck) -> None:
        if check.status == WAITING:
            await self.reader.close(check.reader_id)
            finish(db, check, CANCELLED)

    async def _read(
        self, request: Request, db: Session, check: CardCheck, state: dict[str, Any]
    ) -> None:
        record = Recorder(request, check)
        try:
            files = decoded_files(state.get("files"))
        except ChipFileError as error:
            _fail(db, check, "unreadable_card", "unreadable", str(error))
            return
        shown = [describe(name, files[name]) for name in FILE_NAMES if name in files]
        application = state.get("application_id", "")
        record("card_read", {"check": check.id, "application_id": application, "files": shown})
        try:
            answer, passive, active, photo = await self._checks(record, check, files)
        except (ReaderError, VerificationError) as error:
            _fail(db, check, error.error, _failure(error), error.description)
            return
        except TrustAnchorError as error:
            _fail(db, check, "temporarily_unavailable", "unreachable", str(error))
            return
        decided = verdict(passive, active, answer)
        face = answer.body.get("face_match")
        finish(
            db,
            check,
            decided.status,
            reasons=decided.reasons,
            details=[d for d in decided.details if d],
            error=decided.error,
            service_status=str(answer.body.get("status", "")),
            face=face if isinstance(face, dict) else {},
            verification_id=str(answer.body.get("verification_id", "")),
            holder=_holder(files),
            files={name: base64.b64encode(data).decode("ascii") for name, data in files.items()},
            photo=base64.b64encode(photo).decode("ascii"),
        )

    async def _checks(
        self, record: "Recorder", check: CardCheck, files: dict[str, bytes]
    ) -> tuple[Answer, PassiveCheck, ActiveCheck, bytes]:
        challenge = new_challenge()
        signature = await self.reader.internal_authenticate(check.reader_id, challenge)
        active = check_answer(files, challenge, signature)
        record(
            "active_authentication",
            {
                "endpoint": self.reader.endpoint(check.reader_id, "internal-authenticate"),
                "challenge": challenge.hex(),
                "signature": signature.hex(),
                **active.as_json(),
            },
        )
        passive, anchor = await self._passive(files)
        record(
            "passive_authentication",
            {"csca": {"url": anchor.url, "subject": anchor.subject, "sha256": anchor.fingerprint}}
            | passive.as_json(),
        )
        photo = await self.reader.camera(check.reader_id)
        record(
            "camera",
            {"check": check.id, "size": len(photo), "sha256": hashlib.sha256(photo).hexdigest()},
        )
        try:
            _, token_response, fetched = await self.verifier.token()
        except VerificationError as error:
            refused = {"error": error.error, "error_description": error.description}
            record("service_token", await self._token_step(refused))
            raise
        step = await self._token_step(token_response)
        record("service_token", step if fetched else {**step, "reused": True})
        answer = await self.verifier.verify(files, challenge, signature, photo)
        record(
            "card_verification", self._verification_step(files, challenge, signature, photo, answer)
        )
        return answer, passive, active, photo

    async def _passive(self, files: dict[str, bytes]) -> tuple[PassiveCheck, Anchor]:
        """The app's passive authentication; under a CSCA fetched again if the card's signer does
        not chain to the one it held (the provider may have been restarted with another seed)."""
        anchor = await self.anchor.get()
        now = datetime.datetime.now(datetime.UTC)
        passive = check_files(files, anchor.certificate, now)
        if not passive.chain and passive.signer:
            anchor = await self.anchor.get(force=True)
            passive = check_files(files, anchor.certificate, now)
        return passive, anchor

    async def _token_step(self, response: dict[str, Any]) -> dict[str, Any]:
        return {
            "endpoint": await self._token_endpoint(),
            "auth_method": "client_secret_basic",
            "parameters": {
                "grant_type": "client_credentials",
                "scope": SCOPE,
                "client_id": self.verifier.client_id,
            },
            "response": inspector.shortened(response),
        }

    def _verification_step(
        self,
        files: dict[str, bytes],
        challenge: bytes,
        signature: bytes,
        photo: bytes,
        answer: Answer,
    ) -> dict[str, Any]:
        sent = {
            "files": {name: f"{len(data)} B" for name, data in files.items()},
            "active_authentication": {
                "challenge": base64.b64encode(challenge).decode("ascii"),
                "signature": inspector.shorten(base64.b64encode(signature).decode("ascii")),
            },
            "face_image": f"{len(photo)} B",
        }
        return {
            "endpoint": answer.endpoint,
            "sent": sent,
            "status_code": answer.status_code,
            "response": answer.body,
        }


def _fail(db: Session, check: CardCheck, error: str, reason: str, detail: str) -> None:
    """The check ends as failed: ``error``, the reason in the words of ``chip.reasons``."""
    finish(db, check, FAILED, error=error, reasons=[reason], details=[detail])


def _failure(error: ReaderError | VerificationError) -> str:
    """Why a check could not be finished, in the words of ``chip.reasons``."""
    if error.error == "temporarily_unavailable":
        return "unreachable"
    return "reader_failed" if isinstance(error, ReaderError) else "service_refused"


class Recorder:
    """Writes a check's steps to the inspector of the browser reading the card."""

    def __init__(self, request: Request, check: CardCheck) -> None:
        self.session = request.session
        self.key = check.flow_key

    def __call__(self, step: str, data: dict[str, Any]) -> None:
        inspector.record(self.session, self.key, step, data)


def _holder(files: dict[str, bytes]) -> dict[str, str]:
    try:
        return holder_facts(dg13_fields(files["DG13"])) if "DG13" in files else {}
    except ChipFileError:
        return {}
