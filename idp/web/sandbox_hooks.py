"""Where the sandbox (:mod:`idp.sandbox`) meets the protocol's routes, when the sandbox API is on:
each protocol request is recorded, a queued failure of the token endpoint, userinfo or the JWKS
replaces the answer, and an authorization request carrying the sandbox's token is answered by
headless login (:mod:`idp.login.headless`). With the sandbox API off, every hook answers None at once
and the routes go on as always.
"""

import asyncio

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6750 import InvalidTokenError
from starlette.requests import Request
from starlette.responses import Response

from idp.login.headless import headless_authorize
from idp.oidc.access_tokens import bearer_token
from idp.oidc.requests import MAX_PARAMETER
from idp.oidc.requests import ItemsRequest
from idp.sandbox.catalogue import JWKS
from idp.sandbox.catalogue import TOKEN
from idp.sandbox.catalogue import USERINFO
from idp.sandbox.control import Sandbox
from idp.sandbox.failures import delay
from idp.sandbox.failures import failure
from idp.sandbox.owners import access_token_owner
from idp.sandbox.owners import token_request_client
from idp.web.blocking import off_loop
from idp.web.deps import presents_token
from idp.web.deps import sandbox_of
from idp.web.requests import Form
from idp.web.responses import to_response


def record(request: Request, endpoint: str, items: list[tuple[str, str]]) -> None:
    """Keep the request for ``GET /sandbox/requests``."""
    if (sandbox := sandbox_of(request)) is not None:
        authorization = request.headers.get("authorization")
        sandbox.recorder.record(endpoint, request.method, items, authorization, sandbox.clock.now())


async def headless(request: Request, oauth2_request: ItemsRequest) -> Response | None:
    """The answer of headless login, for an authorization request that presents the sandbox's
    token in ``Authorization`` (never in the URL) and names the citizen in ``login_hint``."""
    sandbox = sandbox_of(request)
    authorization = request.headers.get("authorization")
    if sandbox is None or authorization is None:
        return None
    if not presents_token(sandbox, authorization):
        raise InvalidTokenError("The sandbox token is required for headless login.")
    who = oauth2_request.payload.data.get("login_hint")
    if not who:
        raise InvalidRequestError("Headless login needs login_hint: a persona key or a PIN.")
    answer = await off_loop(headless_authorize, sandbox.server, oauth2_request, who)
    return to_response(request, answer)


async def token_failure(request: Request, oauth2_request: ItemsRequest) -> Response | None:
    """A queued token-endpoint failure for the client the request names; ``token_slow`` waits, then
    lets the request go on."""
    sandbox = sandbox_of(request)
    if sandbox is None or not sandbox.scenarios.queued():
        return None
    client_id = token_request_client(oauth2_request.form, request.headers.get("authorization"))
    taken = sandbox.scenarios.take(TOKEN, client_id)
    if taken is None:
        return None
    answer = failure(taken)
    if answer is None:
        await asyncio.sleep(delay(taken))
        return None
    return to_response(request, answer)


async def userinfo_failure(
    request: Request, authorization: str | None, form: Form | None
) -> Response | None:
    """A queued userinfo failure for the client and citizen of the access token's grant (the token
    of the ``Authorization`` header or of the form, RFC 6750 §2.1, §2.2)."""
    sandbox = sandbox_of(request)
    if sandbox is None or not sandbox.scenarios.queued():
        return None
    client_id, pin = (None, None)
    if token := _presented(authorization, form):
        client_id, pin = await off_loop(access_token_owner, sandbox.server.grants, token)
    taken = sandbox.scenarios.take(USERINFO, client_id, pin)
    answer = failure(taken) if taken else None
    return to_response(request, answer) if answer else None


def _presented(authorization: str | None, form: Form | None) -> str | None:
    try:
        field = form.get("access_token", MAX_PARAMETER, "") if form else None
        return bearer_token(authorization, field)
    except OAuth2Error:
        return None


def jwks_outage(sandbox: Sandbox) -> bool:
    """Whether the JWKS is to answer 503 this time."""
    return sandbox.scenarios.take(JWKS, None) is not None
