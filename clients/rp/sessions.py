"""Server-side browser sessions of a relying party: the cookie carries only a random id, the data lives
in the app's database (table ``rp_session``).

Authlib's Starlette client keeps its per-request state (``state``, ``nonce``, PKCE ``code_verifier``) in
``request.session``; this pure ASGI middleware provides that dictionary. Keeping it server-side is what
lets a back-channel logout (which arrives without the browser's cookie) end a session. The cookie is
HttpOnly and SameSite=Lax; a session is only written (and its cookie set) once it holds something.
"""

import json
import secrets
import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

SESSION_ID_SCOPE_KEY = "rp_session_id"


class BrowserSession(SQLModel, table=True):
    """One browser's session at the app."""

    __tablename__ = "rp_session"

    id: str = Field(primary_key=True, max_length=64)
    data: str = "{}"
    expires_at: float = Field(index=True)


class SessionStore:
    """Loads and saves session dictionaries as JSON rows."""

    def __init__(self, engine: Engine, ttl: int) -> None:
        self.engine = engine
        self.ttl = ttl

    def load(self, session_id: str) -> dict[str, Any] | None:
        with Session(self.engine) as db:
            row = db.get(BrowserSession, session_id)
            if row is None or row.expires_at < time.time():
                return None
            data: dict[str, Any] = json.loads(row.data)
            return data

    def save(self, session_id: str, data: dict[str, Any]) -> None:
        with Session(self.engine) as db:
            row = db.get(BrowserSession, session_id) or BrowserSession(id=session_id, expires_at=0)
            row.data = json.dumps(data)
            row.expires_at = time.time() + self.ttl
            db.add(row)
            db.commit()


class ServerSessionMiddleware:
    """Puts the session dictionary at ``scope["session"]`` (what ``request.session`` reads) and its id
    at ``scope["rp_session_id"]``; saves it when the response starts, so that the browser's next request
    (it follows a redirect at once) sees it."""

    def __init__(self, app: ASGIApp, store: SessionStore, cookie: str) -> None:
        self.app = app
        self.store = store
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        known = self._cookie_value(scope)
        data = self.store.load(known) if known else None
        session_id = known if data is not None and known else secrets.token_urlsafe(32)
        scope["session"] = dict(data or {})
        scope[SESSION_ID_SCOPE_KEY] = session_id
        before = json.dumps(data) if data is not None else None

        async def send_with_session(message: Message) -> None:
            if message["type"] == "http.response.start":
                after = json.dumps(scope["session"])
                if after != before and (before is not None or scope["session"]):
                    self.store.save(session_id, scope["session"])
                if before is None and scope["session"]:
                    cookie = (
                        f"{self.cookie}={session_id}; Path=/; HttpOnly; SameSite=Lax; "
                        f"Max-Age={self.store.ttl}"
                    )
                    MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_session)

    def _cookie_value(self, scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"cookie":
                found = cookie_parser(value.decode("latin-1")).get(self.cookie)
                if found and len(found) <= 64:
                    return found
        return None
