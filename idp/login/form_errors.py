"""FastAPI's request validation errors on the interaction's and the sandbox's routes (a form field or a
query parameter missing, too long or of the wrong type), answered like every other bad request: 400
``invalid_request`` (RFC 6749 §4.1.2.1's code), as an error page for a browser (``Accept: text/html``) and
as RFC 6749 §5.2 JSON for anything else. FastAPI's own answer would be a 422 with its ``detail`` list.

The description names the parameter and the rule it broke, never the value sent.
"""

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.login.pages import error_page

_WHERE = {"body": "form field", "query": "query parameter", "path": "path parameter"}


def validation_error_response(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    description = "; ".join(_describe(problem) for problem in error.errors())
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
