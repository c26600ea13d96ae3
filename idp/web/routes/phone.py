"""The simulated VNeID app's pages under ``/phone`` (:mod:`idp.phone.app`): open the app as a citizen,
the home screen, scan a QR code, a request's approval screen, the history. Phone-sized pages, in
Vietnamese and English; every form carries the app's CSRF token.
"""

from collections.abc import Callable

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.oidc.answer import Answer
from idp.oidc.ciba import notify
from idp.oidc.server import AuthorizationServer
from idp.phone import app as phone_app
from idp.phone.app import PHONE_COOKIE
from idp.phone.app import Opened
from idp.phone.app_links import open_app_link
from idp.phone.app_links import open_transaction
from idp.web.blocking import off_loop
from idp.web.deps import client_address
from idp.web.deps import server_of
from idp.web.errors import PageRoute
from idp.web.requests import read_form
from idp.web.requests import read_oauth2_request
from idp.web.responses import to_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


async def _answer(
    request: Request, screen: Callable[[AuthorizationServer, Opened], Answer]
) -> Response:
    """The screen for this browser's app (made, with its cookie, on the first visit)."""
    server = server_of(request)
    token = request.cookies.get(PHONE_COOKIE)

    def shown() -> Answer:
        app, cookie = phone_app.app_of(server, token)
        answer = screen(server, app)
        return answer if cookie is None else answer.with_cookie(cookie)

    return to_response(request, await off_loop(shown))


@router.api_route("/phone", methods=["GET", "HEAD"])
async def phone_home(request: Request) -> Response:
    return await _answer(request, phone_app.home)


@router.api_route("/phone/authorize", methods=["GET", "POST"])
async def phone_app_link(request: Request) -> Response:
    """An app link: a mobile app's authorization request, opened by the VNeID app (OIDC Core
    §3.1.2 parameters); the app must be opened first."""
    oauth2_request = await read_oauth2_request(request)

    def opened_link(server: AuthorizationServer, app: Opened) -> Answer:
        if app.pin is None:
            return phone_app.home(server, app, "phone.open_first")
        return open_app_link(server, app.pin, oauth2_request)

    return await _answer(request, opened_link)


@router.api_route("/phone/share/{transaction}", methods=["GET", "HEAD"])
async def phone_share(request: Request, transaction: str) -> Response:
    """A bank's app link to a sharing transaction: its approval screen in the opened app."""

    def opened_transaction(server: AuthorizationServer, app: Opened) -> Answer:
        if app.pin is None:
            return phone_app.home(server, app, "phone.open_first")
        return open_transaction(server, app.pin, transaction[:64])

    return await _answer(request, opened_transaction)


@router.post("/phone/open")
async def phone_open(request: Request) -> Response:
    form = await read_form(request)
    csrf, who = form.get("csrf", 64, ""), form.get("who", 64, "")
    return await _answer(request, lambda server, app: phone_app.open_as(server, app, csrf, who))


@router.post("/phone/close")
async def phone_close(request: Request) -> Response:
    csrf = (await read_form(request)).get("csrf", 64, "")
    return await _answer(request, lambda server, app: phone_app.close(server, app, csrf))


@router.api_route("/phone/scan", methods=["GET", "HEAD"])
async def phone_scan(request: Request, r: str = "", link: str = "") -> Response:
    """``r``: the request a QR code carries (its link opened on the phone); ``link``: a pasted link."""
    scanned = r[:160] or link[:2048]
    if not scanned:
        return await _answer(request, phone_app.scan_screen)
    return await _answer(request, lambda server, app: phone_app.scan(server, app, scanned))


@router.api_route("/phone/requests/{request_id}", methods=["GET", "HEAD"])
async def phone_request(request: Request, request_id: str) -> Response:
    return await _answer(
        request, lambda server, app: phone_app.request_screen(server, app, request_id[:64])
    )


@router.post("/phone/requests/{request_id}")
async def phone_decide(request: Request, request_id: str) -> Response:
    form = await read_form(request)
    ticked = tuple(value[:40] for value in form.getlist("scope")[:20])
    fields = (
        form.get("csrf", 64, ""),
        form.get("decision", 16, ""),
        form.get("passcode", 16, ""),
        form.get("face", 16, ""),
        ticked,
    )
    ip = client_address(request)
    return await _answer(
        request,
        lambda server, app: phone_app.decide(server, app, request_id[:64], fields, ip, notify),
    )


@router.api_route("/phone/outcome/{outcome}", methods=["GET", "HEAD"])
async def phone_outcome(request: Request, outcome: str) -> Response:
    return await _answer(request, lambda server, app: phone_app.outcome_screen(outcome[:20]))


@router.api_route("/phone/history", methods=["GET", "HEAD"])
async def phone_history(request: Request) -> Response:
    return await _answer(request, phone_app.history)
