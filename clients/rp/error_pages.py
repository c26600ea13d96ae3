"""What the apps answer when a request goes wrong: the shared error page, in the browser's language, for
a page's own error (:class:`~clients.rp.errors.PageError`), any HTTP error (a 404, a 405), input that
does not validate, and a sign-in or logout that failed (:class:`~clients.rp.relying_party.LoginError`).
A client that asks for JSON only (``Accept: application/json``) gets JSON."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import Response

from clients.rp.catalogue import catalogue
from clients.rp.errors import PageError
from clients.rp.language import language_of
from clients.rp.relying_party import LoginError
from clients.rp.rendering import render


def add_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(LoginError, _login_error)


def error_page(request: Request, error: str, description: str, status_code: int) -> Response:
    """A failed sign-in or logout: what the OAuth error ``error`` means, then its code and the
    provider's (or the app's) technical description."""
    return render(
        request,
        "error.html",
        status_code,
        message=_meaning(request, error),
        error=error,
        details=description,
        fields=[],
    )


def _meaning(request: Request, error: str) -> str:
    lang, words = language_of(request), catalogue()
    key = f"rp.errors.{error}"
    return words.text(lang, key if words.has(lang, key) else "rp.errors.unknown")


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def _bad_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [str(error["loc"][-1]) for error in exc.errors()]
    if _wants_json(request):
        return JSONResponse({"error": "invalid_request", "fields": fields}, status_code=400)
    message = catalogue().text(language_of(request), "rp.errors.bad_input")
    return render(
        request, "error.html", 400, message=message, error=None, details="", fields=fields
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, exc.headers
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=status, headers=headers)
    lang, words = language_of(request), catalogue()
    if isinstance(exc, PageError):
        message = words.text(lang, exc.key, **exc.values)
    else:
        known = f"rp.http.status_{status}"
        message = words.text(lang, known if words.has(lang, known) else "rp.http.other")
    response = render(
        request, "error.html", status, message=message, error=None, details="", fields=[]
    )
    if headers:
        response.headers.update(headers)
    return response


async def _login_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginError)
    return error_page(request, exc.error, exc.description, exc.status_code)
