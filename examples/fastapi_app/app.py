"""The application: ``create_app`` builds it for one client registered at a VNeID provider.

Routes: ``/login`` (to the provider), ``/callback`` (back from it), ``/me`` (who is logged in) and
``/api/records`` (a resource-server API for the provider's access tokens). Every failure is a short
page with a 4xx or 5xx status.
"""

import html
from typing import Annotated

from fastapi import FastAPI
from fastapi import Header
from fastapi import Query
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from .checks import LEVELS
from .errors import LoginFailedError
from .login import Login
from .login import Registration
from .provider import Provider
from .records import records_for
from .store import PendingLogin
from .store import Store

LOGIN_COOKIE = "login"
SESSION_COOKIE = "session"
DEFAULT_TIMEOUT = 2.0
"""Seconds the application waits for any answer of the provider."""


def error_page(status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A short page saying what went wrong."""
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Login failed</title>"
        f"<h1>Sorry</h1><p>{html.escape(message)}</p><p><a href=/>Home</a></p></html>"
    )
    return HTMLResponse(body, status_code=status, headers=headers)


def create_app(
    issuer: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> FastAPI:
    """The application for the client ``client_id`` of the provider at ``issuer``."""
    provider = Provider(issuer, timeout)
    login = Login(provider, Registration(client_id, client_secret, redirect_uri))
    store = Store()
    secure = redirect_uri.startswith("https://")
    app = FastAPI(title="A service with VNeID login", docs_url=None, redoc_url=None)

    @app.exception_handler(LoginFailedError)
    async def failed(request: Request, error: LoginFailedError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"message": error.message}, error.status, headers=error.headers)
        return error_page(error.status, error.message, error.headers)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        return error_page(500, "Something went wrong on our side.")

    @app.get("/")
    async def home() -> HTMLResponse:
        """The front page: a link to log in."""
        return HTMLResponse(
            "<!doctype html><html lang=en><meta charset=utf-8><title>A service</title>"
            "<h1>A service</h1><p><a href=/login>Log in with VNeID</a></p></html>"
        )

    @app.get("/login")
    async def start(acr: Annotated[str, Query(max_length=8)] = "LoA2") -> Response:
        """Send the browser to the provider, asking for level of assurance ``acr``."""
        if acr not in LEVELS:
            return error_page(400, f"Unknown level of assurance; use one of {', '.join(LEVELS)}.")
        pending = PendingLogin.start(acr)
        url = await login.authorization_url(pending)
        response = RedirectResponse(url, status_code=302)
        response.set_cookie(
            LOGIN_COOKIE,
            store.begin(pending),
            max_age=600,
            httponly=True,
            secure=secure,
            samesite="lax",
        )
        return response

    @app.get("/callback")
    async def callback(request: Request) -> Response:
        """Finish the login the provider answered."""
        pending = store.take(request.cookies.get(LOGIN_COOKIE))
        if pending is None:
            return error_page(400, "No login is in progress here; please start again.")
        citizen = await login.finish(pending, dict(request.query_params))
        response = RedirectResponse("/me", status_code=303)
        response.delete_cookie(LOGIN_COOKIE)
        response.set_cookie(
            SESSION_COOKIE, store.log_in(citizen), httponly=True, secure=secure, samesite="lax"
        )
        return response

    @app.get("/me")
    async def me(request: Request) -> Response:
        """Who is logged in, and at which level."""
        citizen = store.citizen(request.cookies.get(SESSION_COOKIE))
        if citizen is None:
            return JSONResponse({"error": "not logged in"}, 401)
        body = {
            "sub": citizen.sub,
            "name": citizen.name,
            "acr": citizen.acr,
            "amr": list(citizen.amr),
        }
        return JSONResponse(body)

    @app.get("/api/records")
    async def records(authorization: Annotated[str | None, Header()] = None) -> Response:
        """The citizen's records, for a valid access token of the provider."""
        return JSONResponse(await records_for(provider, authorization))

    return app
