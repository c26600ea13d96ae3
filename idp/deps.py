"""What a route needs from a request besides its parameters: the server ``create_app`` built, the single
sign-on session, the interaction's browser binding, an urlencoded form.

Two ways to reach them. The plain functions (:func:`server_of`, :func:`session_of`, :func:`binding_of`,
:func:`read_form`) are for the routes on every flow's path (authorize, the interaction page, login,
consent, resume, token, userinfo): FastAPI's solving of dependencies and query parameters costs about
55 µs per request here, a tenth of a complete flow's server time across its 7 requests
(bench/RESULTS.md), so those routes take the bare ``Request``. They are plain Starlette routes too
(:func:`plain_route`), which skip FastAPI's request handler as well (another 45–70 µs a request), and
:mod:`idp.plain_routes` dispatches them ahead of FastAPI's router; the
OpenAPI operations of the JSON ones (token, userinfo) are added by :mod:`idp.oidc.openapi`. The
``Annotated`` dependencies below do the same for every other route, where readability wins. All are
coroutines, so that FastAPI does not hop to its thread pool for each (see :mod:`idp.oidc.routes`).
"""

from collections import defaultdict
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Annotated

from authlib.oauth2.rfc6749 import InvalidRequestError
from fastapi import APIRouter
from fastapi import Depends
from fastapi import Request
from starlette.responses import PlainTextResponse
from starlette.responses import Response
from starlette.routing import Route

from idp.login.interaction import BINDING_COOKIE
from idp.login.session import LoginSession
from idp.login.session import load_session
from idp.oidc.error_text import printable
from idp.oidc.requests import FORM_TYPE
from idp.oidc.requests import media_type
from idp.oidc.requests import parse_parameters
from idp.oidc.requests import read_body
from idp.oidc.server import AuthorizationServer

Endpoint = Callable[[Request], Awaitable[Response]]


def plain_route(router: APIRouter, path: str, methods: list[str]) -> Callable[[Endpoint], Endpoint]:
    """Register the decorated coroutine as a plain Starlette route of ``router`` (path parameters in
    ``request.path_params``), for exactly ``methods`` (no implicit HEAD)."""

    allow = {"Allow": ", ".join(methods)}

    def register(endpoint: Endpoint) -> Endpoint:
        async def only_methods(request: Request) -> Response:
            # Starlette routes HEAD wherever GET is allowed, to the GET handler; these handlers are
            # not safe (a HEAD would take an interaction, mint a code, audit a disclosure): 405.
            if request.method not in methods:
                return PlainTextResponse("Method Not Allowed", status_code=405, headers=allow)
            return await endpoint(request)

        router.routes.append(Route(path, only_methods, methods=methods))
        return endpoint

    return register


def server_of(request: Request) -> AuthorizationServer:
    server: AuthorizationServer = request.app.state.oauth2_server
    return server


def session_of(request: Request, server: AuthorizationServer) -> LoginSession | None:
    return load_session(server.store, request.cookies.get(server.settings.session_cookie))


def client_address(request: Request) -> str:
    """The peer's address, as the server saw it: behind a proxy, the address the proxy vouches for
    only when the server trusts that proxy (``VNEID_FORWARDED_ALLOW_IPS``, :mod:`idp.serving`)."""
    return request.client.host if request.client else "unknown"


def binding_of(request: Request) -> str:
    """The interaction's browser binding (:func:`idp.login.interaction.start`); empty when absent."""
    return request.cookies.get(BINDING_COOKIE, "")


class Form:
    """An urlencoded form, read by :func:`read_form`: every value of each field, in order."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._values: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._values[key].append(value)

    def get(self, name: str, max_length: int, default: str | None = None) -> str:
        """The field's first value; a missing field without ``default``, or a value over
        ``max_length`` characters, is refused with ``invalid_request``."""
        values = self._values.get(name)
        if not values:
            if default is None:
                raise InvalidRequestError(f"Missing form field {printable(name)}.")
            return default
        if len(values[0]) > max_length:
            raise InvalidRequestError(f"Form field {printable(name)} is over {max_length} chars.")
        return values[0]

    def getlist(self, name: str) -> list[str]:
        return list(self._values.get(name, []))


async def read_form(request: Request) -> Form:
    """The body as an ``application/x-www-form-urlencoded`` form, with the limits of
    :mod:`idp.oidc.requests`."""
    body = await read_body(request)
    if body and media_type(request) != FORM_TYPE:
        raise InvalidRequestError(f"The body must be {FORM_TYPE}.")
    return Form(parse_parameters(body, "body"))


async def get_server(request: Request) -> AuthorizationServer:
    return server_of(request)


ServerDep = Annotated[AuthorizationServer, Depends(get_server)]


async def get_login_session(request: Request, server: ServerDep) -> LoginSession | None:
    return session_of(request, server)


LoginSessionDep = Annotated[LoginSession | None, Depends(get_login_session)]


async def get_interaction_binding(request: Request) -> str:
    return binding_of(request)


InteractionBindingDep = Annotated[str, Depends(get_interaction_binding)]


async def get_client_address(request: Request) -> str:
    return client_address(request)


ClientAddressDep = Annotated[str, Depends(get_client_address)]
