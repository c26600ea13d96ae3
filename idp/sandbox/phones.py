"""Scripted phones (điện thoại giả lập cho kiểm thử): what the control API lets a test do with a
citizen's phone app, as the app would, so CI runs every phone flow without a browser.

A test's phone makes its own ES256 key pair and activates with the public key
(:func:`idp.phone.devices.activate`); it lists the requests waiting for its citizen with what the
approval screen shows (service, level, data items, binding message, the nonce to sign), scans a QR
code's link (claiming the request, once), and answers with a JWS it signed itself
(:func:`idp.phone.approvals.answer`): the provider verifies it against the bound key exactly as it does
for the simulated app's pages.
"""

from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import InvalidRequestError
from httpx import Headers

from idp.login.steps import asking
from idp.oidc.authorization import Interact
from idp.oidc.authorization import authorize
from idp.oidc.error_page import ErrorPage
from idp.oidc.requests import ItemsRequest
from idp.oidc.requests import parse_parameters
from idp.oidc.server import AuthorizationServer
from idp.phone import approvals
from idp.phone.app import DECIDED
from idp.phone.app import claim_link
from idp.phone.app_links import returned
from idp.phone.app_links import start
from idp.state import phone_requests
from idp.state.phone_requests import Request


def waiting(server: AuthorizationServer, pin: str) -> list[dict[str, Any]]:
    """The citizen's requests waiting for a decision, as the approval screen shows them."""
    now = server.clock.now()
    listed = (described(server, r) for r in phone_requests.pending_for(server.engine, pin, now=now))
    return [entry for entry in listed if entry is not None]


def described(server: AuthorizationServer, request: Request) -> dict[str, Any] | None:
    """What a phone needs to show and sign a request; None once its interaction is gone."""
    interaction = server.interactions.details(request.uid)
    if interaction is None:
        return None
    who = asking(server, interaction)
    return {
        "id": request.id,
        "kind": request.kind,
        "client_id": request.client_id,
        "service": who.service,
        "purpose": who.purpose,
        "acr": "LoA4",
        "scopes": interaction.scope.split(),
        "binding_message": request.binding_message,
        "nonce": request.nonce,
        "expires_at": request.expires_at,
    }


def scan(server: AuthorizationServer, pin: str, link: str) -> dict[str, Any] | None:
    """Scan a QR code's link (a login's, a device's ``verification_uri_complete``, or a request
    id): the request, now this citizen's; None when it is unknown, expired, or claimed already."""
    request_id = claim_link(server, pin, link)
    if request_id is None:
        return None
    found = phone_requests.find(server.engine, request_id)
    return None if found is None else described(server, found)


def open_link(server: AuthorizationServer, pin: str, link: str) -> dict[str, Any] | str:
    """Open an app link (``/phone/authorize?…``) on the citizen's phone: the request it starts, or
    the error the authorization request gets (its redirect, or why it cannot be redirected)."""
    query = urlsplit(link).query.encode()
    try:
        request = ItemsRequest("GET", link, Headers(), parse_parameters(query, "query"), [])
    except InvalidRequestError as error:
        return str(error.description)
    outcome = authorize(server, request, None)
    if isinstance(outcome, ErrorPage):
        return f"{outcome.error}: {outcome.description}"
    if not isinstance(outcome, Interact):
        return outcome.header("Location") or "refused"
    found = phone_requests.find(server.engine, start(server, pin, outcome))
    described_request = None if found is None else described(server, found)
    return described_request or "expired"


def answer(
    server: AuthorizationServer,
    pin: str,
    request_id: str,
    answered: approvals.Answered,
    finished: approvals.Finished | None,
) -> tuple[str, str | None]:
    """A scripted phone's signed answer: the outcome (``not_found`` for a request that is not this
    citizen's) and, for an app's request once decided, where the app returns to."""
    found = phone_requests.find(server.engine, request_id)
    if found is None or found.pin != pin:
        return "not_found", None
    outcome = approvals.answer(server, request_id, answered, "sandbox", finished)
    back = returned(server, found, outcome) if outcome in DECIDED else None
    return outcome, None if back is None else back.header("Location")
