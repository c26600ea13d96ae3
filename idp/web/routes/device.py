"""The device flow's verification page (RFC 8628 §3.3, :mod:`idp.login.device_entry`): glue only.
``GET /device`` (``user_code``: ``verification_uri_complete``), ``POST /device`` (``user_code``) and
``POST /device/confirm`` (``user_code``, ``token``, ``decision``). Pages: every error is the HTML error
page; the device's own endpoints are the JSON API's (:mod:`idp.web.routes.protocol`).
"""

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.login import device_entry
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.web.blocking import off_loop
from idp.web.deps import client_address
from idp.web.deps import server_of
from idp.web.errors import PageRoute
from idp.web.language import preferred_language
from idp.web.requests import read_form
from idp.web.responses import to_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _browser(server: AuthorizationServer, request: Request) -> LoginSession | None:
    return server.sessions.load(request.cookies.get(server.settings.session_cookie))


@router.get(device_entry.PATH)
async def entry_page(request: Request) -> Response:
    server, ip = server_of(request), client_address(request)
    code = request.query_params.get("user_code")
    answer = await off_loop(device_entry.show, server, code[:32] if code else None, ip)
    return to_response(request, answer)


@router.post(device_entry.PATH)
async def enter_code(request: Request) -> Response:
    server, form, ip = server_of(request), await read_form(request), client_address(request)
    code = form.get("user_code", 32)
    return to_response(request, await off_loop(device_entry.submit, server, code, ip))


@router.post(f"{device_entry.PATH}/confirm")
async def confirm_code(request: Request) -> Response:
    server, form = server_of(request), await read_form(request)
    code, decision = form.get("user_code", 32), form.get("decision", 16, "")
    tokens = request.cookies.get(device_entry.ENTRY_COOKIE, ""), form.get("token", 64, "")
    lang = preferred_language(request)
    answer = await off_loop(
        lambda: device_entry.confirm(
            server, code, tokens, decision, _browser(server, request), lang
        )
    )
    return to_response(request, answer)
