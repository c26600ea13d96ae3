"""Which language a browser reads the app in: Vietnamese unless it asked otherwise. ``?lang=en`` or
``?lang=vi`` on any URL switches, and the choice is kept in the browser's session for every later page
(and sent to the provider as ``ui_locales``, so that its pages follow)."""

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from clients.rp.catalogue import DEFAULT_LANGUAGE
from clients.rp.catalogue import LANGUAGES

SESSION_KEY = "lang"
QUERY_PARAMETER = "lang"


def language_of(request: Request) -> str:
    """The language of the page answering ``request``."""
    return chosen(request.session)


def chosen(session: dict[str, Any]) -> str:
    lang = session.get(SESSION_KEY)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Keeps a ``?lang=`` the browser sent in its session; sits inside the session middleware, whose
    dictionary it writes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").decode("latin-1")
            for name, value in parse_qsl(query):
                if name == QUERY_PARAMETER and value in LANGUAGES:
                    scope["session"][SESSION_KEY] = value
        await self.app(scope, receive, send)
