"""The factors after the password (step-up): SMS one-time code, passcode, simulated face match.

Each is shown by :func:`idp.login.steps.factor_page` when :func:`idp.login.interaction.next_step` names
it, and posted to its own route; a right answer adds the factor to the interaction's session (same
``sid``) and is answered with the next step's page itself. Every success and failure is audited.
"""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from starlette.responses import RedirectResponse
from starlette.responses import Response

from idp.deps import ClientAddressDep
from idp.deps import InteractionBindingDep
from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.login import interaction
from idp.login import otp
from idp.login.auth_events import attempt_limited
from idp.login.auth_events import audit
from idp.login.auth_events import count_otp
from idp.login.auth_events import otp_locked_out
from idp.login.auth_events import passcode_attempt
from idp.login.interaction import Record
from idp.login.interaction import Step
from idp.login.session import LoginSession
from idp.login.session import save_session
from idp.login.steps import TOO_MANY
from idp.login.steps import current_page
from idp.login.steps import factor_page
from idp.login.steps import phone_of
from idp.oidc.accounts import find_record
from idp.oidc.assurance import FACE
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import SMS_OTP
from idp.oidc.assurance import achieved_acr
from idp.oidc.server import AuthorizationServer

router = APIRouter(include_in_schema=False)  # HTML pages: the OpenAPI schema is the JSON API
OTP_ERRORS = {
    otp.Checked.WRONG: "Mã OTP không đúng. / Wrong code.",
    otp.Checked.DEAD: "Nhập sai quá 5 lần, mã đã bị hủy; hãy gửi lại mã. / Too many wrong tries; "
    "the code is dead, request a new one.",
    otp.Checked.EXPIRED: "Mã đã hết hạn hoặc đã được dùng; hãy gửi lại mã. / The code expired or "
    "was used; request a new one.",
}
OTP_LOCKED = (
    "Nhập sai mã quá nhiều lần; tạm khóa xác thực bằng SMS, vui lòng thử lại sau. / Too many wrong "
    "codes: codes by SMS are locked for a while, try again later."
)
RESEND_ERRORS = {
    otp.Sent.THROTTLED: "Vui lòng đợi trước khi gửi lại mã. / Please wait before asking again.",
    otp.Sent.CAPPED: "Đã gửi quá số lần cho phép. / Too many codes sent for this login.",
}
WRONG_PASSCODE = "Mã bảo vệ không đúng. / Wrong passcode."
NO_MATCH = "Khuôn mặt không khớp. / The face does not match."


def _at_step(
    server: AuthorizationServer,
    uid: str,
    binding: str,
    csrf: str,
    session: LoginSession | None,
    factor: str,
) -> tuple[Record, LoginSession] | Response:
    """The record and session when ``factor`` is what this interaction's session must do now; else
    the expired page (unknown interaction, wrong CSRF token) or a redirect to the current step."""
    record = interaction.load(server, uid, binding, csrf)
    if record is None:
        return interaction.gone()
    if session is None or interaction.next_step(record, session).kind != factor:
        return _back(uid)
    return record, session


def _passed(
    server: AuthorizationServer, uid: str, record: Record, session: LoginSession, factor: str
) -> Response:
    session.add_factor(factor)
    save_session(server.store, session, server.settings.session_ttl)
    return current_page(server, uid, record, session)


def _too_many(
    server: AuthorizationServer, uid: str, record: Record, session: LoginSession, step: Step
) -> Response:
    """The factor's page, refused for the rest of the rate window (429 with Retry-After)."""
    response = factor_page(server, uid, record, session, step, TOO_MANY, 429)
    response.headers["Retry-After"] = str(server.settings.login_rate_window)
    return response


def _back(uid: str) -> RedirectResponse:
    return RedirectResponse(f"/interaction/{uid}", status_code=303)


@router.post("/interaction/{uid}/otp")
async def submit_otp(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    otp_code: Annotated[str, Form(alias="otp", max_length=16)],
    csrf: Annotated[str, Form(max_length=64)],
    ip: ClientAddressDep,
) -> Response:
    found = _at_step(server, uid, binding, csrf, session, SMS_OTP)
    if isinstance(found, Response):
        return found
    record, citizen = found
    client_id = record.get("client_id")
    if attempt_limited(server, citizen.pin, ip, client_id, SMS_OTP):
        return _too_many(server, uid, record, citizen, Step(SMS_OTP))
    if otp_locked_out(server, citizen.pin, client_id):
        return factor_page(server, uid, record, citizen, Step(SMS_OTP), OTP_LOCKED, 429)
    checked = otp.verify(server, uid, citizen.pin, otp_code)
    if checked is not otp.Checked.EXPIRED:
        count_otp(server, citizen.pin, client_id, ip, right=checked is otp.Checked.OK)
    if checked is otp.Checked.OK:
        acr = achieved_acr(citizen.methods | {SMS_OTP}, citizen.account_level)
        audit(server, "success", citizen.pin, client_id, SMS_OTP, acr)
        return _passed(server, uid, record, citizen, SMS_OTP)
    audit(server, "failure", citizen.pin, client_id, SMS_OTP, detail=checked.value)
    if checked is otp.Checked.DEAD:
        audit(server, "lockout", citizen.pin, client_id, SMS_OTP, detail="code dead")
    step = Step(SMS_OTP)
    return factor_page(server, uid, record, citizen, step, OTP_ERRORS[checked], 401)


@router.post("/interaction/{uid}/otp/resend")
async def resend_otp(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    found = _at_step(server, uid, binding, csrf, session, SMS_OTP)
    if isinstance(found, Response):
        return found
    record, citizen = found
    phone = phone_of(server, citizen.pin)
    if phone is None:
        return _back(uid)
    sent = otp.resend(server, uid, citizen.pin, phone)
    if sent is otp.Sent.SENT:
        return _back(uid)
    step = Step(SMS_OTP)
    return factor_page(server, uid, record, citizen, step, RESEND_ERRORS[sent], 429)


@router.post("/interaction/{uid}/passcode")
async def submit_passcode(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    passcode: Annotated[str, Form(max_length=16)],
    csrf: Annotated[str, Form(max_length=64)],
    ip: ClientAddressDep,
) -> Response:
    found = _at_step(server, uid, binding, csrf, session, PASSCODE)
    if isinstance(found, Response):
        return found
    record, citizen = found
    client_id = record.get("client_id")
    if attempt_limited(server, citizen.pin, ip, client_id, PASSCODE):
        return _too_many(server, uid, record, citizen, Step(PASSCODE))
    citizen_record = find_record(server.engine, citizen.pin)
    if citizen_record is None:
        return _back(uid)
    acr = achieved_acr(citizen.methods | {PASSCODE}, citizen.account_level)
    if passcode_attempt(server, citizen_record, passcode, client_id, acr, ip):
        return _passed(server, uid, record, citizen, PASSCODE)
    step = Step(PASSCODE)
    return factor_page(server, uid, record, citizen, step, WRONG_PASSCODE, 401)


@router.post("/interaction/{uid}/face")
async def submit_face(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    face: Annotated[str, Form(max_length=16)],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    found = _at_step(server, uid, binding, csrf, session, FACE)
    if isinstance(found, Response):
        return found
    record, citizen = found
    client_id = record.get("client_id")
    if face == "match":
        acr = achieved_acr(citizen.methods | {FACE}, citizen.account_level)
        audit(server, "success", citizen.pin, client_id, FACE, acr)
        return _passed(server, uid, record, citizen, FACE)
    audit(server, "failure", citizen.pin, client_id, FACE, detail="no match")
    return factor_page(server, uid, record, citizen, Step(FACE), NO_MATCH, 401)
