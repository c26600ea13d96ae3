"""The sandbox's control API under ``/sandbox/`` (JSON): the clock, the scenario catalogue and queue,
the requests received, citizens, the Shared Signals outbox, minted tokens, key rotation and reset
(:mod:`idp.sandbox`).

Served only when the sandbox API is on (404 otherwise), to callers presenting the sandbox's token as a
Bearer token (RFC 6750 §2.1; a missing or wrong one is 401 ``invalid_token``). The SMS inbox
(:mod:`idp.web.routes.sandbox`) needs neither.
"""

from typing import Annotated
from typing import Any
from typing import Literal

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6750 import InvalidTokenError
from fastapi import APIRouter
from fastapi import Depends
from fastapi import Path
from fastapi import Query
from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from idp.chip.export import chip_document
from idp.chip.holders import current_chip
from idp.citizen.changes import InvalidChangeError
from idp.citizen.changes import NoSuchCitizenError
from idp.citizen.changes import citizen_view
from idp.login.headless import pin_of
from idp.oidc.ciba import notify
from idp.oidc.error_text import describable
from idp.phone import approvals
from idp.phone.devices import NotActivated
from idp.phone.devices import activate
from idp.sandbox import phones
from idp.sandbox.catalogue import CATALOGUE
from idp.sandbox.control import Sandbox
from idp.sandbox.minting import MintRefusedError
from idp.sandbox.minting import mint
from idp.sandbox.scenarios import UnknownScenarioError
from idp.state.signal_outbox import OutboxEvent
from idp.web.api_models import errors
from idp.web.blocking import off_loop
from idp.web.deps import presents_token
from idp.web.deps import sandbox_of
from idp.web.errors import ApiRoute
from idp.web.sandbox_models import Activated
from idp.web.sandbox_models import Activation
from idp.web.sandbox_models import AppLink
from idp.web.sandbox_models import CardChip
from idp.web.sandbox_models import Citizen
from idp.web.sandbox_models import CitizenChanges
from idp.web.sandbox_models import ClockChange
from idp.web.sandbox_models import ClockState
from idp.web.sandbox_models import Delivered
from idp.web.sandbox_models import Kids
from idp.web.sandbox_models import Minted
from idp.web.sandbox_models import MintRequest
from idp.web.sandbox_models import PendingScenario
from idp.web.sandbox_models import PhoneAnswer
from idp.web.sandbox_models import PhoneOutcome
from idp.web.sandbox_models import PhoneRequest
from idp.web.sandbox_models import PhoneRequests
from idp.web.sandbox_models import Received
from idp.web.sandbox_models import ResetRequest
from idp.web.sandbox_models import Scan
from idp.web.sandbox_models import ScenarioRequest
from idp.web.sandbox_models import Scenarios
from idp.web.sandbox_models import SignalEvents

UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "the sandbox token is missing or wrong"}
}


async def _authorized(request: Request) -> Sandbox:
    sandbox = sandbox_of(request)
    if sandbox is None:
        raise HTTPException(404, "The sandbox API is not enabled (VNEID_SANDBOX_API).")
    if not presents_token(sandbox, request.headers.get("authorization")):
        raise InvalidTokenError("The sandbox token is required as a Bearer token.")
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(_authorized)]
Who = Annotated[str, Path(max_length=64, description="A persona key or a PIN.")]
api = APIRouter(
    prefix="/sandbox",
    route_class=ApiRoute,
    tags=["sandbox"],
    responses={**UNAUTHORIZED, **errors(400, 404)},
)


def _pin(who: str) -> str:
    pin = pin_of(who)
    if pin is None:
        raise HTTPException(404, "No persona or PIN by that name.")
    return pin


@api.get("/scenarios", response_model=Scenarios)
async def scenarios(sandbox: SandboxDep) -> dict[str, Any]:
    """The catalogue, and what is queued."""
    catalogue = [vars(entry) for entry in CATALOGUE.values()]
    return {"catalogue": catalogue, "pending": [p.as_json() for p in sandbox.scenarios.pending()]}


@api.post("/scenarios", status_code=201, response_model=PendingScenario | Kids)
async def queue_scenario(sandbox: SandboxDep, body: ScenarioRequest) -> dict[str, Any]:
    """Queue a scenario for the next ``times`` matching requests (``key_rotation`` happens at once
    and answers the new keys' ids)."""
    if body.name == "key_rotation":
        return {"kids": await off_loop(sandbox.rotate_keys)}
    pin = _pin(body.persona) if body.persona else None
    try:
        entry = sandbox.scenarios.add(
            body.name, client_id=body.client_id, pin=pin, times=body.times, seconds=body.seconds
        )
    except UnknownScenarioError as error:
        raise HTTPException(400, str(error)) from None
    return entry.as_json()


@api.delete("/scenarios", status_code=204)
async def drop_scenarios(sandbox: SandboxDep) -> Response:
    sandbox.scenarios.clear()
    return Response(status_code=204)


def _clock_state(sandbox: Sandbox) -> dict[str, Any]:
    clock = sandbox.clock
    return {"now": clock.now(), "iso": clock.moment().isoformat(), "frozen": clock.frozen}


@api.get("/clock", response_model=ClockState)
async def clock(sandbox: SandboxDep) -> dict[str, Any]:
    """The provider's time."""
    return _clock_state(sandbox)


@api.post("/clock", response_model=ClockState)
async def move_clock(sandbox: SandboxDep, body: ClockChange) -> dict[str, Any]:
    """Freeze (at ``at``, else now), advance by ``seconds``, set to ``at``, or reset the clock."""
    clock, at = sandbox.clock, body.at.timestamp() if body.at else None
    if body.action == "freeze":
        clock.freeze(at)
    elif body.action == "advance":
        if body.seconds is None:
            raise HTTPException(400, "advance needs seconds.")
        clock.advance(body.seconds)
    elif body.action == "set":
        if at is None:
            raise HTTPException(400, "set needs at.")
        clock.set(at)
    else:
        clock.reset()
    return _clock_state(sandbox)


@api.get("/requests", response_model=Received)
async def received(
    sandbox: SandboxDep,
    endpoint: Annotated[str | None, Query(max_length=20)] = None,
    client_id: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """What the provider received, oldest first (authorization, token, userinfo, revocation,
    introspection, logout, registration)."""
    found = sandbox.recorder.received(endpoint, client_id)
    return {"requests": [entry.as_json() for entry in found]}


@api.delete("/requests", status_code=204)
async def forget_requests(sandbox: SandboxDep) -> Response:
    sandbox.recorder.clear()
    return Response(status_code=204)


@api.get("/events", response_model=SignalEvents)
async def signal_events(
    sandbox: SandboxDep,
    who: Annotated[str | None, Query(max_length=64)] = None,
    client_id: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[Literal["pending", "delivered", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The Shared Signals events the provider owes or sent, newest first (docs/shared-signals.md)."""
    pin = None if who is None else _pin(who)
    found = await off_loop(sandbox.events, pin, client_id, status, limit)
    return {"events": [_signal_event(event) for event in found]}


def _signal_event(event: OutboxEvent) -> dict[str, Any]:
    shown = dict(vars(event))
    shown["sub_id"], shown["event"] = shown.pop("subject"), shown.pop("payload")
    return shown


@api.post("/events/deliver", response_model=Delivered)
async def deliver_events(sandbox: SandboxDep) -> dict[str, int]:
    """Push every pending event now, whatever its next attempt's time; how many were delivered."""
    return {"delivered": await off_loop(sandbox.deliver_events)}


@api.get("/citizens/{who}", response_model=Citizen)
async def citizen(sandbox: SandboxDep, who: Who) -> dict[str, Any]:
    """A citizen's changeable record."""
    try:
        return await off_loop(citizen_view, sandbox.server.engine, _pin(who))
    except NoSuchCitizenError:
        raise HTTPException(404, "No citizen has this PIN.") from None


@api.patch("/citizens/{who}", response_model=Citizen)
async def change_citizen(sandbox: SandboxDep, who: Who, body: CitizenChanges) -> dict[str, Any]:
    """Change the fields given (undone by a reset)."""
    pin = _pin(who)
    changes = body.model_dump(include=body.model_fields_set)
    try:
        await off_loop(sandbox.change_citizen, pin, changes)
        return await off_loop(citizen_view, sandbox.server.engine, pin)
    except NoSuchCitizenError:
        raise HTTPException(404, "No citizen has this PIN.") from None
    except InvalidChangeError as error:
        # as invalid_request with its reason: the error policy words every HTTPException 400 as a
        # body that could not be read
        raise InvalidRequestError(describable(str(error), 200)) from None


@api.get("/cards/{who}", response_model=CardChip)
async def card(sandbox: SandboxDep, who: Who) -> dict[str, Any]:
    """The chip of a citizen's identity card: every file's bytes, the CA, the MRZ and the QR string."""
    settings = sandbox.server.settings
    seed = settings.chip_seed.get_secret_value()
    secret = settings.subject_secret.get_secret_value()

    def read(pin: str) -> dict[str, Any] | None:
        with sandbox.server.engine.connect() as connection:
            chip = current_chip(connection, pin, secret, seed)
        return None if chip is None else chip_document(chip, seed)

    document = await off_loop(read, _pin(who))
    if document is None:
        raise HTTPException(404, "This citizen has no identity card.")
    return document


@api.post("/tokens", status_code=201, response_model=Minted)
async def mint_token(sandbox: SandboxDep, body: MintRequest) -> dict[str, str]:
    """A token signed with the provider's keys."""
    server = sandbox.server
    client = server.query_client(body.client_id) if body.client_id else None
    if body.client_id and client is None:
        raise HTTPException(400, "No client by that id.")
    subject = None
    if body.persona:
        subject = (_pin(body.persona), server.settings.subject_secret.get_secret_value())
    try:
        token = mint(
            server.keys,
            server.settings.issuer,
            int(sandbox.clock.now()),
            body.kind,
            body.claims,
            client=client,
            subject=subject,
            expires_in=body.expires_in,
            alg=body.alg,
            kid=body.kid,
        )
    except MintRefusedError as error:
        raise HTTPException(400, str(error)) from None
    return {"token": token}


@api.post("/keys/rotate", status_code=201, response_model=Kids)
async def rotate_keys(sandbox: SandboxDep) -> dict[str, list[str]]:
    """New signing keys at once; the old stay published (until a reset)."""
    return {"kids": await off_loop(sandbox.rotate_keys)}


@api.post("/reset", status_code=204)
async def reset(sandbox: SandboxDep, body: ResetRequest | None = None) -> Response:
    """Undo what tests changed; ``everything``: forget what the provider learnt too."""
    await off_loop(sandbox.reset, bool(body and body.everything))
    return Response(status_code=204)


@api.post("/phones/{who}/activate", response_model=Activated)
async def activate_phone(sandbox: SandboxDep, who: Who, body: Activation) -> dict[str, Any]:
    """Activate the citizen's app on a test's device: bind its public key to the level-2 account
    (replacing the device bound before). 400 for no account, a level-1 or locked account, a bad key."""
    server, pin = sandbox.server, _pin(who)
    bound = await off_loop(activate, server, pin, body.public_jwk)
    if isinstance(bound, NotActivated):
        raise HTTPException(400, f"The app cannot be activated: {bound.reason}.")
    return {"pin": bound.pin, "device_id": bound.device_id}


@api.get("/phones/{who}/requests", response_model=PhoneRequests)
async def phone_requests(sandbox: SandboxDep, who: Who) -> dict[str, Any]:
    """The requests waiting on the citizen's phone, newest first, with the nonce to sign."""
    return {"requests": await off_loop(phones.waiting, sandbox.server, _pin(who))}


@api.post("/phones/{who}/scan", response_model=PhoneRequest)
async def scan_code(sandbox: SandboxDep, who: Who, body: Scan) -> dict[str, Any]:
    """Scan a QR code's link: the request becomes this citizen's (400 when it expired or another
    phone scanned it first)."""
    found = await off_loop(phones.scan, sandbox.server, _pin(who), body.link)
    if found is None:
        raise HTTPException(400, "The QR code expired, was already scanned, or is unknown.")
    return found


@api.post("/phones/{who}/requests/{request_id}", response_model=PhoneOutcome)
async def answer_request(
    sandbox: SandboxDep,
    who: Who,
    request_id: Annotated[str, Path(max_length=64)],
    body: PhoneAnswer,
) -> dict[str, Any]:
    """The phone's signed answer (approve with passcode and face, or refuse); the outcome."""
    ticked = None if body.scopes is None else tuple(body.scopes)
    answered = approvals.Answered(body.approval, body.passcode, body.face, ticked)
    server, pin = sandbox.server, _pin(who)
    outcome, back = await off_loop(phones.answer, server, pin, request_id, answered, notify)
    return {"outcome": outcome, "return_to": back}


@api.post("/phones/{who}/app-link", response_model=PhoneRequest)
async def open_app_link(sandbox: SandboxDep, who: Who, body: AppLink) -> dict[str, Any]:
    """Open an app link on the citizen's phone (a mobile app handing over to VNeID): the request
    it starts; 400 with the authorization request's error (or its redirect) otherwise."""
    opened = await off_loop(phones.open_link, sandbox.server, _pin(who), body.link)
    if isinstance(opened, str):
        raise HTTPException(400, opened)
    return opened
