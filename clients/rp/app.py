"""The app factory all three sample apps go through: :func:`create_rp_app` builds the database, the keys
(when the app needs its own), the server-side sessions, the :class:`RelyingParty` and the shared routes,
then adds the app's own pages. Nothing is built at import time."""

import os
from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter
from fastapi import FastAPI
from fastapi import HTTPException
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from sqlmodel import SQLModel
from sqlmodel import create_engine
from starlette.responses import Response

from clients.rp.keys import RPKeys
from clients.rp.logins import Login
from clients.rp.logins import Logins
from clients.rp.pages import error_body
from clients.rp.pages import render
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty
from clients.rp.routes import router as rp_router
from clients.rp.sessions import BrowserSession
from clients.rp.sessions import ServerSessionMiddleware
from clients.rp.sessions import SessionStore
from clients.rp.settings import RPSettings


def create_rp_app(
    settings: RPSettings, pages: APIRouter, models: Sequence[type[SQLModel]] = ()
) -> FastAPI:
    """An app: the shared sign-in routes plus ``pages``; ``models`` are the app's own tables, created in
    its database next to the sessions and logins. ``app.state`` holds ``settings``, ``engine``, ``rp``."""
    engine = open_database(settings.database_url, models)
    keys = RPKeys.load_or_create(settings.keys_dir) if settings.keys_dir else None
    if settings.issuer.startswith("http://") or settings.base_url.startswith("http://"):
        # Authlib refuses plain http unless told; the local sandbox is plain http.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    app = FastAPI(title=f"{settings.title} (SANDBOX sample relying party)")
    app.state.settings = settings
    app.state.engine = engine
    app.state.rp = RelyingParty(settings, Logins(engine), keys)
    store = SessionStore(engine, settings.session_ttl)
    app.add_middleware(ServerSessionMiddleware, store=store, cookie=settings.session_cookie)
    app.add_exception_handler(RequestValidationError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(LoginError, _login_error)
    app.include_router(rp_router)
    app.include_router(pages)
    return app


async def _bad_input(request: Request, exc: Exception) -> Response:
    fields = ", ".join(str(error["loc"][-1]) for error in getattr(exc, "errors", lambda: [])())
    body = error_body("invalid_request", f"Dữ liệu không hợp lệ / invalid input: {fields}")
    return render(request, "Lỗi / Error", body, 400)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    body = error_body("http_error", str(getattr(exc, "detail", "")))
    return render(request, "Lỗi / Error", body, status)


async def _login_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginError)
    return render(request, "Lỗi / Error", error_body(exc.error, exc.description), exc.status_code)


def open_database(url: str, models: Sequence[type[SQLModel]]) -> Engine:
    """The app's database with the shared tables and ``tables``; a SQLite file's folder is created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False} if url.startswith("sqlite") else {}
    )
    tables = [model.__table__ for model in (BrowserSession, Login, *models)]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    return engine
