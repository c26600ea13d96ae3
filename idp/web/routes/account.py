"""The citizen's account page (:mod:`idp.citizen.account`) and its withdrawal form. Pages. Without a single
sign-on session, the page starts an interaction whose login comes back here."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from starlette.responses import Response

from idp.citizen.account import TEXTS
from idp.citizen.account import account_body
from idp.citizen.account import withdraw
from idp.login.pages import error_page
from idp.login.pages import layout
from idp.login.pages import page_language
from idp.login.steps import first_page
from idp.oidc.answer import Answer
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.assurance import Requirement
from idp.oidc.authorization import Interact
from idp.oidc.server import AuthorizationServer
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import PageRoute
from idp.web.responses import to_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.api_route("/account", methods=["GET", "HEAD"])
async def account_page(request: Request, ui_locales: str = "") -> Response:
    server = server_of(request)
    cookie = request.cookies.get(server.settings.session_cookie)
    return to_response(await off_loop(_account, server, cookie, ui_locales[:64]))


def _account(server: AuthorizationServer, cookie: str | None, ui_locales: str) -> Answer:
    session = server.sessions.load(cookie)
    if session is None:
        return _log_in_first(server)
    lang = page_language(ui_locales)
    return page(layout(TEXTS[lang]["title"], account_body(server, session, lang), lang))


def _log_in_first(server: AuthorizationServer) -> Answer:
    """An interaction without a client, whose login comes back to ``/account``."""
    started = server.interactions.start(
        client_id=None,
        scope="",
        params=[],
        requirement=Requirement(),
        force_consent=False,
        sid=None,
        return_to="/account",
    )
    return first_page(server, Interact(started, None))


@router.post("/account/withdraw")
async def withdrawal(
    request: Request,
    client_id: Annotated[str, Form(max_length=100)],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    """Withdraw consent from ``client_id`` (back-channel logout included, off the loop)."""
    server = server_of(request)
    cookie = request.cookies.get(server.settings.session_cookie)
    return to_response(await off_loop(_withdraw, server, cookie, client_id, csrf))


def _withdraw(server: AuthorizationServer, cookie: str | None, client_id: str, csrf: str) -> Answer:
    session = server.sessions.load(cookie)
    if session is None or not withdraw(server, session, client_id, csrf):
        return page(error_page("invalid_request", "Phiên đã hết hạn / expired."), 400)
    return redirect("/account")
