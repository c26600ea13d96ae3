"""The portal's civil-status procedures: birth registration (đăng ký khai sinh, ``/procedures/birth``),
the first of Đề án 06's interconnected procedures (birth → permanent residence → health insurance for
a child under 6), done by a parent with a level-2 identity at LoA3.

The form carries an idempotency key made when it is shown (``request_id``), so that the same form
submitted twice registers one child, and the CSRF token of every form of the app. On submit the portal
calls the provider's population service (:mod:`clients.rp.population_service`) with its own licence
and the parent's access token as ``declarant_token``; field errors come back as stable codes, shown
beside their fields in the page's language; success shows the child's PIN, household, address and
health-insurance card.
"""

import secrets
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.population_service import BIRTHS
from clients.rp.population_service import PopulationService
from clients.rp.rendering import render

router = APIRouter()
BIRTH = "/procedures/birth"
FORM_FIELDS = {
    "child.family_name": "family_name",
    "child.middle_name": "middle_name",
    "child.given_name": "given_name",
    "child.sex": "sex",
    "child.birth_date": "birth_date",
    "child.birth_ward_code": "birth_ward_code",
    "other_parent_pin": "other_parent_pin",
}
"""The service's field -> the form's; any other error is the form's as a whole."""
Text = Annotated[str, Form(max_length=200)]


def _step_up_needed(login: Any) -> bool:
    return login is None or not login.reaches("LoA3", account_level=2)


@router.get(BIRTH)
async def birth_form(request: Request, rp: RPDep, login: LoginDep) -> Response:
    """The declaration form; a weaker login is first stepped up to a level-2 identity at LoA3."""
    if _step_up_needed(login):
        return await rp.authorization_redirect(
            request,
            return_to=BIRTH,
            purpose="birth_registration",
            scope=request.app.state.settings.step_up_scope,
            acr_values="LoA3",
        )
    residence = login.claim("residence") or {} if login else {}
    ward = (residence.get("permanent") or {}).get("ward_code", "")
    values = {"sex": "female", "birth_ward_code": str(ward)}
    return _form(request, values, {}, [], secrets.token_urlsafe(16))


@router.post(BIRTH)
async def birth_submit(
    request: Request,
    login: LoginDep,
    csrf: CsrfField,
    request_id: Annotated[str, Form(max_length=64)],
    family_name: Text = "",
    middle_name: Text = "",
    given_name: Text = "",
    sex: Text = "",
    birth_date: Text = "",
    birth_ward_code: Text = "",
    other_parent_pin: Text = "",
) -> Response:
    check_csrf(request.session, csrf)
    if _step_up_needed(login):
        return RedirectResponse(BIRTH, status_code=303)
    assert login is not None
    values = {
        "family_name": family_name, "middle_name": middle_name, "given_name": given_name,
        "sex": sex, "birth_date": birth_date, "birth_ward_code": birth_ward_code,
        "other_parent_pin": other_parent_pin.strip(),
    }  # fmt: skip
    ward = birth_ward_code.strip()
    child = {
        "family_name": family_name, "middle_name": middle_name, "given_name": given_name,
        "sex": sex, "birth_date": birth_date,
        "birth_ward_code": int(ward) if ward.isascii() and ward.isdigit() else ward,
    }  # fmt: skip
    body: dict[str, Any] = {
        "request_id": request_id,
        "declarant_token": login.access_token,
        "child": child,
    }
    if values["other_parent_pin"]:
        body["other_parent_pin"] = values["other_parent_pin"]
    service: PopulationService = request.app.state.population
    answer = await service.register(request, BIRTHS, body, "birth_registration", request_id)
    if answer.status_code in (200, 201):
        return render(request, "portal/birth_done.html", registration=answer.body)
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for error in answer.body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        code = str(error.get("code", ""))
        field = FORM_FIELDS.get(str(error.get("field", "")))
        if field is None:
            general.append(f"{error.get('field')}.{code}")
        else:
            by_field.setdefault(field, []).append(code)
    if not by_field and not general:
        general.append(f"service.{answer.body.get('error', 'unknown')}")
    return _form(request, values, by_field, general, request_id, status=400)


def _form(
    request: Request,
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    request_id: str,
    status: int = 200,
) -> Response:
    return render(
        request,
        "portal/birth.html",
        status_code=status,
        values=values,
        errors=errors,
        general=general,
        request_id=request_id,
    )
