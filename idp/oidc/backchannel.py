"""OpenID Connect Back-Channel Logout 1.0: logout tokens POSTed to the clients of an ended session.

Every token response for a citizen records, beside its session
(:class:`idp.oidc.session.SessionStore`), which client got tokens and the ``sub`` that client knows.
When the session ends, each of those clients that registered a ``backchannel_logout_uri`` receives a
logout token (§2.4: ``typ`` ``logout+jwt``; ``iss``, ``aud``, ``iat``, ``exp``, ``jti``, ``sub``,
``sid``, ``events``; never a ``nonce``) signed like its ID tokens and dated by the provider's clock.
The requests go out in parallel with a short timeout; a failing client is logged, never an error
(§2.8).
A citizen who withdraws consent from a client (:mod:`idp.citizen.withdrawal`) logs out of it the same way.
"""

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

import httpx
from joserfc import jwt

from idp.oidc.clients import Client

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TTL = 120
log = logging.getLogger(__name__)


class LogoutSender(Protocol):
    """Delivers one logout token to one client (RFC 6749 form POST, §2.5)."""

    def __call__(self, uri: str, logout_token: str) -> None: ...


class HttpLogoutSender:
    """:class:`LogoutSender` over httpx; ``transport`` lets tests or embedders route the requests."""

    def __init__(self, timeout: float, transport: httpx.BaseTransport | None = None) -> None:
        self.timeout = timeout
        self.transport = transport

    def __call__(self, uri: str, logout_token: str) -> None:
        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            response = http.post(uri, data={"logout_token": logout_token})
        response.raise_for_status()


def logout_token(server: "AuthorizationServer", client: Client, sub: str, sid: str | None) -> str:
    """A logout token for ``client`` (§2.4), signed with its ID token algorithm and our key; without
    ``sid`` it logs the citizen out of every session at the client."""
    alg = client.id_token_signed_response_alg
    key = server.keys.signing_key(alg)
    now = int(server.clock.now())
    claims: dict[str, Any] = {
        "iss": server.settings.issuer,
        "aud": client.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
        "sub": sub,
        "events": {LOGOUT_EVENT: {}},
    }
    if sid is not None:
        claims["sid"] = sid
    header = {"alg": alg, "typ": "logout+jwt", "kid": str(key.kid)}
    return jwt.encode(header, claims, key, algorithms=[alg])


def notify_clients(server: "AuthorizationServer", sid: str) -> None:
    """POST a logout token to every client of session ``sid`` that registered a back-channel URI."""
    deliveries = []
    for client_id, entry in server.sessions.take_clients(sid).items():
        client = server.query_client(client_id)
        uri = client and client.metadata.get("backchannel_logout_uri")
        if client and uri:
            token = logout_token(server, client, entry["sub"], entry["sid"])
            deliveries.append((str(uri), token))
    if not deliveries:
        return
    sender: LogoutSender = server.logout_sender
    with ThreadPoolExecutor(max_workers=min(8, len(deliveries))) as pool:
        list(pool.map(lambda delivery: _deliver(sender, *delivery), deliveries))


def notify_client(
    server: "AuthorizationServer", client: Client, sub: str, sids: list[str | None]
) -> None:
    """POST one logout token per session in ``sids`` (None: every session) to one client, if it
    registered a back-channel URI: the citizen withdrew their consent to it."""
    uri = client.metadata.get("backchannel_logout_uri")
    if not uri:
        return
    for sid in sids:
        _deliver(server.logout_sender, str(uri), logout_token(server, client, sub, sid))


def _deliver(sender: LogoutSender, uri: str, token: str) -> None:
    try:
        sender(uri, token)
    except Exception as exc:  # a failing relying party must never break logout (§2.8)
        log.warning("back-channel logout to %s failed: %r", uri, exc)
