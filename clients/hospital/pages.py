"""The kiosk's pages: start, the patient's BHYT card and registered facility (from ``health_insurance``),
and the check-in ticket.

A patient who unticked ``health_insurance`` at consent (the token response's ``scope`` lacks it) is told
they chose not to share the card, and offered to share it: a new authorization request for it with
``prompt=consent``. Printing the ticket ends the patient's visit at the kiosk: the local login and, by
RP-initiated logout (``id_token_hint``, the registered ``post_logout_redirect_uri``), the patient's
VNeID session, so the next patient starts clean; the ticket is shown once, after the logout."""

from html import escape
from typing import Annotated
from typing import Any
from typing import Literal

from fastapi import APIRouter
from fastapi import Form
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital.models import CheckIn
from clients.hospital.settings import HospitalSettings
from clients.rp.csrf import check_csrf
from clients.rp.csrf import csrf_field
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.pages import facts
from clients.rp.pages import render

router = APIRouter()
BHYT_SCOPE = "health_insurance"
PRINTED = "hospital_printed_ticket"
DEPARTMENTS = {
    "noi": "Khoa Nội / Internal medicine",
    "nhi": "Khoa Nhi / Paediatrics",
    "mat": "Khoa Mắt / Ophthalmology",
}
Department = Literal["noi", "nhi", "mat"]


@router.get("/")
def home(request: Request) -> Response:
    body = (
        "<h1>Tiếp đón người bệnh / Patient check-in</h1><p class='note'>Khám bảo hiểm y tế: đăng nhập "
        "VNeID để lấy thẻ BHYT. <span lang='en'>Health-insurance visit: log in with VNeID to bring "
        "your BHYT card.</span></p><p><a href='/checkin'>Bắt đầu / Start</a></p>"
    )
    return render(request, "Tiếp đón", body)


@router.get("/checkin")
async def checkin_form(request: Request, rp: RPDep, login: LoginDep) -> Response:
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(request, return_to="/checkin", purpose="check-in")
    card: dict[str, Any] = login.claim("health_insurance") or {}
    options = "".join(f"<option value='{k}'>{escape(v)}</option>" for k, v in DEPARTMENTS.items())
    body = (
        "<h1>Thẻ bảo hiểm y tế / Health-insurance card</h1>"
        + _card_notice(bool(card), BHYT_SCOPE in rp.granted_scopes(request))
        + facts(
            [
                ("Họ và tên / Name", login.claim("name")),
                ("Ngày sinh / Date of birth", login.claim("birthdate")),
                ("Số thẻ BHYT / Card number", card.get("card_number")),
                ("Mã số BHXH / Social-insurance code", card.get("social_insurance_code")),
                ("Mức hưởng / Benefit level", card.get("benefit_level")),
                ("Nơi đăng ký KCB ban đầu / Registered facility", card.get("registered_facility")),
                ("Giá trị từ / Valid from", card.get("valid_from")),
                ("Đến / Valid to", card.get("valid_to")),
            ]
        )
        + f"<form method='post' action='/checkin'>{csrf_field(request.session)}"
        f"<label for='department'>Khoa khám / Department</label>"
        f"<select id='department' name='department'>{options}</select>"
        "<p><button type='submit'>In số thứ tự / Print my number</button></p></form>"
        "<p class='note'>Sau khi in phiếu, ki-ốt đăng xuất bạn khỏi ki-ốt và khỏi VNeID. "
        "<span lang='en'>Once the ticket is printed, the kiosk logs you out of the kiosk and of "
        "VNeID.</span></p>"
    )
    return render(request, "Thẻ BHYT", body)


def _card_notice(has_card: bool, shared: bool) -> str:
    """Why no card is shown: the patient did not share it (with an offer to share it), or has none."""
    if has_card:
        return ""
    if not shared:
        return (
            "<p role='alert'>Bạn đã chọn không chia sẻ thẻ BHYT: lượt khám này là khám dịch vụ. "
            "<span lang='en'>You chose not to share your BHYT card: this visit is self-paying."
            "</span></p><p><a href='/checkin/share-card'>Chia sẻ thẻ BHYT / Share my BHYT card</a>"
            "</p>"
        )
    return "<p role='alert'>Không có thẻ BHYT / no BHYT card: khám dịch vụ / self-paying visit.</p>"


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
        purpose="share BHYT card (prompt=consent)",
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
    card: dict[str, Any] = login.claim("health_insurance") or {}
    ticket = CheckIn(
        sub=login.sub,
        patient=str(login.claim("name") or ""),
        card_number=str(card.get("card_number", "")),
        registered_facility=str(card.get("registered_facility", "")),
        benefit_level=str(card.get("benefit_level", "")),
        department=department,
    )
    db.add(ticket)
    db.commit()
    request.session[PRINTED] = ticket.id
    return await rp.logout_redirect(request, then="/ticket")


@router.get("/ticket")
def ticket_page(request: Request, db: DatabaseDep) -> Response:
    """The ticket just printed, shown once (the next patient at the kiosk does not see it)."""
    ticket_id = request.session.pop(PRINTED, None)
    ticket = db.get(CheckIn, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None:
        return RedirectResponse("/", status_code=303)
    same_day = db.exec(select(CheckIn).where(CheckIn.department == ticket.department)).all()
    number = [t.id for t in same_day].index(ticket.id) + 1
    body = (
        f"<h1>Số thứ tự / Your number: <span id='queue-number'>{number:03d}</span></h1>"
        + facts(
            [
                ("Người bệnh / Patient", ticket.patient),
                ("Khoa / Department", DEPARTMENTS.get(ticket.department, ticket.department)),
                ("Thẻ BHYT / Card", ticket.card_number),
                ("Nơi đăng ký KCB ban đầu / Registered facility", ticket.registered_facility),
                ("Mức hưởng / Benefit level", ticket.benefit_level),
            ]
        )
        + "<p class='note'>Bạn đã được đăng xuất khỏi ki-ốt và khỏi VNeID. <span lang='en'>You are "
        "logged out of the kiosk and of VNeID.</span></p>"
        "<p><a href='/'>Người bệnh tiếp theo / Next patient</a></p>"
    )
    return render(request, "Số thứ tự", body)
