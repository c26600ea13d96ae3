"""App-to-app login (đăng nhập từ ứng dụng khác): a mobile app's authorization request opened by the
VNeID app instead of a browser, then the app returns to the relying party.

The app link is the authorization request at ``/phone/authorize`` (the same parameters as
``/authorize``, OpenID Connect Core §3.1.2): on a phone, the operating system opens the VNeID app for
it, as app links and universal links do. The request is decided as every other one
(:func:`idp.oidc.authorization.authorize`; the client, its exact ``redirect_uri`` — for a native app a
claimed https URI or a private-use scheme, RFC 8252 §7 — PKCE); its interaction becomes an ``app``
request of the citizen whose app it is, shown on the approval screen. Once the citizen approves (or
refuses), the app answers the authorization request itself: the client's ``redirect_uri`` with the code
(or the error), which takes the citizen back to the relying party's app. A bank's sharing transaction
(:mod:`idp.oidc.biometric_share`) is opened the same way (``/phone/share/{transactionId}``) and returns
to the bank's app with the ``consentId``.
"""

from idp.login.pages import error_view
from idp.oidc.answer import Answer
from idp.oidc.answer import View
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.authorization import Interact
from idp.oidc.authorization import authorize
from idp.oidc.authorization import resume
from idp.oidc.biometric_share import SHARE
from idp.oidc.biometric_share import request_of
from idp.oidc.biometric_share import return_to_bank
from idp.oidc.error_page import ErrorPage
from idp.oidc.requests import ItemsRequest
from idp.oidc.server import AuthorizationServer
from idp.state import phone_requests
from idp.state.phone_requests import Request

APP = "app"


def open_app_link(server: AuthorizationServer, pin: str, request: ItemsRequest) -> Answer:
    """The authorization request an app link carries, for the citizen whose app opened it: its
    approval screen, or the request's error (a page when it cannot be redirected)."""
    outcome = authorize(server, request, None)
    if isinstance(outcome, ErrorPage):
        return page(error_view(outcome.error, outcome.description), outcome.status)
    if not isinstance(outcome, Interact):
        return outcome  # an error the client's redirect_uri may receive
    request_id = start(server, pin, outcome)
    return redirect(f"/phone/requests/{request_id}")


def start(server: AuthorizationServer, pin: str, started: Interact) -> str:
    """The started interaction, waiting on ``pin``'s phone as an ``app`` request."""
    interaction = started.interaction
    return phone_requests.open_request(
        server.engine,
        uid=interaction.uid,
        kind=APP,
        client_id=interaction.client_id,
        pin=pin,
        expires_at=interaction.expires_at,
        at=server.clock.now(),
    )


def returned(server: AuthorizationServer, request: Request, outcome: str) -> Answer | None:
    """Where the VNeID app takes the citizen once they decided a request another app handed over:
    the relying party's ``redirect_uri`` (an app link) or the bank's ``return_uri`` (a sharing
    transaction, :mod:`idp.oidc.biometric_share`); None for any other request."""
    if request.kind == SHARE:
        location = return_to_bank(server, request.id, outcome == phone_requests.APPROVED)
        return None if location is None else redirect(location)
    return return_to_app(server, request)


def open_transaction(server: AuthorizationServer, pin: str, transaction: str) -> Answer:
    """A bank's app link to a sharing transaction, opened in ``pin``'s app: its approval screen,
    unless the transaction is unknown or another citizen's."""
    found = request_of(server, transaction)
    if found is None or found[1] != pin:
        return page(View("phone/outcome.html", {"outcome": "not_found"}), 404)
    return redirect(f"/phone/requests/{found[0]}")


def return_to_app(server: AuthorizationServer, request: Request) -> Answer | None:
    """After the citizen decided an ``app`` request: the authorization response that takes them back
    to the relying party's app (None for any other request, or one already answered)."""
    if request.kind != APP:
        return None
    taken = server.interactions.take(request.uid)
    if taken is None or taken.decoupled:
        return None
    outcome = resume(server, taken, server.sessions.load(taken.sid))
    if isinstance(outcome, Answer):
        if outcome.status == 302:  # RFC 9700 §4.12: after a form, the app GETs the client
            outcome.status = 303
        return outcome
    return None
