"""The page of an interaction's current step, as :func:`idp.login.interaction.next_step` names it.

The login form, the next missing factor, an ending page (unmet requirements, refused citizen), the
consent page, or straight back to the protocol core (remembered consent) or to the account page's
``return_to``. ``GET /interaction/{uid}`` answers with it; so do the request that starts the
interaction (the authorization endpoint, the account page: :func:`idp.login.interaction.start`) and
every form that moves the citizen on (the password, each factor). The browser gets the page in the
answer itself, as Keycloak's authorization endpoint and login actions do, instead of a redirect and one
more request for it. Every page is ``Cache-Control: no-store`` (it carries the CSRF token).
"""

from starlette.responses import HTMLResponse
from starlette.responses import RedirectResponse
from starlette.responses import Response

from idp.login import interaction
from idp.login import otp
from idp.login.consent import consent_response
from idp.login.factor_pages import ending_page
from idp.login.factor_pages import face_page
from idp.login.factor_pages import otp_page
from idp.login.factor_pages import passcode_page
from idp.login.interaction import Record
from idp.login.interaction import Step
from idp.login.pages import login_page
from idp.login.session import LoginSession
from idp.login.sms_inbox import e164
from idp.oidc.accounts import find_record
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import SMS_OTP
from idp.oidc.portraits import portrait_path
from idp.oidc.server import AuthorizationServer

TOO_MANY = "Quá nhiều lần thử, vui lòng thử lại sau. / Too many attempts, try again later."
"""What a page says when the PIN or the address has used up its failed attempts for the moment."""


def current_page(
    server: AuthorizationServer,
    uid: str,
    record: Record,
    session: LoginSession | None,
    login_hint: str = "",
) -> Response:
    """The page of the step the citizen is at, never to be cached (it carries the interaction's CSRF
    token); ``login_hint`` pre-fills the login form's PIN."""
    response = _page_of(server, uid, record, session, login_hint)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_of(
    server: AuthorizationServer,
    uid: str,
    record: Record,
    session: LoginSession | None,
    login_hint: str,
) -> Response:
    step = interaction.next_step(record, session)
    base = f"/interaction/{uid}"
    if step.kind == "login":
        pin = _hint(record, session, login_hint)
        return HTMLResponse(
            login_page(f"{base}/login", record["csrf"], pin, **interaction.view(record))
        )
    if step.kind in ("unmet", "refused"):
        page = ending_page(base, record["csrf"], step.kind, step.reason, **interaction.view(record))
        return HTMLResponse(page)
    assert (
        session is not None
    )  # next_step only names a factor or done for the interaction's session
    if step.kind != "done":
        return factor_page(server, uid, record, session, step)
    if "return_to" in record:  # the account page's login: back there, never anywhere else
        target = interaction.safe_return_to(record)
        return RedirectResponse(target, status_code=303) if target else interaction.gone()
    return consent_response(server, uid, record, session)


def _hint(record: Record, session: LoginSession | None, login_hint: str) -> str:
    """The PIN to pre-fill: the persona picked, ``login_hint``, or (``prompt=select_account``) the
    citizen of the current session, offered again."""
    params = dict(record.get("params") or [])
    if login_hint or params.get("login_hint"):
        return login_hint or params["login_hint"]
    if session is not None and "select_account" in params.get("prompt", "").split():
        return session.pin
    return ""


def factor_page(
    server: AuthorizationServer,
    uid: str,
    record: Record,
    session: LoginSession,
    step: Step,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The page of ``step``'s factor; the first SMS is sent when the code page is first shown."""
    base, csrf, view = f"/interaction/{uid}", record["csrf"], interaction.view(record)
    if step.kind == SMS_OTP:
        phone = phone_of(server, session.pin)
        if phone is None:
            record["unmet_reason"] = "no_phone"
            interaction.save(server, uid, record)
            return HTMLResponse(ending_page(base, csrf, "unmet", "no_phone", **view))
        otp.send_first(server, uid, session.pin, phone)
        return HTMLResponse(otp_page(base, csrf, phone, error, **view), status)
    if step.kind == PASSCODE:
        return HTMLResponse(passcode_page(base, csrf, error, **view), status)
    portrait = portrait_path(session.pin, server.settings.subject_secret.get_secret_value())
    return HTMLResponse(face_page(base, csrf, portrait, error, **view), status)


def phone_of(server: AuthorizationServer, pin: str) -> str | None:
    """The citizen's registered phone in E.164, or None."""
    found = find_record(server.engine, pin)
    phone = found.citizen.phone_number if found else None
    return e164(phone) if phone else None
