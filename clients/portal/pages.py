"""The portal's pages: the service catalogue, the judicial-record request (step-up to a level-2 identity
at LoA3, form pre-filled from ``eid_card``, ``residence`` and ``household``) and the citizen's requests.
The home page shows the signed-in citizen's address, marked when VNeID reported it changed."""

from dataclasses import dataclass
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from sqlmodel import col
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.portal.models import JudicialRecordRequest
from clients.portal.vneid_updates import address_of
from clients.portal.vneid_updates import updated_since_login
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.formats import place
from clients.rp.rendering import render

router = APIRouter()


@dataclass(frozen=True)
class Service:
    """One line of the catalogue: its message key, the level it needs, where to apply (if anywhere)."""

    key: str
    level: str
    link: str = ""
    action: str = "apply"


SERVICES = (
    Service("judicial_record", "LoA3", "/judicial-record"),
    Service("birth", "LoA3", "/procedures/birth"),
    Service("residence", "LoA2"),
    Service("driving_licence", "LoA2"),
    Service("track", "LoA2", "/requests", "track"),
)


@router.get("/")
def home(request: Request, login: LoginDep, db: DatabaseDep) -> Response:
    """The catalogue; for a signed-in citizen, their address as the portal knows it, marked when
    VNeID reported it changed since they logged in."""
    address = address_of(login) if login is not None else None
    update = updated_since_login(db, login)
    updated = update is not None and address is not None and address.claim in update.claims
    return render(
        request,
        "portal/home.html",
        services=SERVICES,
        address=address,
        updated_at=update.received_at if updated and update is not None else None,
    )


@router.get("/judicial-record")
async def judicial_record_form(request: Request, rp: RPDep, login: LoginDep) -> Response:
    """The request form; a weaker login is first stepped up to a level-2 identity at LoA3."""
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(
            request,
            return_to="/judicial-record",
            purpose="judicial_record",
            scope=request.app.state.settings.step_up_scope,
            acr_values="LoA3",
        )
    return render(
        request,
        "portal/judicial_record.html",
        card=login.claim("eid_card") or {},
        residence=login.claim("residence") or {},
        household=login.claim("household") or {},
    )


@router.post("/judicial-record")
async def judicial_record_submit(
    request: Request,
    rp: RPDep,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    certificate_type: Annotated[int, Form(ge=1, le=2)],
    copies: Annotated[int, Form(ge=1, le=5)],
    purpose: Annotated[str, Form(min_length=3, max_length=200)],
) -> Response:
    check_csrf(request.session, csrf)
    if login is None or not login.reaches("LoA3", account_level=2):
        return RedirectResponse("/judicial-record", status_code=303)
    card: dict[str, Any] = login.claim("eid_card") or {}
    residence: dict[str, Any] = login.claim("residence") or {}
    household: dict[str, Any] = login.claim("household") or {}
    submitted = JudicialRecordRequest(
        sub=login.sub,
        acr=login.acr,
        full_name=str(login.claim("name") or ""),
        personal_id_number=str(login.claim("personal_id_number") or ""),
        birthdate=str(login.claim("birthdate") or ""),
        gender=str(login.claim("gender") or ""),
        nationality=str(login.claim("nationality") or ""),
        ethnicity=str(login.claim("ethnicity") or ""),
        card_issued_on=str(card.get("issued_on", "")),
        card_issued_by=str(card.get("issued_by", "")),
        place_of_origin=place(card.get("place_of_origin")),
        permanent_address=place(residence.get("permanent")),
        current_address=place(residence.get("current")),
        household_number=str(household.get("number", "")),
        certificate_type=certificate_type,
        copies=copies,
        purpose=purpose.strip(),
    )
    db.add(submitted)
    db.commit()
    return RedirectResponse("/requests", status_code=303)


@router.get("/requests")
async def my_requests(request: Request, rp: RPDep, login: LoginDep, db: DatabaseDep) -> Response:
    if login is None:
        return await rp.authorization_redirect(request, return_to="/requests")
    statement = (
        select(JudicialRecordRequest)
        .where(JudicialRecordRequest.sub == login.sub)
        .order_by(col(JudicialRecordRequest.id).desc())
    )
    return render(request, "portal/requests.html", requests=db.exec(statement).all())
