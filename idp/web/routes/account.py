"""The citizen's account page (:mod:`idp.citizen.account`), its withdrawal confirmation page and form.
Pages; every failure is the provider's error page. Without a single sign-on session, a page starts an
interaction whose login, in the page's language, comes back to it."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from starlette.responses import Response

from idp.citizen.account import ACCOUNT
from idp.citizen.account import WITHDRAWN_COOKIE
from idp.citizen.account import account_page
from idp.citizen.account import after_withdrawal
from idp.citizen.account import withdraw
from idp.citizen.account import withdrawal_path
from idp.citizen.account import withdrawal_view
from idp.login.pages import error_view
from idp.login.steps import first_page
from idp.oidc.answer import Answer
from idp.oidc.answer import page
from idp.oidc.assurance import Requirement
from idp.oidc.authorization import Interact
from idp.oidc.server import AuthorizationServer
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import PageRoute
from idp.web.language import preferred_language
from idp.web.responses import to_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _cookie(request: Request) -> str | None:
    """The single sign-on session's cookie (read on the loop, the session loaded off it)."""
    return request.cookies.get(server_of(request).settings.session_cookie)


@router.api_route("/account", methods=["GET", "HEAD"])
async def account(request: Request, withdrawn: str = "") -> Response:
    """The page; ``withdrawn``: the client a withdrawal just stopped sharing with (said once)."""
    server, lang = server_of(request), preferred_language(request)
    proof = request.cookies.get(WITHDRAWN_COOKIE)
    return to_response(
        request, await off_loop(_account, server, _cookie(request), lang, withdrawn, proof)
    )


def _account(
    server: AuthorizationServer, cookie: str | None, lang: str, withdrawn: str, proof: str | None
) -> Answer:
    session = server.sessions.load(cookie)
    if session is None:  # back in the same language, whether it was asked by ?lang or ui_locales
        return _log_in_first(server, lang, f"{ACCOUNT}?lang={lang}")
    return account_page(server, session, withdrawn[:100], proof)


@router.api_route("/account/withdraw", methods=["GET", "HEAD"])
async def confirm_withdrawal(request: Request, client_id: str = "") -> Response:
    """The confirmation page of a withdrawal from ``client_id``."""
    server, lang = server_of(request), preferred_language(request)
    answer = await off_loop(_confirm, server, _cookie(request), lang, client_id[:100])
    return to_response(request, answer)


def _confirm(server: AuthorizationServer, cookie: str | None, lang: str, client_id: str) -> Answer:
    session = server.sessions.load(cookie)
    if session is None:
        return _log_in_first(server, lang, withdrawal_path(client_id))
    view = withdrawal_view(server, session, client_id)
    if view is None:  # shares nothing with it (already withdrawn, or never shared)
        return page(error_view("invalid_request", "Nothing is shared with this client."), 400)
    return page(view)


def _log_in_first(server: AuthorizationServer, lang: str, return_to: str) -> Answer:
    """An interaction without a client, in the page's language, whose login comes back to
    ``return_to``."""
    started = server.interactions.start(
        client_id=None,
        scope="",
        params=[],
        requirement=Requirement(),
        force_consent=False,
        sid=None,
        return_to=return_to,
        lang=lang,
    )
    return first_page(server, Interact(started, None))


@router.post("/account/withdraw")
async def withdrawal(
    request: Request,
    client_id: Annotated[str, Form(max_length=100)],
    csrf: Annotated[str, Form(max_length=64)],
) -> Response:
    """Withdraw consent from ``client_id`` (back-channel logout included, off the loop), then back to
    the account page."""
    server = server_of(request)
    return to_response(
        request, await off_loop(_withdraw, server, _cookie(request), client_id, csrf)
    )


def _withdraw(server: AuthorizationServer, cookie: str | None, client_id: str, csrf: str) -> Answer:
    session = server.sessions.load(cookie)
    if session is None:
        return page(error_view("invalid_request", "No session.", "expired"), 400)
    if not withdraw(server, session, client_id, csrf):
        return page(
            error_view("invalid_request", "The form's CSRF token is not the session's."), 400
        )
    return after_withdrawal(server, session, client_id)
