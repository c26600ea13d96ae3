"""What a route needs from a request besides its parameters, as ``Annotated`` dependencies: the server
the app factory built, the sandbox (when its API is on) and its token, the browser's single sign-on
session, the interaction's browser binding, the
client's address. All are coroutines, so that FastAPI does not hop to its thread pool for each."""

from typing import Annotated

from fastapi import Depends
from fastapi import Request

from idp.login.progress import BINDING_COOKIE
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.sandbox.control import Sandbox


def server_of(request: Request) -> AuthorizationServer:
    server: AuthorizationServer = request.app.state.oauth2_server
    return server


def sandbox_of(request: Request) -> Sandbox | None:
    """The app's sandbox, None when the sandbox API is off."""
    sandbox: Sandbox | None = request.app.state.sandbox
    return sandbox


def presents_token(sandbox: Sandbox, authorization: str | None) -> bool:
    """Whether ``authorization`` is ``Bearer`` and the sandbox token (never an empty one), compared
    in constant time."""
    expected = sandbox.server.settings.sandbox_token.get_secret_value()
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not expected:
        return False
    return same_token(token.strip(), expected)


def session_of(request: Request, server: AuthorizationServer) -> LoginSession | None:
    """The browser's single sign-on session, from its cookie."""
    return server.sessions.load(request.cookies.get(server.settings.session_cookie))


def client_address(request: Request) -> str:
    """The peer's address, as the server saw it: behind a proxy, the address the proxy vouches for
    only when the server trusts that proxy (``VNEID_FORWARDED_ALLOW_IPS``, :mod:`idp.web.serving`)."""
    return request.client.host if request.client else "unknown"


async def get_server(request: Request) -> AuthorizationServer:
    return server_of(request)


ServerDep = Annotated[AuthorizationServer, Depends(get_server)]


async def get_browser_session(request: Request, server: ServerDep) -> LoginSession | None:
    return session_of(request, server)


BrowserSessionDep = Annotated[LoginSession | None, Depends(get_browser_session)]


async def get_interaction_binding(request: Request) -> str:
    """The interaction's browser binding (:func:`idp.login.progress.binding_cookie`); empty when absent."""
    return request.cookies.get(BINDING_COOKIE, "")


BindingDep = Annotated[str, Depends(get_interaction_binding)]


async def get_client_address(request: Request) -> str:
    return client_address(request)


ClientAddressDep = Annotated[str, Depends(get_client_address)]
