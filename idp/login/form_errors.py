"""FastAPI's request validation errors on the interaction's and the sandbox's routes (a form field or a
query parameter missing, too long or of the wrong type), answered like every other bad request: 400
``invalid_request`` (RFC 6749 §4.1.2.1's code), as an error page for a browser (``Accept: text/html``) and
as RFC 6749 §5.2 JSON for anything else. FastAPI's own answer would be a 422 with its ``detail`` list.

The description names the parameter and the rule it broke, never the value sent.

FastAPI's own 400 for a body it cannot parse (malformed multipart data) is the same ``invalid_request``.
A value the database refuses to store or compare (PostgreSQL takes no NUL character in text; SQLite does)
is a bad request too, the same 400 ``invalid_request``, never the 503 of an unreachable database.
"""

from typing import Any

from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.login.pages import error_page

_WHERE = {"body": "form field", "query": "query parameter", "path": "path parameter"}


def validation_error_response(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    description = "; ".join(_describe(problem) for problem in error.errors())
    return invalid_request(request, description)


async def http_error_response(request: Request, error: Exception) -> Response:
    """FastAPI's own 400s (a body it cannot parse, such as malformed multipart data on a form route)
    answered as ``invalid_request`` too; any other status as FastAPI answers it."""
    assert isinstance(error, HTTPException)
    if error.status_code != 400:
        return await http_exception_handler(request, error)
    return invalid_request(request, "The request body could not be read as a form.")


def data_error_response(request: Request, error: Exception) -> Response:
    assert isinstance(error, DataError)
    return invalid_request(request, "A value holds a character the database cannot take (NUL).")


def invalid_request(request: Request, description: str) -> Response:
    """400 ``invalid_request``: an error page for a browser, RFC 6749 §5.2 JSON for anything else."""
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(error_page("invalid_request", description), status_code=400)
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, status_code=400, headers={"Cache-Control": "no-store"})


def _describe(problem: dict[str, Any]) -> str:
    """``form field 'csrf': Field required`` from one of pydantic's error entries."""
    source, *names = [str(part) for part in problem.get("loc", ())] or ["request"]
    where = _WHERE.get(source, source)
    if names:
        where += f" '{'.'.join(names)}'"
    return f"{where}: {problem.get('msg', 'invalid')}"
