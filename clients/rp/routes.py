"""The routes every app shares: ``/login``, ``/callback``, ``/logout``, ``/logged-out``,
``/backchannel-logout``, ``/jwks``, ``/inspector`` (with the identity events received) and
``/favicon.ico``. Glue only: each calls one
:class:`~clients.rp.relying_party.RelyingParty` method and renders."""

from typing import Annotated
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.rp import inspector
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import RPDep
from clients.rp.error_pages import error_page
from clients.rp.errors import PageError
from clients.rp.relying_party import LoginError
from clients.rp.rendering import render
from clients.rp.signals_log import recent
from clients.rp.signals_receiver import SignalReceiver

router = APIRouter()


@router.get("/login")
async def login(request: Request, rp: RPDep, return_to: str = "/") -> Response:
    """Sign in at the app's usual level (single sign-on: no page at VNeID if its session suffices)."""
    return await rp.authorization_redirect(request, return_to=return_to)


@router.get("/callback")
async def callback(request: Request, rp: RPDep) -> Response:
    try:
        return_to = await rp.complete(request)
    except LoginError as error:
        if error.return_to is not None:  # the flow's own page explains (e.g. a refused transfer)
            separator = "&" if "?" in error.return_to else "?"
            query = urlencode({"error": error.error})
            return RedirectResponse(f"{error.return_to}{separator}{query}", status_code=303)
        return error_page(request, error.error, error.description, error.status_code)
    return RedirectResponse(return_to, status_code=303)


@router.post("/logout")
async def logout(request: Request, rp: RPDep, csrf: CsrfField) -> Response:
    check_csrf(request.session, csrf)
    return await rp.logout_redirect(request)


@router.get("/logged-out")
async def logged_out(request: Request, rp: RPDep) -> Response:
    try:
        then = await rp.finish_logout(request)
    except LoginError as error:
        return error_page(request, error.error, error.description, 400)
    if then is not None:
        return RedirectResponse(then, status_code=303)
    return render(request, "logged_out.html")


@router.post("/backchannel-logout")
async def backchannel_logout(
    rp: RPDep, logout_token: Annotated[str, Form(max_length=16384)]
) -> Response:
    """Back-Channel Logout 1.0 §2.8: 200 when the logout token is valid, 400 otherwise."""
    headers = {"Cache-Control": "no-store"}
    try:
        await rp.backchannel_logout(logout_token)
    except ValueError as exc:
        body = {"error": "invalid_request", "error_description": f"Invalid logout token: {exc}"}
        return JSONResponse(body, status_code=400, headers=headers)
    return Response(status_code=200, headers=headers)


@router.get("/jwks")
def jwks(rp: RPDep) -> dict[str, Any]:
    """The app's public keys (its registered ``jwks_uri``)."""
    if rp.keys is None:
        raise PageError(404, "rp.http.no_keys")
    return rp.keys.public_jwks


@router.get("/inspector")
def inspector_page(request: Request) -> Response:
    """This browser's flows, then the identity events the app received (from any citizen)."""
    flows = list(reversed(inspector.flows_of(request.session)))
    signals: SignalReceiver = request.app.state.signals
    return render(
        request,
        "inspector.html",
        flows=flows,
        stream=signals.registration.state,
        events=recent(request.app.state.engine),
    )


@router.get("/inspector.json")
def inspector_json(request: Request) -> dict[str, Any]:
    signals: SignalReceiver = request.app.state.signals
    state = signals.registration.state
    return {
        "flows": inspector.flows_of(request.session),
        "stream": {k: v for k, v in vars(state).items() if k != "verification_state"},
        "events": [event.model_dump() for event in recent(request.app.state.engine)],
    }


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers that ignore the pages' ``<link rel="icon">`` ask here."""
    return RedirectResponse("/static/favicon.svg", status_code=301)
