"""FastAPI dependencies: the objects ``create_app`` built, reached through ``Depends`` only.

Coroutines, so that FastAPI does not hop to its thread pool for each of them (see :mod:`idp.oidc.routes`).
"""

from typing import Annotated

from fastapi import Depends
from fastapi import Request

from idp.login.interaction import BINDING_COOKIE
from idp.login.session import LoginSession
from idp.login.session import load_session
from idp.oidc.server import AuthorizationServer


async def get_server(request: Request) -> AuthorizationServer:
    server: AuthorizationServer = request.app.state.oauth2_server
    return server


ServerDep = Annotated[AuthorizationServer, Depends(get_server)]


async def get_login_session(request: Request, server: ServerDep) -> LoginSession | None:
    return load_session(server.store, request.cookies.get(server.settings.session_cookie))


LoginSessionDep = Annotated[LoginSession | None, Depends(get_login_session)]


async def get_interaction_binding(request: Request) -> str:
    """The interaction's browser binding (:func:`idp.login.interaction.start`); empty when absent."""
    return request.cookies.get(BINDING_COOKIE, "")


InteractionBindingDep = Annotated[str, Depends(get_interaction_binding)]
