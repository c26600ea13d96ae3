"""The interaction's routes: the page of the current step, the password form, ending and consent.

``GET /interaction/{uid}`` shows the page of the current step (:mod:`idp.login.steps`): the login form
(PIN + password), the next missing factor (:mod:`idp.login.factors`), an ending page (unmet
requirements, refused citizen) with a continue button, then consent (:mod:`idp.login.consent`), or the
account page's ``return_to``. A citizen whose session is good enough goes straight to consent, or back
to the protocol core when consent was given before (single sign-on across clients). A right password is
answered with the next step's page itself (no redirect to it). Every form is CSRF-protected with a token
bound to the interaction. A password login gets a new session id (HttpOnly, SameSite=Lax cookie); later
factors step the same session up. Each flow ends at the protocol core (``/authorize/resume/{uid}``).

The routes are coroutines calling the synchronous glue directly, as :mod:`idp.oidc.routes` explains;
the account page's withdrawal (a back-channel logout over the network) stays a ``def``.

The PIN/password form answers an unknown PIN, a citizen without an account, a wrong password and a
locked-out password with the same status, text and (one Argon2 verification) time. Only after a right
password does a locked account or a deceased citizen see why; a citizen without an account has no
password, so never gets past the form (the tester can cancel, and the client gets ``access_denied``).
"""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from starlette.responses import HTMLResponse
from starlette.responses import RedirectResponse
from starlette.responses import Response

from idp.deps import InteractionBindingDep
from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.deps import binding_of
from idp.deps import client_address
from idp.deps import plain_route
from idp.deps import read_form
from idp.deps import server_of
from idp.deps import session_of
from idp.login import interaction
from idp.login.auth_events import Outcome
from idp.login.auth_events import audit
from idp.login.auth_events import password_attempt
from idp.login.pages import LANGUAGES
from idp.login.pages import logged_out_page
from idp.login.pages import login_page
from idp.login.session import save_session
from idp.login.session import start_session
from idp.login.steps import TOO_MANY
from idp.login.steps import current_page
from idp.oidc.logout import replace_session
from idp.oidc.server import AuthorizationServer

router = APIRouter(include_in_schema=False)  # HTML pages: the OpenAPI schema is the JSON API
BAD_CREDENTIALS = "Số định danh cá nhân hoặc mật khẩu không đúng. / Wrong PIN or password."


@plain_route(router, "/interaction/{uid}", ["GET"])
async def interaction_page(request: Request) -> Response:
    """The current step's page; query ``login_hint`` (a PIN to pre-fill) and ``lang`` (vi, en)."""
    uid = request.path_params["uid"]
    server = server_of(request)
    session = session_of(request, server)
    login_hint = request.query_params.get("login_hint", "")[:64]
    lang = request.query_params.get("lang", "")
    record = interaction.load(server, uid, binding_of(request))
    if record is None:
        return interaction.gone()
    if lang in LANGUAGES and record.get("lang") != lang:
        record["lang"] = lang
        interaction.save(server, uid, record)
    return current_page(server, uid, record, session, login_hint)


@plain_route(router, "/interaction/{uid}/login", ["POST"])
async def login(request: Request) -> Response:
    """The PIN/password form: fields ``username``, ``password``, ``csrf``."""
    uid = request.path_params["uid"]
    server = server_of(request)
    form = await read_form(request)
    username, password = form.get("username", 64), form.get("password", 256)
    csrf = form.get("csrf", 64)
    previous = session_of(request, server)
    record = interaction.load(server, uid, binding_of(request), csrf)
    if record is None:
        return interaction.gone()
    ip = client_address(request)
    result = password_attempt(server, username, password, ip, record.get("client_id"))
    if result.outcome in (Outcome.BAD, Outcome.LIMITED):
        limited = result.outcome is Outcome.LIMITED
        message = TOO_MANY if limited else BAD_CREDENTIALS
        page = login_page(
            f"/interaction/{uid}/login",
            record["csrf"],
            username,
            message,
            **interaction.view(record),
        )
        headers = {"Retry-After": str(server.settings.login_rate_window)} if limited else None
        return HTMLResponse(page, status_code=429 if limited else 401, headers=headers)
    assert result.record is not None  # OK and REFUSED name the citizen
    assert result.record.account is not None
    if result.outcome is Outcome.REFUSED:
        record["refused"] = result.reason
        interaction.save(server, uid, record)
        return current_page(server, uid, record, previous)
    session = start_session(result.record.citizen.pin, result.record.account.level, "pwd")
    save_session(server.store, session, server.settings.session_ttl)
    if previous is not None:
        replace_session(server, previous.sid, session.sid, previous.pin == session.pin)
    record["sid"] = session.sid
    interaction.save(server, uid, record)
    response = current_page(server, uid, record, session)
    response.set_cookie(
        server.settings.session_cookie,
        session.sid,
        max_age=server.settings.session_ttl,
        httponly=True,
        samesite="lax",
        secure=server.settings.issuer.startswith("https://"),
    )
    return response


@router.post("/interaction/{uid}/continue")
async def continue_after_ending(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    """Leave an ending page: the client gets ``unmet_authentication_requirements`` or
    ``access_denied`` (the refusal itself was audited at the password)."""
    record = interaction.load(server, uid, binding, csrf)
    if record is None:
        return interaction.gone()
    step = interaction.next_step(record, session)
    if step.kind == "unmet":
        record["unmet"] = True
        pin = session.pin if session else None
        detail = f"unmet_authentication_requirements: {step.reason}"
        audit(server, "refused", pin, record.get("client_id"), "acr", detail=detail)
    elif step.kind == "refused":
        record["denied"] = True
    else:
        return RedirectResponse(f"/interaction/{uid}", status_code=303)
    return _leave(server, uid, record)


@router.post("/interaction/{uid}/cancel")
async def cancel(
    uid: str,
    server: ServerDep,
    binding: InteractionBindingDep,
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    """The citizen gives up: the client gets ``access_denied``."""
    record = interaction.load(server, uid, binding, csrf)
    if record is None:
        return interaction.gone()
    record["denied"] = True
    return _leave(server, uid, record)


def _leave(server: AuthorizationServer, uid: str, record: interaction.Record) -> Response:
    if record.get("return_to"):  # the account page's login has no client to answer
        server.store.delete(f"interaction:{uid}")
        return HTMLResponse(logged_out_page())
    interaction.save(server, uid, record)
    return RedirectResponse(f"/authorize/resume/{uid}", status_code=303)
