"""The headers every HTML page of the provider carries, added by one pure ASGI middleware (so the plain
routes, FastAPI's routes and the error pages alike get them, and nothing can forget them).

- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: no page can be framed (clickjacking of
  the login and consent forms; RFC 9700 §4.16, OIDC Core §16.20 no framing for the login page).
- A Content-Security-Policy the pages satisfy: nothing loads but the provider's own images and style
  sheet (``/static/``), scripts only from ``/static/`` (the QR login's wait) and ``fetch`` only to the
  provider; the form_post page's one script (:data:`idp.oidc.form_post.AUTO_SUBMIT`) is
  allowed by its SHA-256, never by ``'unsafe-inline'``, and no page has an inline style.
  No ``form-action``: Chromium applies it to the redirect that follows a form's POST, which leads to
  each client's own ``redirect_uri``.
- ``Referrer-Policy: no-referrer``: the interaction's URLs and the authorization request's parameters
  never leak to the next site.
- ``Cache-Control: no-store``: a page with a CSRF token or a citizen's data is never kept.

Every response, HTML or not, also gets ``X-Content-Type-Options: nosniff``.
"""

import base64
import hashlib

from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from idp.oidc.form_post import AUTO_SUBMIT


def _source_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' {_source_hash(AUTO_SUBMIT)}; "
    "connect-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
]
NOSNIFF = (b"x-content-type-options", b"nosniff")


class PageHeaders:
    """ASGI middleware: the page headers on every ``text/html`` response, nosniff on all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in headers}
    if b"x-content-type-options" not in names:
        headers.append(NOSNIFF)
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if not content_type.startswith(b"text/html"):
        return headers
    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
    headers.append((b"cache-control", b"no-store"))
    headers.extend(header for header in PAGE_HEADERS if header[0] not in names)
    return headers
