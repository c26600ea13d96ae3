"""The portal's pages: the service catalogue, the judicial-record request (step-up to a level-2 identity
at LoA3, form pre-filled from ``eid_card``, ``residence`` and ``household``) and the citizen's requests."""

from html import escape
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
from clients.rp.csrf import check_csrf
from clients.rp.csrf import csrf_field
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.logins import Login
from clients.rp.pages import facts
from clients.rp.pages import render

router = APIRouter()
SERVICES = (
    ("Cấp Phiếu lý lịch tư pháp", "Judicial-record certificate", "/judicial-record", "LoA3"),
    ("Đăng ký thường trú", "Permanent residence registration", "", "LoA2"),
    ("Cấp đổi giấy phép lái xe", "Driving-licence renewal", "", "LoA2"),
    ("Tra cứu hồ sơ", "Track my applications", "/requests", "LoA2"),
)


@router.get("/")
def home(request: Request, login: LoginDep) -> Response:
    rows = "".join(
        f"<tr><td>{escape(vi)}<br><span lang='en' class='en'>{escape(en)}</span></td>"
        f"<td><code>{level}</code></td><td>"
        + (f"<a href='{link}'>Nộp trực tuyến / Apply</a>" if link else "(minh họa / demo only)")
        + "</td></tr>"
        for vi, en, link, level in SERVICES
    )
    greeting = (
        f"<p class='note'>Xin chào {escape(str(login.claim('HoVaTen') or login.claim('name')))} "
        f"(SoDinhDanh {escape(str(login.claim('SoDinhDanh') or ''))}).</p>"
        if login
        else "<p class='note'>Đăng nhập một lần bằng VNeID (LoA2). "
        "<span lang='en'>Single sign-on with VNeID.</span></p>"
    )
    body = (
        "<h1>Dịch vụ công trực tuyến / Online public services</h1>"
        f"{greeting}<table><tr><th>Dịch vụ / Service</th><th>Mức xác thực / level</th><th></th></tr>"
        f"{rows}</table>"
    )
    return render(request, "Trang chủ / Home", body)


@router.get("/judicial-record")
async def judicial_record_form(request: Request, rp: RPDep, login: LoginDep) -> Response:
    """The request form; a weaker login is first stepped up to a level-2 identity at LoA3."""
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(
            request,
            return_to="/judicial-record",
            purpose="step-up: Phiếu lý lịch tư pháp (LoA3)",
            scope=request.app.state.settings.step_up_scope,
            acr_values="LoA3",
        )
    prefilled = _prefill(login)
    body = (
        "<h1>Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp</h1>"
        "<p class='note'>Thông tin dưới đây lấy từ VNeID (căn cước điện tử, cư trú, hộ gia đình) và "
        "không sửa được. <span lang='en'>Filled in from VNeID (e-ID card, residence, household); "
        "read-only.</span></p>"
        f"{facts(list(prefilled.items()))}{_household(login)}"
        f"<form method='post' action='/judicial-record'>{csrf_field(request.session)}"
        "<label for='certificate_type'>Loại phiếu / Certificate</label>"
        "<select id='certificate_type' name='certificate_type'>"
        "<option value='1'>Phiếu số 1</option><option value='2'>Phiếu số 2</option></select>"
        "<label for='copies'>Số lượng / Copies</label>"
        "<input id='copies' name='copies' type='number' min='1' max='5' value='1' required>"
        "<label for='purpose'>Mục đích / Purpose</label>"
        "<input id='purpose' name='purpose' maxlength='200' required size='60'>"
        "<p><button type='submit'>Nộp hồ sơ / Submit</button></p></form>"
    )
    return render(request, "Phiếu lý lịch tư pháp", body)


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
        place_of_origin=_place(card.get("place_of_origin")),
        permanent_address=_place(residence.get("permanent")),
        current_address=_place(residence.get("current")),
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
    rows = "".join(
        f"<tr><td>LLTP-{r.id:06d}</td><td>{escape(r.full_name)}</td><td>Phiếu số "
        f"{r.certificate_type}</td><td>{r.copies}</td><td>{escape(r.purpose)}</td>"
        f"<td><code>{escape(r.acr)}</code></td><td>Đã tiếp nhận / Received</td></tr>"
        for r in db.exec(statement)
    )
    body = (
        "<h1>Hồ sơ của tôi / My applications</h1><table><tr><th>Mã hồ sơ</th><th>Họ tên</th>"
        "<th>Loại</th><th>Số bản</th><th>Mục đích</th><th>acr</th><th>Trạng thái</th></tr>"
        f"{rows}</table>"
    )
    return render(request, "Hồ sơ của tôi", body)


def _place(value: Any) -> str:
    """An address or place of the catalogue (``street_address``, ``ward``, ``province``) on one line."""
    if not isinstance(value, dict):
        return ""
    parts = (value.get("street_address"), value.get("ward"), value.get("province"))
    return ", ".join(str(part) for part in parts if part)


def _prefill(login: Login) -> dict[str, str]:
    card: dict[str, Any] = login.claim("eid_card") or {}
    residence: dict[str, Any] = login.claim("residence") or {}
    household: dict[str, Any] = login.claim("household") or {}
    return {
        "Họ và tên / Full name": str(login.claim("name") or ""),
        "Số định danh cá nhân / PIN": str(login.claim("personal_id_number") or ""),
        "Ngày sinh / Date of birth": str(login.claim("birthdate") or ""),
        "Giới tính / Sex": str(login.claim("gender") or ""),
        "Quốc tịch / Nationality": str(login.claim("nationality") or ""),
        "Dân tộc / Ethnicity": str(login.claim("ethnicity") or ""),
        "Thẻ căn cước / Card": f"{card.get('number', '')} · {card.get('issued_on', '')}",
        "Nơi cấp / Issued by": str(card.get("issued_by", "")),
        "Quê quán / Place of origin": _place(card.get("place_of_origin")),
        "Nơi thường trú / Permanent residence": _place(residence.get("permanent")),
        "Nơi ở hiện tại / Current residence": _place(residence.get("current")),
        "Số hộ / Household number": str(household.get("number", "")),
    }


def _household(login: Login) -> str:
    household: dict[str, Any] = login.claim("household") or {}
    members = household.get("members") or []
    rows = "".join(
        f"<tr><td>{escape(str(m.get('name', '')))}</td><td>{escape(str(m.get('birthdate', '')))}"
        f"</td><td>{escape(str(m.get('relation_to_head', '')))}</td></tr>"
        for m in members
        if isinstance(m, dict)
    )
    return (
        "<h2>Thành viên hộ gia đình / Household members</h2><table><tr><th>Họ tên</th>"
        f"<th>Ngày sinh</th><th>Quan hệ với chủ hộ</th></tr>{rows}</table>"
    )
