"""The protocol's HTTP routes: authorization, token, userinfo, revocation,
introspection, logout, registration (discovery and the JWKS are
:mod:`idp.oidc.static_documents`). Glue only; their OpenAPI descriptions are in
:mod:`idp.oidc.openapi`.

The routes are coroutines that call the synchronous glue directly. Each step is sub-millisecond work (a
signature, a local database round trip), and FastAPI's thread-pool hop for a ``def`` route or dependency
costs more than that: an empty route with two dependencies measured 486 µs/request as ``def`` against
180 µs as ``async def`` here (bench/RESULTS.md). Logout runs in the thread pool: back-channel logout
waits on relying parties over the network. The authorization and logout endpoints, which browsers are
sent to, answer a request that cannot be read (bad UTF-8, a NUL, a parameter too long) with the error
page, not JSON. The routes on every flow's path take the bare ``Request``
(:mod:`idp.deps` says why).
"""

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from fastapi import APIRouter
from fastapi import HTTPException
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse
from starlette.responses import Response

from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.deps import plain_route
from idp.deps import read_form
from idp.deps import server_of
from idp.deps import session_of
from idp.login.pages import error_page
from idp.oidc.authorization import authorize
from idp.oidc.authorization import resume
from idp.oidc.introspection import IntrospectionEndpoint
from idp.oidc.logout import logout
from idp.oidc.openapi import INTROSPECT
from idp.oidc.openapi import REGISTER
from idp.oidc.openapi import REVOKE
from idp.oidc.presented_tokens import token_endpoint_response
from idp.oidc.registration import RegistrationEndpoint
from idp.oidc.requests import FORM_TYPE
from idp.oidc.requests import MAX_PARAMETER
from idp.oidc.requests import JsonRequestDep
from idp.oidc.requests import OAuth2RequestDep
from idp.oidc.requests import media_type
from idp.oidc.requests import read_oauth2_request
from idp.oidc.revocation import RevocationEndpoint
from idp.oidc.userinfo import bearer_token
from idp.oidc.userinfo import userinfo_response

router = APIRouter()
JSON = "application/json"


@plain_route(router, "/authorize", ["GET", "POST"])
async def authorization(request: Request) -> Response:
    server = server_of(request)
    try:
        oauth2_request = await read_oauth2_request(request)
    except OAuth2Error as error:
        return _page_for(error)
    return authorize(server, oauth2_request, session_of(request, server))


@plain_route(router, "/authorize/resume/{uid}", ["GET"])
async def resumption(request: Request) -> Response:
    server, uid = server_of(request), request.path_params["uid"]
    interaction = server.store.take(f"interaction:{uid}")
    if interaction is None:
        description = "Unknown or finished interaction."
        return HTMLResponse(error_page("invalid_request", description), status_code=400)
    return resume(server, interaction, session_of(request, server))


@plain_route(router, "/token", ["POST"])
async def token(request: Request) -> Response:
    server, oauth2_request = server_of(request), await read_oauth2_request(request)
    if duplicated := oauth2_request.duplicated():
        error = InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        response: Response = server.handle_error_response(oauth2_request, error)
    else:
        response = server.create_token_response(oauth2_request)
    response.headers["Cache-Control"] = "no-store"
    return response


@plain_route(router, "/userinfo", ["GET", "POST"])
async def user_info(request: Request) -> Response:
    """Bearer access token in ``Authorization`` or, POSTed as a form, the ``access_token`` field (RFC
    6750 §2.1, §2.2: any other body carries no token and is ignored)."""
    server = server_of(request)
    try:
        form_post = request.method == "POST" and media_type(request) == FORM_TYPE
        form = await read_form(request) if form_post else None
        access_token = form.get("access_token", MAX_PARAMETER, "") if form else None
        token = bearer_token(request.headers.get("authorization"), access_token)
        return userinfo_response(server, token)
    except OAuth2Error as error:
        response: Response = server.handle_error_response(None, error)
        return response


@router.post("/revoke", **REVOKE)
async def revoke(request: OAuth2RequestDep, server: ServerDep) -> Response:
    return token_endpoint_response(server, RevocationEndpoint.ENDPOINT_NAME, request)


@router.post("/introspect", **INTROSPECT)
async def introspect(request: OAuth2RequestDep, server: ServerDep) -> Response:
    return token_endpoint_response(server, IntrospectionEndpoint.ENDPOINT_NAME, request)


@router.api_route("/logout", methods=["GET", "POST"], include_in_schema=False)
async def end_session(request: Request, server: ServerDep, session: LoginSessionDep) -> Response:
    try:
        oauth2_request = await read_oauth2_request(request)
    except OAuth2Error as error:
        return _page_for(error)
    # In the thread pool: back-channel logout waits on relying parties over the network.
    response: Response = await run_in_threadpool(logout, server, oauth2_request, session)
    return response


def _page_for(error: OAuth2Error) -> Response:
    """A request a browser was sent with that cannot even be read: the error page, never JSON and
    never a redirect (its ``redirect_uri`` is not known to be good)."""
    page = error_page(error.error, error.description)
    return HTMLResponse(page, status_code=error.status_code or 400)


@router.post("/register", **REGISTER)
async def register(request: JsonRequestDep, server: ServerDep) -> Response:
    if not server.settings.registration_enabled:
        raise HTTPException(404, "Dynamic client registration is not enabled.")
    response: Response = server.create_endpoint_response(
        RegistrationEndpoint.ENDPOINT_NAME, request
    )
    return response
