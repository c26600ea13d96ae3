"""One error policy: an error's format follows the endpoint, never the ``Accept`` header.

Every route is declared as an API route or a page route (:class:`ApiRoute`, :class:`PageRoute`, the
``route_class`` of its router). An API endpoint (token, userinfo, introspection, revocation, registration,
the JSON sandbox, discovery, the JWKS) always answers the specification's JSON (RFC 6749 §5.2: ``error``,
``error_description``); a page (the authorization endpoint's own errors, the interaction, the account
page, logout, the sandbox's pages, the front page) always answers an HTML error page. A request that
matches no route answers JSON for the JSON paths and a page elsewhere.

What becomes an error: an OAuth error raised while reading a request (bad UTF-8, a NUL, a parameter or
body too large: ``invalid_request``, 413 for the body); FastAPI's request validation (a form field or a
query parameter missing, too long or of the wrong type: 400 ``invalid_request``, never FastAPI's 422,
naming the parameter and the rule, never the value); FastAPI's own 400 for a body it cannot parse
(malformed multipart data); a value the database refuses (PostgreSQL takes no NUL character: 400
``invalid_request``); an unreachable or unseeded database (503 ``temporarily_unavailable``, RFC 6749
§4.1.2.1, the cause logged without parameters); 404 and 405.
"""

import inspect
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.responses import JSONResponse
from starlette.responses import Response
from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from idp.login.pages import error_view
from idp.oidc.error_text import describable
from idp.web.language import preferred_language
from idp.web.rendering import render

logger = logging.getLogger(__name__)
_WHERE = {"body": "form field", "query": "query parameter", "path": "path parameter"}
JSON_PREFIXES = (
    "/token",
    "/userinfo",
    "/revoke",
    "/introspect",
    "/register",
    "/.well-known",
    "/jwks",
    "/api/",
    "/ssf/",
)
UNAVAILABLE = "The population database is unreachable or not seeded (vneid-mock population seed)."


class _Route(APIRoute):
    """A route whose endpoint takes the request and its path's parameters only (every route of a
    complete flow) is called directly, as a plain ASGI application: FastAPI's per-request machinery
    (dependency solving, two exit stacks, a second exception wrapper), which such an endpoint does not
    use, was a tenth of the flow's CPU. Its errors reach the application's handlers below all the
    same, and its OpenAPI entry is FastAPI's, as for any route."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if _takes_request_and_path(endpoint, set(self.param_convertors)):
            self.app = _direct(endpoint)


def _direct(endpoint: Callable[..., Awaitable[Response]]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        response = await endpoint(request, **request.path_params)
        await response(scope, receive, send)

    return app


def _takes_request_and_path(endpoint: Callable[..., Any], path_names: set[str]) -> bool:
    """Whether ``endpoint`` is ``async def f(request: Request, <path parameters as str>) -> Response``."""
    if not inspect.iscoroutinefunction(endpoint):
        return False
    signature = inspect.signature(endpoint, eval_str=True)
    parameters = list(signature.parameters.values())
    if (
        signature.return_annotation is not Response
        or not parameters
        or parameters[0].annotation is not Request
    ):
        return False
    rest = parameters[1:]
    return all(p.name in path_names and p.annotation is str for p in rest) and len(rest) == len(
        path_names
    )


class ApiRoute(_Route):
    """A JSON endpoint: its errors are RFC 6749 §5.2 JSON."""


class PageRoute(_Route):
    """A page a browser is sent to: its errors are the HTML error page."""


def is_page(request: Request) -> bool:
    route = request.scope.get("route")
    if isinstance(route, PageRoute | ApiRoute):
        return isinstance(route, PageRoute)
    return (
        not request.url.path.startswith(JSON_PREFIXES) and request.url.path != "/sandbox/sms.json"
    )


def error_answer(
    request: Request,
    error: str,
    description: str | None,
    status: int = 400,
    headers: dict[str, str] | None = None,
    reason: str = "",
) -> Response:
    """The error in the endpoint's format: an HTML page in the browser's language (``reason`` picks
    its words, else ``error``), or RFC 6749 §5.2 JSON (never cached)."""
    kept = {k: v for k, v in (headers or {}).items() if k.lower() not in ("content-type", "pragma")}
    fixed = {**kept, "Cache-Control": "no-store"}
    if is_page(request):
        html = render(error_view(error, description, reason), preferred_language(request))
        return HTMLResponse(html, status_code=status, headers=fixed)
    body = {"error": error} | ({"error_description": description} if description else {})
    return JSONResponse(body, status_code=status, headers=fixed)


def oauth2_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, OAuth2Error)
    status, body, headers = error()
    return error_answer(
        request, body["error"], body.get("error_description"), status, dict(headers)
    )


def validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    description = "; ".join(_describe(problem) for problem in error.errors())
    return error_answer(request, "invalid_request", describable(description, 300))


_UNREADABLE = frozenset({HTTPStatus.BAD_REQUEST.phrase, "There was an error parsing the body"})


def http_error(request: Request, error: Exception) -> Response:
    """FastAPI's and Starlette's own errors: 400 for a body it cannot parse, 404, 405."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 400:
        # FastAPI's own 400 (a body it cannot parse) says so; a route's 400 keeps its reason
        detail = str(error.detail)
        if detail in _UNREADABLE:
            detail = "The request body could not be read as a form."
        return error_answer(request, "invalid_request", describable(detail, 200), 400, headers)
    if error.status_code == 404:
        return error_answer(request, "not_found", "No such page.", 404, headers)
    if error.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
        description = "Method not allowed."
        return error_answer(
            request, "invalid_request", description, 405, headers, "method_not_allowed"
        )
    detail = describable(str(error.detail), 200)
    return error_answer(request, "invalid_request", detail, error.status_code, headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in _api_routes(request.app.routes):
        if route.path_regex.match(request.url.path):
            methods |= route.methods or set()
    order = ["GET", "HEAD", "POST"]
    return sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """The path operations of ``routes``, those of included routers too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif included := getattr(route, "original_router", None):
            yield from _api_routes(included.routes)


def data_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, DataError)
    description = "A value holds a character the database cannot take (NUL)."
    return error_answer(request, "invalid_request", description)


def database_error(request: Request, error: Exception) -> Response:
    """The database is unreachable or not seeded: 503 ``temporarily_unavailable``, never a stack
    trace. The cause goes to the log, which holds no secret: SQLAlchemy's message names the
    statement, not its parameters."""
    logger.error("database error on %s: %s", request.url.path, str(error).splitlines()[0])
    return error_answer(request, "temporarily_unavailable", UNAVAILABLE, 503)


Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
HANDLERS: dict[Any, Handler] = {
    OAuth2Error: oauth2_error,
    RequestValidationError: validation_error,
    HTTPException: http_error,
    DataError: data_error,
    SQLAlchemyError: database_error,
}


def install(app: FastAPI) -> None:
    """The policy's handlers on ``app``."""
    for error, handler in HANDLERS.items():
        app.add_exception_handler(error, handler)


def _describe(problem: dict[str, Any]) -> str:
    """``form field 'csrf': Field required`` from one of pydantic's error entries."""
    source, *names = [str(part) for part in problem.get("loc", ())] or ["request"]
    where = _WHERE.get(source, source)
    if names:
        where += f" '{'.'.join(names)}'"
    return f"{where}: {problem.get('msg', 'invalid')}"
