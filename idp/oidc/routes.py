"""The protocol's HTTP routes: authorization, token, userinfo, revocation,
introspection, logout, registration (discovery and the JWKS are
:mod:`idp.oidc.static_documents`). Glue only; their OpenAPI descriptions are in
:mod:`idp.oidc.openapi`.

The routes are coroutines that call the synchronous glue directly. Each step is sub-millisecond work (a
signature, a local database round trip), and FastAPI's thread-pool hop for a ``def`` route or dependency
costs more than that: an empty route with two dependencies measured 486 µs/request as ``def`` against
180 µs as ``async def`` here (bench/RESULTS.md). Logout stays a ``def``: back-channel logout waits on
relying parties over the network.
"""

from typing import Annotated

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from fastapi import APIRouter
from fastapi import Form
from fastapi import Header
from fastapi import HTTPException
from starlette.responses import Response

from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.oidc.authorization import authorize
from idp.oidc.authorization import resumed_request
from idp.oidc.introspection import IntrospectionEndpoint
from idp.oidc.logout import logout
from idp.oidc.openapi import INTROSPECT
from idp.oidc.openapi import REGISTER
from idp.oidc.openapi import REVOKE
from idp.oidc.openapi import TOKEN
from idp.oidc.openapi import USERINFO
from idp.oidc.presented_tokens import token_endpoint_response
from idp.oidc.registration import RegistrationEndpoint
from idp.oidc.requests import JsonRequestDep
from idp.oidc.requests import OAuth2RequestDep
from idp.oidc.revocation import RevocationEndpoint
from idp.oidc.userinfo import bearer_token
from idp.oidc.userinfo import userinfo_response

router = APIRouter()
JSON = "application/json"


@router.api_route("/authorize", methods=["GET", "POST"], include_in_schema=False)
async def authorization(
    request: OAuth2RequestDep, server: ServerDep, session: LoginSessionDep
) -> Response:
    return authorize(server, request, session)


@router.get("/authorize/resume/{uid}")
async def resume(uid: str, server: ServerDep, session: LoginSessionDep) -> Response:
    interaction = server.store.take(f"interaction:{uid}")
    if interaction is None:
        return Response("Unknown or finished interaction.", status_code=400)
    return authorize(server, resumed_request(server, interaction["params"]), session, interaction)


@router.post("/token", **TOKEN)
async def token(request: OAuth2RequestDep, server: ServerDep) -> Response:
    if duplicated := request.duplicated():
        error = InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        response: Response = server.handle_error_response(request, error)
    else:
        response = server.create_token_response(request)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/userinfo", **USERINFO)
@router.post("/userinfo", **USERINFO)
async def user_info(
    server: ServerDep,
    authorization: Annotated[str | None, Header()] = None,
    access_token: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        return userinfo_response(server, bearer_token(authorization, access_token))
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
def end_session(request: OAuth2RequestDep, server: ServerDep, session: LoginSessionDep) -> Response:
    return logout(server, request, session)


@router.post("/register", **REGISTER)
async def register(request: JsonRequestDep, server: ServerDep) -> Response:
    if not server.settings.registration_enabled:
        raise HTTPException(404, "Dynamic client registration is not enabled.")
    response: Response = server.create_endpoint_response(
        RegistrationEndpoint.ENDPOINT_NAME, request
    )
    return response
