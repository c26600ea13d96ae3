"""The interaction's routes: the login form (PIN + password); consent is :mod:`idp.login.consent`.

An already logged-in citizen whose session is good enough goes straight to consent, or back to the
protocol core when consent was given before (single sign-on across clients). The form is
CSRF-protected with a token bound to the interaction. At login the citizen gets a new session id in an
HttpOnly, SameSite=Lax cookie. Each step ends by sending the browser back to the protocol core
(``/authorize/resume/{uid}``), or, for the account page's interaction, to ``return_to``.
"""

import hmac
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from starlette.responses import HTMLResponse
from starlette.responses import RedirectResponse
from starlette.responses import Response

from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.login.consent import consent_response
from idp.login.consent import local_path
from idp.login.pages import error_page
from idp.login.pages import login_page
from idp.login.pages import page_language
from idp.login.session import LoginSession
from idp.login.session import save_session
from idp.login.session import start_session
from idp.oidc.accounts import authenticate_password
from idp.oidc.server import AuthorizationServer

router = APIRouter()
BAD_CREDENTIALS = "Số định danh cá nhân hoặc mật khẩu không đúng. / Wrong PIN or password."


def _interaction(server: AuthorizationServer, uid: str) -> dict[str, Any] | None:
    return server.store.get(f"interaction:{uid}")


def _gone() -> Response:
    return HTMLResponse(error_page("invalid_request", "Phiên đăng nhập đã hết hạn / expired."), 400)


def _view(record: dict[str, Any]) -> dict[str, str]:
    """The page language and display the authorization request asked for."""
    params = dict(record["params"])
    return {
        "lang": page_language(params.get("ui_locales", "")),
        "display": params.get("display", ""),
    }


@router.get("/interaction/{uid}")
def interaction_page(
    uid: str, server: ServerDep, session: LoginSessionDep, login_hint: str = ""
) -> Response:
    record = _interaction(server, uid)
    if record is None:
        return _gone()
    if session is None or record.get("sid") != session.sid:
        page = login_page(
            f"/interaction/{uid}/login",
            record["csrf"],
            _hint(record, session, login_hint),
            **_view(record),
        )
        return HTMLResponse(page)
    return consent_response(server, uid, record, session)


def _hint(record: dict[str, Any], session: LoginSession | None, login_hint: str) -> str:
    """The PIN to pre-fill: the persona picked, ``login_hint``, or (``prompt=select_account``) the
    citizen of the current session, offered again."""
    params = dict(record["params"])
    if login_hint or params.get("login_hint"):
        return login_hint or params["login_hint"]
    if session is not None and "select_account" in params.get("prompt", "").split():
        return session.pin
    return ""


@router.post("/interaction/{uid}/login")
def login(
    uid: str,
    server: ServerDep,
    previous: LoginSessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    record = _interaction(server, uid)
    if record is None or not hmac.compare_digest(csrf, record["csrf"]):
        return _gone()
    citizen = authenticate_password(server.engine, username, password)
    if citizen is None or citizen.account is None:
        action = f"/interaction/{uid}/login"
        page = login_page(action, record["csrf"], username, BAD_CREDENTIALS, **_view(record))
        return HTMLResponse(page, status_code=401)
    session = start_session(citizen.citizen.pin, citizen.account.level, "pwd", previous)
    save_session(server.store, session, server.settings.session_ttl)
    record["sid"] = session.sid
    server.store.put(f"interaction:{uid}", record, server.settings.interaction_ttl)
    response = RedirectResponse(f"/interaction/{uid}", status_code=303)
    if record.get("return_to"):  # the account page's interaction: back there, no client involved
        response = RedirectResponse(local_path(record["return_to"]), status_code=303)
    response.set_cookie(
        server.settings.session_cookie,
        session.sid,
        max_age=server.settings.session_ttl,
        httponly=True,
        samesite="lax",
        secure=server.settings.issuer.startswith("https://"),
    )
    return response
