"""Cross-origin access for browser apps (CORS, the Fetch standard §3.2) to the JSON endpoints a
single-page app calls: discovery, the JWKS, token, userinfo and revocation. A pure ASGI middleware.

An allowed origin (:class:`idp.oidc.cors_origins.AllowedOrigins`) gets its own origin back in
``Access-Control-Allow-Origin`` on every answer, errors (400, 401) included, with ``Vary: Origin`` and
``Access-Control-Expose-Headers: WWW-Authenticate`` (so that an app can read why a token was refused, RFC
6750 §3); a preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here: the path's
methods, the ``Authorization`` and ``Content-Type`` request headers, cached for ten minutes. Never
``Access-Control-Allow-Credentials``: these endpoints take no cookie. An unlisted origin, or ``null``,
gets no CORS header at all (and a preflight 403). The authorization and end-session endpoints never
send CORS headers (RFC 9700 §2.6; OIDC Core §5.3): they are navigated to, not fetched.
"""

from collections.abc import Container

from starlette.datastructures import Headers
from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from idp.web.static_documents import DISCOVERY_PATHS
from idp.web.static_documents import JWKS_PATH

METHODS = {
    **dict.fromkeys(DISCOVERY_PATHS, ("GET", "HEAD")),
    JWKS_PATH: ("GET", "HEAD"),
    "/token": ("POST",),
    "/userinfo": ("GET", "POST"),
    "/revoke": ("POST",),
}
REQUEST_HEADERS = ("authorization", "content-type")
EXPOSED = "WWW-Authenticate"
MAX_AGE = "600"


class Cors:
    """ASGI middleware: CORS on the paths of :data:`METHODS` for the origins in ``allowed``."""

    def __init__(self, app: ASGIApp, allowed: Container[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        methods = METHODS.get(scope["path"]) if scope["type"] == "http" else None
        origin = Headers(scope=scope).get("origin") if methods else None
        if methods is None or origin is None:
            await self.app(scope, receive, send)
            return
        allowed = origin in self.allowed
        if scope["method"] == "OPTIONS" and "access-control-request-method" in Headers(scope=scope):
            await _preflight(Headers(scope=scope), origin if allowed else None, methods)(
                scope, receive, send
            )
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("Vary", "Origin")
                if allowed:
                    headers["Access-Control-Allow-Origin"] = origin
                    headers["Access-Control-Expose-Headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _preflight(request: Headers, origin: str | None, methods: tuple[str, ...]) -> PlainTextResponse:
    """The answer to a preflight: 204 with the permissions, or 403 with none."""
    method = request["access-control-request-method"]
    asked = [
        h.strip().lower() for h in request.get("access-control-request-headers", "").split(",")
    ]
    unknown = [h for h in asked if h and h not in REQUEST_HEADERS]
    vary = {"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}
    if origin is None or method not in methods or unknown:
        return PlainTextResponse("CORS request not allowed.", status_code=403, headers=vary)
    headers = {
        **vary,
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ", ".join(methods),
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": MAX_AGE,
    }
    return PlainTextResponse("", status_code=204, headers=headers)
