"""The self-service kiosk (ki-ốt tự phục vụ) at ``/kiosk``: a screen with no keyboard that checks a
patient in by the OAuth 2.0 Device Authorization Grant (RFC 8628, :mod:`clients.rp.device_flow`).

The patient touches their department; the kiosk asks VNeID for a user code (the kiosk's own public
client, ``kiosk_client_id``) and shows it big, with ``verification_uri`` in words and
``verification_uri_complete`` as a QR code (``segno``, inline SVG) for the VNeID app. The screen
refreshes itself (``<meta http-equiv="refresh">``, no script) and each refresh polls the token endpoint
from the server, no sooner than the interval (``slow_down`` lengthens it for good). Refused, expired
or failed: said in words, with "start again". Approved: the ID token is validated, then the patient
is checked in exactly as the check-in page does (:mod:`clients.hospital.checkins`) and the ticket is
shown; the screen then returns to its start for the next patient.

Nobody is ever signed in at the kiosk: the patient logged in on their own phone or browser, and the
kiosk keeps only what the ticket shows. What a screen shows lives in the kiosk browser's session
(``hospital_kiosk``)."""

import math
from typing import Annotated
from typing import Any

import segno
from fastapi import APIRouter
from fastapi import Form
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital import kiosk_chip
from clients.hospital.checkins import check_in
from clients.hospital.kiosk_screens import ENDED_SECONDS
from clients.hospital.kiosk_screens import KIOSK
from clients.hospital.kiosk_screens import NEXT
from clients.hospital.kiosk_screens import start_again
from clients.hospital.kiosk_screens import ticket_screen
from clients.hospital.pages import BHYT_SCOPE
from clients.hospital.pages import DEPARTMENTS
from clients.hospital.pages import Department
from clients.hospital.settings import HospitalSettings
from clients.rp.card_pages import CardDeskDep
from clients.rp.catalogue import catalogue
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.device_flow import DeviceClient
from clients.rp.device_flow import DeviceRequest
from clients.rp.device_flow import Poll
from clients.rp.language import language_of
from clients.rp.logins import Login
from clients.rp.rendering import render

router = APIRouter()


def device_client(settings: HospitalSettings) -> DeviceClient:
    """The kiosk's client of VNeID (built once, by the app factory)."""
    return DeviceClient(settings, settings.kiosk_client_id, settings.kiosk_scope)


def _device(request: Request) -> DeviceClient:
    device: DeviceClient = request.app.state.kiosk
    return device


@router.get("/kiosk")
async def kiosk(request: Request, db: DatabaseDep, desk: CardDeskDep) -> Response:
    """The screen as it is now: start, waiting (polling once if it is time), ended, the ticket, or
    the chip card's screens."""
    screen = request.session.get(KIOSK)
    if not isinstance(screen, dict):
        return render(request, "hospital/kiosk/start.html", departments=DEPARTMENTS)
    if screen.get("screen") == "chip":
        return await kiosk_chip.chip_screen(request, db, desk, screen)
    if screen.get("screen") == "ticket":
        return ticket_screen(request, db, screen)
    if screen.get("screen") == "ended":
        return _ended_screen(request, screen)
    return await _waiting_screen(request, db, screen)


@router.post("/kiosk/start")
async def start(
    request: Request, csrf: CsrfField, department: Annotated[Department, Form()]
) -> Response:
    """A new device authorization for the patient at the screen, at the check-in page's level."""
    check_csrf(request.session, csrf)
    settings: HospitalSettings = request.app.state.settings
    pending = await _device(request).start(settings.acr_values, language_of(request))
    request.session[KIOSK] = {
        "screen": "waiting",
        "department": department,
        "request": pending.as_json(),
        "note": "pending",
    }
    return RedirectResponse("/kiosk", status_code=303)


@router.get(NEXT)
async def next_patient(request: Request, db: DatabaseDep, desk: CardDeskDep) -> Response:
    """Back to the start screen: the last ticket or refusal is gone, a pending code abandoned, a
    reader waiting for a card closed."""
    await kiosk_chip.abandon(request, db, desk)
    return start_again(request)


async def _waiting_screen(request: Request, db: DatabaseDep, screen: dict[str, Any]) -> Response:
    device = _device(request)
    pending = DeviceRequest.from_json(screen.get("request"))
    if pending is None:
        return start_again(request)
    poll = await device.poll(pending)
    if poll.outcome == "approved":
        return _checked_in(request, db, screen, poll)
    if poll.ended:
        return _end(request, screen, poll.outcome, poll.error)
    note = screen.get("note", "pending") if poll.outcome == "waiting" else poll.outcome
    request.session[KIOSK] = {**screen, "request": pending.as_json(), "note": note}
    now = device.clock()
    return render(
        request,
        "hospital/kiosk/waiting.html",
        pending=pending,
        department=screen["department"],
        note=note,
        qr=_qr(request, pending.verification_uri_complete),
        refresh=max(1, math.ceil(pending.next_poll - now)),
        minutes=max(1, math.ceil((pending.expires_at - now) / 60)),
    )


def _checked_in(request: Request, db: DatabaseDep, screen: dict[str, Any], poll: Poll) -> Response:
    """The patient VNeID vouched for, checked in as at the check-in page; their ticket."""
    settings: HospitalSettings = request.app.state.settings
    claims = poll.claims
    patient = Login(
        session_id="",
        sub=str(claims["sub"]),
        acr=str(claims.get("acr", "")),
        account_level=int(claims.get("account_level", 0)),
        claims=claims,
        userinfo=poll.userinfo,
    )
    if not patient.reaches(settings.acr_values, account_level=2):
        return _end(request, screen, "failed", "insufficient_authentication")
    ticket = check_in(db, patient, str(screen["department"]))
    shared = BHYT_SCOPE in poll.scope.split()
    request.session[KIOSK] = {"screen": "ticket", "ticket": ticket.id, "shared": shared}
    return ticket_screen(request, db, request.session[KIOSK])


def _end(request: Request, screen: dict[str, Any], outcome: str, error: str) -> Response:
    request.session[KIOSK] = {
        "screen": "ended",
        "department": screen.get("department"),
        "outcome": outcome,
        "error": error,
    }
    return _ended_screen(request, request.session[KIOSK])


def _ended_screen(request: Request, screen: dict[str, Any]) -> Response:
    outcome = screen.get("outcome")
    return render(
        request,
        "hospital/kiosk/ended.html",
        outcome=outcome if outcome in ("refused", "expired") else "failed",
        error=str(screen.get("error") or ""),
        refresh=ENDED_SECONDS,
        refresh_to=NEXT,
    )


def _qr(request: Request, link: str) -> Markup:
    """``verification_uri_complete`` as a QR code the VNeID app scans (inline SVG, sized by CSS)."""
    title = catalogue().text(language_of(request), "hospital.kiosk.waiting.qr_title")
    code = segno.make(link, error="m", micro=False)
    svg: str = code.svg_inline(scale=6, dark="#111", light="#fff", omitsize=True, title=title)
    return Markup(svg)  # segno escapes the title; the rest is its own markup
