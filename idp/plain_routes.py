"""Dispatch of the plain routes (:func:`idp.deps.plain_route`) ahead of FastAPI's router, as a pure ASGI
middleware.

The routes on every flow's path (authorize, the interaction page, login, consent, resume, token,
userinfo) are Starlette routes already; reaching them through FastAPI still walks its exception and
exit-stack middlewares and its router, which matches a request against every included router in turn:
21–28 µs a request here for a route of the first routers, 77 µs for one of the last (bench/RESULTS.md),
against 2 µs for a bare ASGI answer. This middleware
matches them first, by the same :class:`starlette.routing.Route` objects, and calls their endpoints
directly. Only a full match (path and method) is taken: anything else, a wrong method included, goes on
to FastAPI, where the same routes stay registered, so its 404 and 405 answers are unchanged.

An exception an endpoint raises is answered by the application's exception handler for its class
(the nearest in its MRO), as Starlette's ``ExceptionMiddleware`` would; an exception with no handler
goes up to Starlette's server-error middleware, which answers a bare 500 without a stack trace.
"""

import inspect
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.routing import Match
from starlette.routing import Route
from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


def plain_routes(routes: Sequence[BaseRoute]) -> list[Route]:
    """The plain Starlette routes among ``routes`` (a router's), leaving FastAPI's own routes out."""
    return [route for route in routes if type(route) is Route]


class PlainRoutes:
    """ASGI middleware: calls the endpoint of the first route that fully matches, hands the rest on."""

    def __init__(
        self, app: ASGIApp, routes: Sequence[Route], handlers: Mapping[Any, Handler]
    ) -> None:
        self.app = app
        self.routes = list(routes)
        self.handlers = handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.routes:
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    request = Request(scope, receive, send)
                    response = await self._respond(route, request)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _respond(self, route: Route, request: Request) -> Response:
        try:
            response: Response = await route.endpoint(request)
        except Exception as error:
            handler = self._handler(error)
            if handler is None:
                raise
            answer = handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        return response

    def _handler(self, error: Exception) -> Handler | None:
        for cls in type(error).__mro__:
            if cls in self.handlers:
                return self.handlers[cls]
        return None
