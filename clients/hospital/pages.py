"""The kiosk's pages: start, the patient's BHYT card and registered facility (from ``health_insurance``),
and the check-in ticket."""

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
from clients.rp.csrf import check_csrf
from clients.rp.csrf import csrf_field
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.pages import facts
from clients.rp.pages import render

router = APIRouter()
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
    missing = (
        ""
        if card
        else "<p role='alert'>Không có thẻ BHYT / no BHYT card: khám dịch vụ / self-paying visit.</p>"
    )
    body = (
        "<h1>Thẻ bảo hiểm y tế / Health-insurance card</h1>"
        + missing
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
        "<p><button type='submit'>Lấy số thứ tự / Get my number</button></p></form>"
    )
    return render(request, "Thẻ BHYT", body)


@router.post("/checkin")
def checkin(
    request: Request,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    department: Annotated[Department, Form()],
) -> Response:
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
    return RedirectResponse(f"/ticket/{ticket.id}", status_code=303)


@router.get("/ticket/{ticket_id}")
def ticket_page(request: Request, ticket_id: int, login: LoginDep, db: DatabaseDep) -> Response:
    ticket = db.get(CheckIn, ticket_id)
    if ticket is None or login is None or ticket.sub != login.sub:
        return render(request, "Không tìm thấy", "<h1>Không tìm thấy / Not found</h1>", 404)
    same_day = db.exec(select(CheckIn).where(CheckIn.department == ticket.department)).all()
    number = [t.id for t in same_day].index(ticket.id) + 1
    body = f"<h1>Số thứ tự / Your number: <span id='queue-number'>{number:03d}</span></h1>" + facts(
        [
            ("Người bệnh / Patient", ticket.patient),
            ("Khoa / Department", DEPARTMENTS.get(ticket.department, ticket.department)),
            ("Thẻ BHYT / Card", ticket.card_number),
            ("Nơi đăng ký KCB ban đầu / Registered facility", ticket.registered_facility),
            ("Mức hưởng / Benefit level", ticket.benefit_level),
        ]
    )
    return render(request, "Số thứ tự", body)
