"""The kiosk's pages: start, the patient's BHYT card and registered facility (from ``health_insurance``),
and the check-in ticket.

A patient who unticked ``health_insurance`` at consent (the token response's ``scope`` lacks it) is told
they chose not to share the card, and offered to share it: a new authorization request for it with
``prompt=consent``. Printing the ticket ends the patient's visit at the kiosk: the local login and, by
RP-initiated logout (``id_token_hint``, the registered ``post_logout_redirect_uri``), the patient's
VNeID session, so the next patient starts clean; the ticket is shown once, after the logout."""

from typing import Annotated
from typing import Literal

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital.checkins import check_in
from clients.hospital.checkins import queue_number
from clients.hospital.models import CheckIn
from clients.hospital.settings import HospitalSettings
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.rendering import render

router = APIRouter()
BHYT_SCOPE = "health_insurance"
PRINTED = "hospital_printed_ticket"
PRINTED_BY_CARD = "hospital_printed_by_card"
"""Set when the printed ticket came from a chip card: nobody was logged in, nobody logged out."""
Department = Literal["noi", "nhi", "mat"]
DEPARTMENTS: tuple[Department, ...] = ("noi", "nhi", "mat")
"""Internal medicine, paediatrics, ophthalmology (their names: ``hospital.departments.*``)."""


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "hospital/home.html")


@router.get("/checkin")
async def checkin_form(request: Request, rp: RPDep, login: LoginDep) -> Response:
    """The card (or why there is none: not shared, with an offer to share it, or no card at all)."""
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(request, return_to="/checkin", purpose="checkin")
    return render(
        request,
        "hospital/checkin.html",
        card=login.claim("health_insurance") or {},
        shared=BHYT_SCOPE in rp.granted_scopes(request),
        departments=DEPARTMENTS,
    )


@router.get("/checkin/share-card")
async def share_card(request: Request, rp: RPDep, login: LoginDep) -> Response:
    """Ask the patient again for the BHYT card: the consent page is shown (``prompt=consent``) with
    ``health_insurance`` among the scopes, for the same patient only."""
    if login is None:
        return RedirectResponse("/checkin", status_code=303)
    settings: HospitalSettings = request.app.state.settings
    scope = " ".join(dict.fromkeys([*settings.scope.split(), BHYT_SCOPE]))
    return await rp.authorization_redirect(
        request,
        return_to="/checkin",
        purpose="share_card",
        scope=scope,
        prompt="consent",
        same_citizen=login,
    )


@router.post("/checkin")
async def checkin(
    request: Request,
    rp: RPDep,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    department: Annotated[Department, Form()],
) -> Response:
    """The ticket is issued (printed), then the patient is logged out here and at VNeID; the ticket
    page follows the logout."""
    check_csrf(request.session, csrf)
    if login is None or not login.reaches("LoA3", account_level=2):
        return RedirectResponse("/checkin", status_code=303)
    ticket = check_in(db, login, department)
    request.session[PRINTED] = ticket.id
    return await rp.logout_redirect(request, then="/ticket")


@router.get("/ticket")
def ticket_page(request: Request, db: DatabaseDep) -> Response:
    """The ticket just printed, shown once (the next patient at the kiosk does not see it)."""
    ticket_id = request.session.pop(PRINTED, None)
    by_card = bool(request.session.pop(PRINTED_BY_CARD, False))
    ticket = db.get(CheckIn, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None:
        return RedirectResponse("/", status_code=303)
    number = queue_number(db, ticket)
    return render(request, "hospital/ticket.html", ticket=ticket, number=number, by_card=by_card)
