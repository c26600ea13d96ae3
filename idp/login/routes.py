"""The interaction's routes: the login form (PIN + password) and the consent form.

Both forms are CSRF-protected with a token bound to the interaction. At login the citizen gets a new
session id in an HttpOnly, SameSite=Lax cookie. Each step ends by sending the browser back to the
protocol core (``/authorize/resume/{uid}``).
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
from idp.login.pages import consent_page
from idp.login.pages import error_page
from idp.login.pages import login_page
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


@router.get("/interaction/{uid}")
def interaction_page(
    uid: str, server: ServerDep, session: LoginSessionDep, login_hint: str = ""
) -> Response:
    record = _interaction(server, uid)
    if record is None:
        return _gone()
    if session is None or record.get("sid") != session.sid:
        hint = login_hint or dict(record["params"]).get("login_hint", "")
        return HTMLResponse(login_page(f"/interaction/{uid}/login", record["csrf"], hint))
    client = server.query_client(record["client_id"])
    assert client is not None  # the interaction was created for a known client
    name = client.metadata.get("client_name", client.client_id)
    purpose = client.metadata.get("purpose", "")
    page = consent_page(
        f"/interaction/{uid}/consent", record["csrf"], name, purpose, record["scope"].split()
    )
    return HTMLResponse(page)


@router.post("/interaction/{uid}/login")
def login(
    uid: str,
    server: ServerDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    record = _interaction(server, uid)
    if record is None or not hmac.compare_digest(csrf, record["csrf"]):
        return _gone()
    citizen = authenticate_password(server.engine, username, password)
    if citizen is None or citizen.account is None:
        page = login_page(f"/interaction/{uid}/login", record["csrf"], username, BAD_CREDENTIALS)
        return HTMLResponse(page, status_code=401)
    session = start_session(citizen.citizen.pin, citizen.account.level, "pwd")
    save_session(server.store, session, server.settings.session_ttl)
    record["sid"] = session.sid
    server.store.put(f"interaction:{uid}", record, server.settings.interaction_ttl)
    response = RedirectResponse(f"/interaction/{uid}", status_code=303)
    response.set_cookie(
        server.settings.session_cookie,
        session.sid,
        max_age=server.settings.session_ttl,
        httponly=True,
        samesite="lax",
        secure=server.settings.issuer.startswith("https://"),
    )
    return response


@router.post("/interaction/{uid}/consent")
def consent(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    decision: Annotated[str, Form()],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    record = _interaction(server, uid)
    if record is None or not hmac.compare_digest(csrf, record["csrf"]):
        return _gone()
    if session is None or record.get("sid") != session.sid:
        return _gone()
    if decision == "approve":
        granted = set(session.consents.get(record["client_id"], [])) | set(record["scope"].split())
        session.consents[record["client_id"]] = sorted(granted)
        save_session(server.store, session, server.settings.session_ttl)
        record["consented"] = True
    else:
        record["denied"] = True
    server.store.put(f"interaction:{uid}", record, server.settings.interaction_ttl)
    return RedirectResponse(f"/authorize/resume/{uid}", status_code=303)
