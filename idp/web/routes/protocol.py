"""The protocol's routes (OpenID Connect Core, RFC 6749, 7009, 7662, 7591, RP-Initiated Logout 1.0,
CIBA Core 1.0): glue only. Each reads the request on the event loop (:mod:`idp.web.requests`), does the protocol's work
on the thread pool (:mod:`idp.web.blocking`) and turns its answer into a response.

The authorization and logout endpoints are pages (a browser is sent to them): a request they cannot even
read, or an error that cannot be redirected, is the HTML error page. The others are the JSON API.
"""

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from fastapi import APIRouter
from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from idp.login.login_form import LOGGED_OUT
from idp.login.pages import error_view
from idp.login.pages import logged_out_view
from idp.login.pages import logout_confirm_view
from idp.login.steps import answer_outcome
from idp.oidc.access_tokens import bearer_token
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.authorization import authorize
from idp.oidc.biometric_share import FETCH as SHARE_FETCH
from idp.oidc.biometric_share import INIT as SHARE_INIT
from idp.oidc.ciba import ENDPOINT_NAME as BACKCHANNEL_AUTHENTICATION
from idp.oidc.device_flow import DeviceAuthorizationEndpoint
from idp.oidc.error_page import ErrorPage
from idp.oidc.introspection import IntrospectionEndpoint
from idp.oidc.logout import ConfirmLogout
from idp.oidc.logout import LoggedOut
from idp.oidc.logout import LogoutOutcome
from idp.oidc.logout import logout
from idp.oidc.presented_tokens import token_endpoint_response
from idp.oidc.registration import RegistrationEndpoint
from idp.oidc.requests import FORM_TYPE
from idp.oidc.requests import MAX_PARAMETER
from idp.oidc.requests import ItemsRequest
from idp.oidc.revocation import RevocationEndpoint
from idp.oidc.server import AuthorizationServer
from idp.oidc.ui_locales import spoken
from idp.oidc.userinfo import userinfo_response
from idp.web.api_models import BEARER
from idp.web.api_models import JSON
from idp.web.api_models import USERINFO_ANSWERS
from idp.web.api_models import BackchannelAuthentication
from idp.web.api_models import BackchannelRequest
from idp.web.api_models import ClientMetadata
from idp.web.api_models import DeviceAuthorization
from idp.web.api_models import DeviceAuthorizationRequest
from idp.web.api_models import Introspection
from idp.web.api_models import RegisteredClient
from idp.web.api_models import ShareFetch
from idp.web.api_models import ShareInit
from idp.web.api_models import ShareResult
from idp.web.api_models import ShareStarted
from idp.web.api_models import TokenParameters
from idp.web.api_models import TokenRequest
from idp.web.api_models import TokenResponse
from idp.web.api_models import UserinfoForm
from idp.web.api_models import body
from idp.web.api_models import errors
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.errors import PageRoute
from idp.web.requests import Form
from idp.web.requests import media_type
from idp.web.requests import read_form
from idp.web.requests import read_json_request
from idp.web.requests import read_oauth2_request
from idp.web.responses import to_response
from idp.web.sandbox_hooks import headless
from idp.web.sandbox_hooks import record
from idp.web.sandbox_hooks import token_failure
from idp.web.sandbox_hooks import userinfo_failure

api = APIRouter(route_class=ApiRoute)
pages = APIRouter(route_class=PageRoute, include_in_schema=False)


@pages.api_route("/authorize", methods=["GET", "POST"])
async def authorization(request: Request) -> Response:
    """OIDC Core §3.1.2: the request by GET or POST; with the sandbox's token, headless login."""
    server, oauth2_request = server_of(request), await read_oauth2_request(request)
    record(request, "authorization", oauth2_request.items)
    if (headless_answer := await headless(request, oauth2_request)) is not None:
        return headless_answer
    cookie = request.cookies.get(server.settings.session_cookie)
    return to_response(request, await off_loop(_authorize, server, oauth2_request, cookie))


def _authorize(server: AuthorizationServer, request: ItemsRequest, cookie: str | None) -> Answer:
    browser = server.sessions.load(cookie)
    outcome = authorize(server, request, browser)
    return answer_outcome(server, outcome, browser, browser, after_form=False)


@api.post(
    "/token",
    openapi_extra=body(TokenRequest),
    responses={200: {"model": TokenResponse}, **errors(400, 401, 413, 503)},
)
async def token(request: Request) -> Response:
    server, oauth2_request = server_of(request), await read_oauth2_request(request)
    record(request, "token", oauth2_request.items)
    if (failed := await token_failure(request, oauth2_request)) is not None:
        return failed
    return to_response(request, await off_loop(_token, server, oauth2_request))


def _token(server: AuthorizationServer, request: ItemsRequest) -> Answer:
    if duplicated := request.duplicated():
        error = InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        answer: Answer = server.handle_error_response(request, error)
    else:
        answer = server.create_token_response(request)
    return answer.with_header("Cache-Control", "no-store")


@api.get("/userinfo", openapi_extra={"parameters": [BEARER]}, responses=USERINFO_ANSWERS)
@api.post(
    "/userinfo",
    openapi_extra={"parameters": [BEARER], **body(UserinfoForm, required=False)},
    responses=USERINFO_ANSWERS,
)
async def user_info(request: Request) -> Response:
    """The access token in ``Authorization`` or, POSTed as a form, in the ``access_token`` field (RFC
    6750 §2.1, §2.2: any other body carries no token and is ignored)."""
    server = server_of(request)
    form_post = request.method == "POST" and media_type(request) == FORM_TYPE
    form = await read_form(request) if form_post else None
    authorization = request.headers.get("authorization")
    record(request, "userinfo", form.items() if form else [])
    if (failed := await userinfo_failure(request, authorization, form)) is not None:
        return failed
    return to_response(request, await off_loop(_userinfo, server, authorization, form))


def _userinfo(server: AuthorizationServer, authorization: str | None, form: Form | None) -> Answer:
    try:
        access_token = form.get("access_token", MAX_PARAMETER, "") if form else None
        return userinfo_response(server, bearer_token(authorization, access_token))
    except OAuth2Error as error:
        answer: Answer = server.handle_error_response(None, error)
        return answer


@api.post(
    "/device_authorization",
    openapi_extra=body(DeviceAuthorizationRequest),
    responses={200: {"model": DeviceAuthorization}, **errors(400, 401, 413, 503)},
)
async def device_authorization(request: Request) -> Response:
    """RFC 8628 §3.1: a device asks for a user code (:mod:`idp.oidc.device_flow`)."""
    return await _endpoint(
        request, "device_authorization", DeviceAuthorizationEndpoint.ENDPOINT_NAME
    )


@api.post(
    "/revoke",
    openapi_extra=body(TokenParameters),
    responses={200: {"description": "revoked, or unknown"}, **errors(400, 401, 413, 503)},
)
async def revoke(request: Request) -> Response:
    return await _endpoint(request, "revocation", RevocationEndpoint.ENDPOINT_NAME)


@api.post(
    "/introspect",
    openapi_extra=body(TokenParameters),
    responses={200: {"model": Introspection}, **errors(400, 401, 413, 503)},
)
async def introspect(request: Request) -> Response:
    return await _endpoint(request, "introspection", IntrospectionEndpoint.ENDPOINT_NAME)


@api.post(
    "/bc-authorize",
    openapi_extra=body(BackchannelRequest),
    responses={200: {"model": BackchannelAuthentication}, **errors(400, 401, 413, 503)},
)
async def backchannel_authentication(request: Request) -> Response:
    """OpenID Connect CIBA Core 1.0 §7 (idp.oidc.ciba)."""
    return await _endpoint(request, "backchannel_authentication", BACKCHANNEL_AUTHENTICATION)


@api.post(
    "/api/biometric-share/init",
    openapi_extra=body(ShareInit),
    responses={200: {"model": ShareStarted}, **errors(400, 401, 413, 503)},
)
async def share_init(request: Request) -> Response:
    """A bank's app-to-app sharing transaction for a customer's PIN (idp.oidc.biometric_share)."""
    return await _endpoint(request, "biometric_share_init", SHARE_INIT)


@api.post(
    "/api/biometric-share/transaction",
    openapi_extra=body(ShareFetch),
    responses={200: {"model": ShareResult}, **errors(400, 401, 413, 503)},
)
async def share_transaction(request: Request) -> Response:
    """The face match and the data consented to, once the citizen approved in the app."""
    return await _endpoint(request, "biometric_share_transaction", SHARE_FETCH)


async def _endpoint(request: Request, recorded: str, name: str) -> Response:
    """A form-encoded endpoint of the core (Authlib's ``name``), its request recorded as ``recorded``."""
    server, oauth2_request = server_of(request), await read_oauth2_request(request)
    record(request, recorded, oauth2_request.items)
    return to_response(
        request, await off_loop(token_endpoint_response, server, name, oauth2_request)
    )


@pages.api_route("/logout", methods=["GET", "POST"])
async def end_session(request: Request) -> Response:
    """RP-Initiated Logout 1.0; back-channel logout waits on relying parties, off the loop too."""
    server, oauth2_request = server_of(request), await read_oauth2_request(request)
    record(request, "logout", oauth2_request.items)
    cookie = request.cookies.get(server.settings.session_cookie)
    return to_response(request, await off_loop(_logout, server, oauth2_request, cookie))


def _logout(server: AuthorizationServer, request: ItemsRequest, cookie: str | None) -> Answer:
    outcome: LogoutOutcome = logout(server, request, server.sessions.load(cookie))
    if isinstance(outcome, ErrorPage):
        return page(error_view(outcome.error, outcome.description), outcome.status)
    lang = spoken(str(request.payload.data.get("ui_locales", "")))  # RP-Initiated Logout 1.0 §2
    if isinstance(outcome, ConfirmLogout):
        action = f"/logout?ui_locales={lang}" if lang else "/logout"
        return page(logout_confirm_view(action, outcome.csrf))
    answer = _logged_out(request.method, lang) if isinstance(outcome, LoggedOut) else outcome
    answer.with_header("Cache-Control", "no-store")
    return answer.with_cookie(Cookie(server.settings.session_cookie, None))


def _logged_out(method: str, lang: str | None) -> Answer:
    """The logged-out page; after the confirmation form, a 303 to it (Post/Redirect/Get), in the
    language the logout asked for."""
    if method != "POST":
        return page(logged_out_view())
    return redirect(f"{LOGGED_OUT}?lang={lang}" if lang else LOGGED_OUT)


@pages.api_route(LOGGED_OUT, methods=["GET", "HEAD"])
async def logged_out(request: Request) -> Response:
    """Where a citizen lands after logging out, or leaving the account page's login."""
    return to_response(request, page(logged_out_view()))


@api.post(
    "/register",
    status_code=201,
    openapi_extra=body(ClientMetadata, JSON),
    responses={201: {"model": RegisteredClient}, **errors(400, 401, 404, 413, 503)},
)
async def register(request: Request) -> Response:
    server = server_of(request)
    if not server.settings.registration_enabled:
        raise HTTPException(404, "Dynamic client registration is not enabled.")
    json_request = await read_json_request(request)
    name = RegistrationEndpoint.ENDPOINT_NAME
    answer: Answer = await off_loop(server.create_endpoint_response, name, json_request)
    return to_response(request, answer)
