"""The bank's teller counter (quầy giao dịch): a customer standing at the counter proves who they are on
their own phone, by VNeID's back-channel authentication (OpenID Connect CIBA Core 1.0, poll mode,
:mod:`clients.bank.ciba`), at ``LoA4``.

The teller types the customer's PIN and the operation; the bank asks VNeID with a binding message it
makes up (``QUAY-3 4821``: the counter and four random digits, §7.1), shown big so that the customer
can compare it with their phone. The waiting page polls the token endpoint from the server each time it
is loaded, never sooner than the provider's ``interval`` (grown by ``slow_down``, §11), and reloads
itself by the ``Refresh`` header when the next poll is due (no script: the pages' CSP). The tokens'
ID token is verified (:meth:`~clients.bank.ciba.CounterClient.verified_claims`), userinfo read, and the
result kept in the bank's database (:class:`~clients.bank.models.CounterVisit`); a visit is shown only
to the browser that started it. Errors of ``/bc-authorize`` come back as the form's field errors.
"""

import math
import secrets
import time
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.bank.ciba import AUTH_METHOD
from clients.bank.ciba import CibaError
from clients.bank.ciba import CounterClient
from clients.bank.ciba import PollAnswer
from clients.bank.ciba import Started
from clients.bank.models import CounterVisit
from clients.bank.settings import BankSettings
from clients.rp import id_tokens
from clients.rp import inspector
from clients.rp.catalogue import catalogue
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.errors import PageError
from clients.rp.language import language_of
from clients.rp.relying_party import LoginError
from clients.rp.rendering import render

router = APIRouter()
VISITS = "bank_counter_visits"
"""Session key: the visits this browser started (the only ones it may see)."""
KEEP_VISITS = 20
OPERATIONS = ("open_account", "update_details", "replace_card", "cash_withdrawal")
PIN_ERRORS = ("unknown_user_id", "invalid_request", "access_denied")
"""Errors of ``/bc-authorize`` that are about the PIN typed (§13): shown beside that field."""
ENDED = {"access_denied": "refused", "expired_token": "expired"}
SLOW_DOWN_STEP = 5
"""Seconds §11 says to add to the interval after ``slow_down``."""


def _counter(request: Request) -> CounterClient:
    settings: BankSettings = request.app.state.settings
    return CounterClient(settings, request.app.state.rp)


@router.get("/counter")
def counter_form(request: Request) -> Response:
    return _form(request)


def _form(
    request: Request,
    status_code: int = 200,
    pin: str = "",
    operation: str = OPERATIONS[0],
    errors: dict[str, str] | None = None,
) -> Response:
    settings: BankSettings = request.app.state.settings
    return render(
        request,
        "bank/counter.html",
        status_code,
        number=settings.counter_number,
        operations=OPERATIONS,
        pin=pin,
        operation=operation,
        errors=errors or {},
    )


@router.post("/counter")
async def start(
    request: Request,
    db: DatabaseDep,
    csrf: CsrfField,
    operation: Annotated[str, Form(pattern=f"^({'|'.join(OPERATIONS)})$")],
    pin: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Ask VNeID for the customer's approval; to the waiting page, or the form with the error."""
    check_csrf(request.session, csrf)
    pin = "".join(pin.split())  # a PIN read aloud is often typed in groups
    counter = _counter(request)
    binding_message = _binding_message(counter.settings.counter_number)
    try:
        started = await counter.start(pin, binding_message)
    except CibaError as error:
        field = "pin" if error.error in PIN_ERRORS else "form"
        status = 502 if error.error == "temporarily_unavailable" else 400
        return _form(request, status, pin, operation, {field: _error_words(request, error.error)})
    visit = _opened(db, started, operation, pin, binding_message)
    owned: list[int] = request.session.setdefault(VISITS, [])
    owned.append(visit.id or 0)
    del owned[:-KEEP_VISITS]
    parameters = counter.request_parameters(pin, binding_message)
    answer = {"auth_req_id": started.auth_req_id, "expires_in": started.expires_in}
    details = {
        "endpoint": started.endpoint,
        "auth_method": AUTH_METHOD,
        "parameters": parameters,
        "response": inspector.shortened({**answer, "interval": started.interval}),
    }
    inspector.start_backchannel_flow(request.session, _flow_key(visit), "counter", details)
    return RedirectResponse(f"/counter/{visit.id}", status_code=303)


def _binding_message(number: int) -> str:
    """Short enough to read aloud and compare at a glance; random so that another request (another
    counter, another bank) cannot show the same words on the phone."""
    return f"QUAY-{number} {secrets.randbelow(10_000):04d}"


def _opened(
    db: Session, started: Started, operation: str, pin: str, binding_message: str
) -> CounterVisit:
    now = time.time()
    visit = CounterVisit(
        operation=operation,
        login_hint=pin,
        binding_message=binding_message,
        auth_req_id=started.auth_req_id,
        interval=started.interval,
        next_poll_at=now + started.interval,  # §7.3: the first poll is welcome after the interval
        expires_at=now + started.expires_in,
        started_at=now,
    )
    db.add(visit)
    db.commit()
    db.refresh(visit)
    return visit


def _flow_key(visit: CounterVisit) -> str:
    return f"ciba-{visit.id}"


def _error_words(request: Request, error: str) -> str:
    lang, words = language_of(request), catalogue()
    key = f"bank.counter.errors.{error}"
    found = key if words.has(lang, key) else "bank.counter.errors.default"
    return words.text(lang, found, error=error)


@router.get("/counter/{visit_id}")
async def visit_page(request: Request, visit_id: int, db: DatabaseDep) -> Response:
    """The visit: waiting (polled now if a poll is due), or how it ended."""
    visit = db.get(CounterVisit, visit_id)
    if visit is None or visit_id not in request.session.get(VISITS, []):
        raise PageError(404, "bank.counter.errors.no_such_visit")
    if visit.status == "pending" and time.time() >= visit.next_poll_at:
        await _poll(request, db, visit)
    response = render(
        request,
        "bank/counter_visit.html",
        visit=visit,
        remaining=max(0, math.ceil(visit.expires_at - time.time())),
    )
    if visit.status == "pending":
        # Reload when the next poll is due: never sooner than the provider's interval.
        response.headers["Refresh"] = str(max(1, math.ceil(visit.next_poll_at - time.time())))
    return response


async def _poll(request: Request, db: Session, visit: CounterVisit) -> None:
    """One poll and what it means for the visit (§11); saved."""
    counter = _counter(request)
    answer = await counter.poll(visit.auth_req_id)
    visit.polls += 1
    now = time.time()
    if answer.error == "slow_down":
        visit.interval += SLOW_DOWN_STEP
    if answer.error in ("authorization_pending", "slow_down", "temporarily_unavailable"):
        visit.next_poll_at = now + visit.interval
    elif answer.error is not None:
        _end(visit, ENDED.get(answer.error, "failed"), answer.error)
        _record_polls(request, visit, answer.error)
    else:
        _record_polls(request, visit, "tokens")
        await _verify(request, counter, visit, answer)
    db.add(visit)
    db.commit()
    db.refresh(visit)


def _end(visit: CounterVisit, status: str, error: str = "") -> None:
    visit.status, visit.error = status, error
    visit.finished_at = time.time()
    visit.auth_req_id = ""


async def _verify(
    request: Request, counter: CounterClient, visit: CounterVisit, answer: PollAnswer
) -> None:
    """The tokens: the ID token verified, userinfo read, the customer's facts kept."""
    tokens = answer.tokens
    _record(request, visit, "token_response", _token_step(answer))
    id_token = str(tokens["id_token"])
    await _describe(request, counter, visit, id_token)
    try:
        claims = await counter.verified_claims(id_token)
    except CibaError as error:
        _end(visit, "failed", error.error)
        return
    userinfo = await counter.userinfo(str(tokens.get("access_token", "")))
    if userinfo.get("sub") != claims["sub"]:  # Core §5.3.2: never another citizen's data
        userinfo = {}
    _record(request, visit, "userinfo", userinfo)
    _keep_customer(visit, claims, userinfo)


def _keep_customer(visit: CounterVisit, claims: dict[str, Any], userinfo: dict[str, Any]) -> None:
    found = {**claims, **userinfo}
    visit.sub = str(claims["sub"])
    visit.name = str(found.get("name") or "")
    visit.personal_id_number = str(found.get("personal_id_number") or "")
    visit.acr = str(claims.get("acr", ""))
    amr = claims.get("amr")
    visit.amr = [str(method) for method in amr] if isinstance(amr, list) else []
    auth_time = claims.get("auth_time")
    visit.auth_time = auth_time if isinstance(auth_time, int) else 0
    _end(visit, "approved")


def _token_step(answer: PollAnswer) -> dict[str, Any]:
    response = {k: v for k, v in answer.tokens.items() if k != "expires_at"}
    return {
        "endpoint": answer.endpoint,
        "auth_method": AUTH_METHOD,
        "response": inspector.shortened(response),
    }


async def _describe(
    request: Request, counter: CounterClient, visit: CounterVisit, id_token: str
) -> None:
    """The ID token as the inspector shows it (header, claims, the signature's verdict)."""
    try:
        jwks = await counter.rp.provider_jwks()
        metadata = await counter.rp.metadata()
    except LoginError:  # the inspector's description must never stop the check itself
        return
    algorithms = list(metadata.get("id_token_signing_alg_values_supported", ["RS256"]))
    described = id_tokens.describe(id_token, jwks, algorithms)
    _record(request, visit, "id_token", {**described, "jwe_header": {}})


def _record_polls(request: Request, visit: CounterVisit, last_answer: str) -> None:
    """The polls as one step, once the request has ended (each pending poll would be noise)."""
    polled = {"polls": visit.polls, "interval": visit.interval, "answer": last_answer}
    _record(request, visit, "backchannel_poll", polled)


def _record(request: Request, visit: CounterVisit, step: str, data: dict[str, Any]) -> None:
    inspector.record(request.session, _flow_key(visit), step, data)
