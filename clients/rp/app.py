"""The app factory all three sample apps go through: :func:`create_rp_app` builds the database, the keys
(when the app needs its own), the server-side sessions, the :class:`RelyingParty`, the receiver of
identity events (whose stream is registered in the background while the app serves) and the shared
routes, then adds the app's own pages, the error pages, the language choice and the static files (``/static/``).
Nothing is built at import time."""

import os
from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import SQLModel
from sqlmodel import create_engine
from starlette.staticfiles import StaticFiles

from clients.rp.catalogue import DEFAULT_LANGUAGE
from clients.rp.catalogue import catalogue
from clients.rp.error_pages import add_error_pages
from clients.rp.keys import RPKeys
from clients.rp.language import LanguageMiddleware
from clients.rp.logins import Login
from clients.rp.logins import Logins
from clients.rp.relying_party import RelyingParty
from clients.rp.routes import router as rp_router
from clients.rp.sessions import BrowserSession
from clients.rp.sessions import ServerSessionMiddleware
from clients.rp.sessions import SessionStore
from clients.rp.settings import RPSettings
from clients.rp.signal_reactions import SHARED_REACTIONS
from clients.rp.signals_log import Reactions
from clients.rp.signals_log import ReceivedSignal
from clients.rp.signals_receiver import SignalReceiver
from clients.rp.signals_routes import router as signals_router
from clients.rp.signals_stream import lifespan

STATIC_DIR = Path(__file__).resolve().parent / "static"
NO_REACTIONS = Reactions()


def create_rp_app(
    settings: RPSettings,
    pages: APIRouter,
    models: Sequence[type[SQLModel]] = (),
    reactions: Reactions = NO_REACTIONS,
) -> FastAPI:
    """An app: the shared sign-in routes plus ``pages``; ``models`` are the app's own tables, created in
    its database next to the sessions, logins and identity events received; ``reactions`` are what the
    app does about identity events besides what every app does (:mod:`clients.rp.signal_reactions`).
    ``app.state`` holds ``settings``, ``engine``, ``rp`` and ``signals`` (the events' receiver, whose
    stream is registered while the app serves)."""
    engine = open_database(settings.database_url, models)
    keys = RPKeys.load_or_create(settings.keys_dir) if settings.keys_dir else None
    if settings.issuer.startswith("http://") or settings.base_url.startswith("http://"):
        # Authlib refuses plain http unless told; the local sandbox is plain http.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    name = catalogue().text(DEFAULT_LANGUAGE, f"{settings.app}.name")
    rp = RelyingParty(settings, Logins(engine), keys)
    every = Reactions((*SHARED_REACTIONS, *reactions.apply), reactions.names)
    signals = SignalReceiver(rp, engine, every)
    registration = signals.registration if settings.signals else None
    app = FastAPI(title=f"{name} (SANDBOX sample relying party)", lifespan=lifespan(registration))
    app.state.settings = settings
    app.state.engine = engine
    app.state.rp = rp
    app.state.signals = signals
    store = SessionStore(engine, settings.session_ttl)
    # The last added is the outermost: the language middleware reads the session the other one loads.
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(ServerSessionMiddleware, store=store, cookie=settings.session_cookie)
    add_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(rp_router)
    app.include_router(signals_router)
    app.include_router(pages)
    return app


def open_database(url: str, models: Sequence[type[SQLModel]]) -> Engine:
    """The app's database with the shared tables and ``tables``; a SQLite file's folder is created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False} if url.startswith("sqlite") else {}
    )
    tables = [model.__table__ for model in (BrowserSession, Login, ReceivedSignal, *models)]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    return engine
