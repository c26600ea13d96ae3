"""The interaction's routes (:mod:`idp.login`): its page, the password form, each factor, consent, the
ending pages' "continue" and "cancel". Pages: every error is the HTML error page. Field names follow
PRODUCT.md (``username``, ``password``, ``otp``, ``passcode``, ``face``, ``decision``, ``scope``); every
form carries ``csrf``, and the interaction's binding cookie is required throughout.
"""

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.login import consent
from idp.login import factors
from idp.login import login_form
from idp.login.progress import BINDING_COOKIE
from idp.login.progress import finished_elsewhere
from idp.login.steps import qr_picture
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.web.blocking import off_loop
from idp.web.deps import client_address
from idp.web.deps import server_of
from idp.web.errors import PageRoute
from idp.web.requests import Form
from idp.web.requests import read_form
from idp.web.responses import to_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _browser(server: AuthorizationServer, request: Request) -> LoginSession | None:
    return server.sessions.load(request.cookies.get(server.settings.session_cookie))


def _binding(request: Request) -> str:
    return request.cookies.get(BINDING_COOKIE, "")


def _form(request: Request, form: Form) -> tuple[str, str]:
    """The interaction's binding (its cookie) and the posted CSRF token."""
    return _binding(request), form.get("csrf", 64)


@router.get("/interaction/{uid}")
async def interaction_page(request: Request, uid: str) -> Response:
    """The current step's page; query ``login_hint`` (a PIN to pre-fill) and ``lang`` (vi, en)."""
    server, query = server_of(request), request.query_params
    hint, lang = query.get("login_hint", ""), query.get("lang", "")
    answer = await off_loop(
        lambda: login_form.show(
            server, uid, _binding(request), _browser(server, request), hint, lang
        )
    )
    return to_response(request, answer)


@router.get("/interaction/{uid}/progress")
async def interaction_progress(request: Request, uid: str) -> Response:
    """JSON for the login page's wait on the phone: ``finished`` once the phone finished it,
    ``gone`` when the interaction is unknown, expired or another browser's."""
    server = server_of(request)
    finished = await off_loop(
        lambda: finished_elsewhere(server.interactions, server.sessions, uid, _binding(request))
    )
    body = {"finished": bool(finished), "gone": finished is None}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/interaction/{uid}/qr.svg")
async def interaction_qr(request: Request, uid: str) -> Response:
    """The login page's QR code (an image, drawn only for a browser that shows it)."""
    server = server_of(request)
    answer = await off_loop(qr_picture, server, uid, _binding(request))
    return to_response(request, answer)


@router.post("/interaction/{uid}/login")
async def login(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    binding, csrf = _form(request, form)
    credentials = form.get("username", 64), form.get("password", 256)
    ip = client_address(request)
    answer = await off_loop(
        lambda: login_form.submit_password(
            server, uid, binding, csrf, credentials, ip, _browser(server, request)
        )
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/continue")
async def continue_after_ending(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    binding, csrf = _form(request, form)
    answer = await off_loop(
        lambda: login_form.continue_after_ending(
            server, uid, binding, csrf, _browser(server, request)
        )
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/cancel")
async def cancel(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    binding, csrf = _form(request, form)
    answer = await off_loop(
        lambda: login_form.cancel(server, uid, binding, csrf, _browser(server, request))
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/otp")
async def submit_otp(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    posted, code, ip = _form(request, form), form.get("otp", 16), client_address(request)
    answer = await off_loop(
        lambda: factors.submit_otp(server, uid, posted, ip, _browser(server, request), code)
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/otp/resend")
async def resend_otp(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    posted = _form(request, form)
    return to_response(request, await off_loop(factors.resend_otp, server, uid, posted))


@router.post("/interaction/{uid}/passcode")
async def submit_passcode(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    posted, passcode, ip = _form(request, form), form.get("passcode", 16), client_address(request)
    answer = await off_loop(
        lambda: factors.submit_passcode(
            server, uid, posted, ip, _browser(server, request), passcode
        )
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/face")
async def submit_face(request: Request, uid: str) -> Response:
    server, form = server_of(request), await read_form(request)
    posted, face = _form(request, form), form.get("face", 16)
    answer = await off_loop(
        lambda: factors.submit_face(server, uid, posted, _browser(server, request), face)
    )
    return to_response(request, answer)


@router.get("/interaction/{uid}/consent")
async def consent_page(request: Request, uid: str) -> Response:
    """The consent page again, in another language (``ui_locales``)."""
    server, ui_locales = server_of(request), request.query_params.get("ui_locales", "")
    answer = await off_loop(
        lambda: consent.show_consent(
            server, uid, _binding(request), _browser(server, request), ui_locales
        )
    )
    return to_response(request, answer)


@router.post("/interaction/{uid}/consent")
async def decide(request: Request, uid: str) -> Response:
    """The decision: ``decision`` (approve, deny), ``csrf`` and each ticked ``scope``."""
    server, form = server_of(request), await read_form(request)
    posted, decision, ticked = _form(request, form), form.get("decision", 16), form.getlist("scope")
    answer = await off_loop(
        lambda: consent.decide(server, uid, posted, decision, ticked, _browser(server, request))
    )
    return to_response(request, answer)
