"""RP-Initiated Logout 1.0 at ``GET/POST /logout`` (the ``end_session_endpoint``), on Authlib's
``EndSessionEndpoint``, and the end of a single sign-on session.

An ``id_token_hint`` must be signed by one of our keys (RS256, PS256 or ES256 only: never ``none`` or
HS256) and name us as ``iss``; an expired one is still accepted (§2). ``client_id``, when given, must be
in its ``aud``. The browser goes to ``post_logout_redirect_uri`` (with ``state``) only when the hint is
valid and the URI exactly matches one the client registered (§3); any error is an HTML page, never a
redirect (§4). Without a hint the citizen confirms on a page whose form carries a single-use CSRF token
bound to the session (§6). Ending the session deletes it from the store and sends back-channel logout
tokens (:mod:`idp.oidc.backchannel`); the web layer clears the cookie. The pages (confirmation, logged out,
error) are the outcome's to render, not the core's.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oidc.rpinitiated import EndSessionEndpoint as _EndSessionEndpoint
from authlib.oidc.rpinitiated import EndSessionRequest
from joserfc.jwk import KeySet

from idp.oidc.answer import Answer
from idp.oidc.answer import redirect
from idp.oidc.backchannel import notify_clients
from idp.oidc.clients import Client
from idp.oidc.error_page import ErrorPage
from idp.oidc.id_token_hint import hinted_subject
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.requests import ItemsRequest
from idp.oidc.session import LoginSession

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

END_SESSION = _EndSessionEndpoint.ENDPOINT_NAME
CONFIRMATION = "logout-confirm:"


class EndSessionEndpoint(_EndSessionEndpoint):  # type: ignore[misc]
    def get_server_jwks(self) -> KeySet:
        key_set: KeySet = self.server.keys.key_set
        return key_set

    def get_algorithms(self) -> list[str]:
        return list(SIGNING_ALGORITHMS)

    def validate_request(self, request: ItemsRequest) -> EndSessionRequest:
        if duplicated := request.duplicated():
            raise InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        if hint := request.payload.data.get("id_token_hint"):
            # Checked here first: Authlib would echo the JOSE library's message, which may quote
            # the hint's own header, into an error description (RFC 6749 §5.2's charset).
            hinted_subject(hint, self.server.keys.key_set, self.server.settings.issuer, "")
        validated: EndSessionRequest = super().validate_request(request)
        claims = validated.id_token_claims
        if claims is not None and claims.get("iss") != self.server.settings.issuer:
            raise InvalidRequestError("'id_token_hint' was not issued by this provider.")
        return validated

    def resolve_client_from_id_token_claims(self, claims: dict[str, Any]) -> Client | None:
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) == 1:
            aud = aud[0]
        return self.server.query_client(aud) if isinstance(aud, str) else None

    def create_response(self, validated_request: EndSessionRequest) -> None:
        """End the session; :func:`logout` writes the response (no RFC 9207 ``iss`` is added)."""
        self.end_session(validated_request)

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        session: LoginSession | None = getattr(end_session_request.request, "session", None)
        if session is not None:
            end_session(self.server, session.sid)


def end_session(server: AuthorizationServer, sid: str) -> None:
    """Forget single sign-on session ``sid`` and tell its clients over the back channel."""
    server.sessions.delete(sid)
    notify_clients(server, sid)


def replace_session(
    server: AuthorizationServer, previous: LoginSession, session: LoginSession
) -> None:
    """A password login in a browser that had a session (``prompt=login``, ``max_age``, another
    citizen): ``session`` replaces ``previous``, whose cookie stops working. The same citizen keeps
    its clients, so that a later logout still reaches them, each with the ``sid`` its ID tokens carry;
    another citizen's session ends as a logout ends it, its clients told now."""
    if previous.pin != session.pin:
        end_session(server, previous.sid)
        return
    server.sessions.hand_over_clients(previous.sid, session.sid)
    server.sessions.delete(previous.sid)


@dataclass(frozen=True)
class LoggedOut:
    """The session ended and there is nowhere to send the browser: the logged-out page."""


@dataclass(frozen=True)
class ConfirmLogout:
    """No hint names the client: the citizen confirms on a page whose form carries ``csrf``."""

    csrf: str


LogoutOutcome = Answer | LoggedOut | ConfirmLogout | ErrorPage


def logout(
    server: AuthorizationServer, request: ItemsRequest, session: LoginSession | None
) -> LogoutOutcome:
    """The outcome of a logout request, or of the confirmation form it showed; the session cookie is
    cleared by the web layer whenever the session ended."""
    request.session = session  # the session the endpoint's end_session hook ends
    try:
        validated: EndSessionRequest = server.validate_endpoint_request(END_SESSION, request)
        if validated.needs_confirmation and session is not None:
            csrf = request.form.get("csrf") if request.method == "POST" else None
            if csrf is None:
                return ConfirmLogout(_confirmation(server, session))
            if not _confirmed(server, csrf, session):
                raise InvalidRequestError("Invalid or expired logout confirmation.")
    except OAuth2Error as error:
        return ErrorPage(error.error, error.description)
    server.create_endpoint_response(END_SESSION, validated)
    if validated.redirect_uri:
        return redirect(validated.redirect_uri, status=302)
    return LoggedOut()


def _confirmation(server: AuthorizationServer, session: LoginSession) -> str:
    csrf = secrets.token_urlsafe(24)
    value = {"sid": session.sid}
    server.store.put(f"{CONFIRMATION}{csrf}", value, server.settings.interaction_ttl)
    return csrf


def _confirmed(server: AuthorizationServer, csrf: str, session: LoginSession) -> bool:
    record = server.store.take(f"{CONFIRMATION}{csrf[:64]}")
    return record is not None and hmac.compare_digest(str(record["sid"]), session.sid)
