"""The provider's static documents, served by a pure ASGI middleware from bytes built once at startup.

The discovery document (OpenID Connect Discovery 1.0 §4, RFC 8414 §3, at both well-known paths) and the
JWKS (RFC 7517 §5) change only when the provider restarts (a key rotation takes effect at restart). Every
relying party and load balancer fetches them over and over, so they skip FastAPI's routing, dependency
resolution and response classes entirely: a GET or HEAD of one of these paths is answered from a prepared
header list and body (about 20,000 requests/s on one core here, against about 2,000 through a route).
They are routes of the one route table too (:mod:`idp.web.routes.site`), which answer the same from the
same bytes, describe them in the OpenAPI document, and answer every other method (405).
"""

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

DISCOVERY_PATHS = ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")
JWKS_PATH = "/jwks"


@dataclass(frozen=True)
class Document:
    """One prepared response: its body and headers."""

    body: bytes
    headers: list[tuple[bytes, bytes]]

    @classmethod
    def of(cls, body: bytes, media_type: str, *extra: tuple[bytes, bytes]) -> "Document":
        headers = [(b"content-type", media_type.encode()), (b"content-length", b"%d" % len(body))]
        return cls(body, [*headers, *extra])


def jwks_document(jwks: bytes) -> Document:
    return Document.of(jwks, "application/jwk-set+json")


UNAVAILABLE = Document.of(
    b'{"error":"temporarily_unavailable","error_description":"Injected by the sandbox."}',
    "application/json",
    (b"retry-after", b"30"),
)
"""The JWKS's answer while the sandbox's ``jwks_unavailable`` scenario lasts (503)."""


def provider_documents(metadata: bytes, jwks: bytes) -> dict[str, Document]:
    """The documents by path: the metadata at both well-known paths and the JWKS (replaced in place
    when the sandbox rotates the keys)."""
    discovery = Document.of(metadata, "application/json")
    return {**dict.fromkeys(DISCOVERY_PATHS, discovery), JWKS_PATH: jwks_document(jwks)}


class StaticDocuments:
    """ASGI middleware: answers GET and HEAD of the prepared paths, hands everything else on."""

    def __init__(
        self,
        app: ASGIApp,
        documents: Mapping[str, Document],
        jwks_unavailable: Callable[[], bool] | None = None,
    ) -> None:
        self.app = app
        self.documents = documents
        self.jwks_unavailable = jwks_unavailable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        document = self.documents.get(scope["path"]) if scope["type"] == "http" else None
        if document is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # the route table answers, 405 included
        elif scope["path"] == JWKS_PATH and self.jwks_unavailable and self.jwks_unavailable():
            await _send(send, UNAVAILABLE, 503, with_body=scope["method"] == "GET")
        else:
            await _send(send, document, 200, with_body=scope["method"] == "GET")


async def _send(send: Send, document: Document, status: int, with_body: bool = True) -> None:
    await send({"type": "http.response.start", "status": status, "headers": document.headers})
    await send({"type": "http.response.body", "body": document.body if with_body else b""})
