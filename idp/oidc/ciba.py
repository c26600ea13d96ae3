"""Client-Initiated Backchannel Authentication (OpenID Connect CIBA Core 1.0), poll and ping modes: the
backchannel authentication endpoint ``POST /bc-authorize``, the token grant
``urn:openid:params:grant-type:ciba`` and the ping to the client once the citizen decided.

A client registered for the grant with a delivery mode (:mod:`idp.oidc.ciba_metadata`) authenticates
(``client_secret_basic``, ``client_secret_post`` or ``private_key_jwt``; never ``none``, §7.1) and names
the citizen by exactly one hint: ``login_hint``, the 12-digit PIN, or ``id_token_hint``, an ID token this
provider issued to that client (its ``sub`` is found in the grant index). ``login_hint_token`` and
``user_code`` are not supported. ``binding_message`` (at most 64 characters, no control characters) is
shown on the citizen's phone; ``requested_expiry`` is 1 to 600 seconds (300 by default); ``acr_values``
sets the level, as at the authorization endpoint (the phone always reaches ``LoA4``). The answer is the
``auth_req_id``, its ``expires_in`` and the polling ``interval`` (§7.3); errors are §13's, as JSON.

A request starts an interaction without a browser (``decoupled="ciba"``, living ``requested_expiry``),
its handle kept by :class:`idp.oidc.decoupled.PolledRequests`, and opens an approval request on the
citizen's phone (:mod:`idp.state.phone_requests`). A citizen who cannot approve on a phone (no such PIN,
no account, a locked account or a deceased citizen, no app activated on a bound device) gets no phone
request and the client gets the same answer as for anyone else: the request waits, then expires. Telling
``unknown_user_id`` instead would let any client learn which PINs hold accounts; the house answers an
unknown and a wrong credential alike. A client may ask at most :data:`RATE_LIMIT` times a minute for one
hint (``access_denied``): a phone is not to be flooded with requests to approve by mistake.

The client polls the token endpoint (:class:`CibaGrant`, the shared logic of
:class:`idp.oidc.decoupled.PolledGrant`: ``authorization_pending``, ``slow_down``, ``access_denied``,
``expired_token``). A ``ping`` client is also told when the citizen decided (§10.2, :func:`notify`): a
JSON POST of the ``auth_req_id`` to its notification endpoint with its ``client_notification_token`` as
a Bearer token, once, with a short timeout; a failure is logged, and polling still works.
"""

import logging
import re
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

import httpx
from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import InvalidScopeError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import UnauthorizedClientError
from authlib.oauth2.rfc6749.endpoint import Endpoint
from joserfc import jwt

from idp.oidc.accounts import find_record
from idp.oidc.accounts import is_pin
from idp.oidc.accounts import refusal_of
from idp.oidc.assurance import requirement_of
from idp.oidc.ciba_metadata import DELIVERY_MODES
from idp.oidc.ciba_metadata import GRANT_TYPE
from idp.oidc.ciba_metadata import MODE
from idp.oidc.ciba_metadata import NOTIFICATION_ENDPOINT
from idp.oidc.ciba_metadata import PING
from idp.oidc.clients import Client
from idp.oidc.decoupled import Polled
from idp.oidc.decoupled import PolledGrant
from idp.oidc.decoupled import PolledRequests
from idp.oidc.grants import CONFIDENTIAL_METHODS
from idp.oidc.interaction import Interaction
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.requests import ItemsRequest
from idp.oidc.service_scopes import refuse_service_scopes
from idp.oidc.untrusted_input import MALFORMED
from idp.state.device_keys import bound_key
from idp.state.grant_index import pin_of_subject
from idp.state.phone_requests import open_request

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

KIND = "ciba"
ENDPOINT_NAME = "backchannel_authentication"
HANDLE = "auth_req_id"
INTERVAL = 5
"""Seconds the client waits between polls (§7.3); each ``slow_down`` adds 5 more."""
DEFAULT_EXPIRY = 300
MAX_EXPIRY = 600
MAX_BINDING_MESSAGE = 64
MAX_NOTIFICATION_TOKEN = 1024
RATE_LIMIT = 5
RATE_WINDOW = 60
BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750 §2.1's ``b64token``: what a ``client_notification_token`` must be (§7.1)."""
KEPT_PARAMETERS = ("scope", "acr_values", "binding_message", "requested_expiry")
"""The request's parameters the interaction keeps (never a credential or the notification token)."""
PING_KEY = "ciba-ping:"
PING_TIMEOUT = 2.0
log = logging.getLogger(__name__)


class UnknownUserIdError(OAuth2Error):  # type: ignore[misc]
    """§13: the hint names no citizen the provider can identify."""

    error = "unknown_user_id"


class InvalidBindingMessageError(OAuth2Error):  # type: ignore[misc]
    """§13: the binding message is too long or holds characters the phone cannot show."""

    error = "invalid_binding_message"


class BackchannelAuthenticationEndpoint(Endpoint):  # type: ignore[misc]
    """``POST /bc-authorize`` (CIBA Core §7)."""

    ENDPOINT_NAME = ENDPOINT_NAME

    def __call__(self, request: ItemsRequest) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        server: AuthorizationServer = self.server
        client: Client = server.authenticate_client(request, CONFIDENTIAL_METHODS, ENDPOINT_NAME)
        if (
            not client.check_grant_type(GRANT_TYPE)
            or client.metadata.get(MODE) not in DELIVERY_MODES
        ):
            raise UnauthorizedClientError("The client is not registered for CIBA.")
        form = request.form
        scope = _scope(client, form.get("scope"))
        hint = _hint(form)
        binding_message = _binding_message(form.get("binding_message"))
        expiry = _expiry(form.get("requested_expiry"))
        token = _notification_token(client, form.get("client_notification_token"))
        _limit(server, client, hint)
        pin = _citizen(server, client, hint)
        handle = start(server, client, scope, form, pin, binding_message, expiry, token)
        body = {HANDLE: handle, "expires_in": expiry, "interval": INTERVAL}
        return 200, body, [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


def _scope(client: Client, scope: str | None) -> str:
    """The requested scope: with ``openid`` (§7.1), every value registered for the client."""
    if not scope:
        raise InvalidRequestError("Missing 'scope'.")
    refuse_service_scopes(scope)
    scopes = scope.split()
    if "openid" not in scopes:
        raise InvalidScopeError("The scope must contain 'openid'.")
    if client.get_allowed_scope(scope) != " ".join(scopes):
        raise InvalidScopeError("The scope holds a value not registered for this client.")
    return " ".join(scopes)


def _hint(form: dict[str, str]) -> tuple[str, str]:
    """The one hint (§7.1: exactly one), as its name and value."""
    if "login_hint_token" in form:
        raise InvalidRequestError("'login_hint_token' is not supported: use 'login_hint'.")
    if "user_code" in form:
        raise InvalidRequestError("'user_code' is not supported.")
    given = [(name, form[name]) for name in ("login_hint", "id_token_hint") if form.get(name)]
    if len(given) != 1:
        raise InvalidRequestError("Exactly one of 'login_hint' and 'id_token_hint' is required.")
    return given[0]


def _binding_message(message: str | None) -> str:
    """Shown on the phone as it is: short, and only characters a screen shows (no control ones)."""
    if message is None:
        return ""
    if len(message) > MAX_BINDING_MESSAGE or not message.isprintable():
        raise InvalidBindingMessageError(
            f"The binding message must be at most {MAX_BINDING_MESSAGE} printable characters."
        )
    return message


def _expiry(requested: str | None) -> int:
    if requested is None:
        return DEFAULT_EXPIRY
    if not (requested.isascii() and requested.isdigit() and len(requested) <= 4):
        raise InvalidRequestError("'requested_expiry' must be a positive integer.")
    expiry = int(requested)
    if not 1 <= expiry <= MAX_EXPIRY:
        raise InvalidRequestError(f"'requested_expiry' must be 1 to {MAX_EXPIRY} seconds.")
    return expiry


def _notification_token(client: Client, token: str | None) -> str | None:
    """A ``ping`` client's Bearer token for its notification (§7.1: required in that mode)."""
    if client.metadata.get(MODE) != PING:
        return None
    if not token:
        raise InvalidRequestError("A ping client must send 'client_notification_token'.")
    if len(token) > MAX_NOTIFICATION_TOKEN or not BEARER_TOKEN.fullmatch(token):
        raise InvalidRequestError("'client_notification_token' is not a Bearer token (RFC 6750).")
    return token


def _limit(server: "AuthorizationServer", client: Client, hint: tuple[str, str]) -> None:
    """At most :data:`RATE_LIMIT` requests a minute from one client for one hint, counted whether or
    not it names an account (the refusal tells nothing about accounts)."""
    key = f"ciba-rate:{client.client_id}:{hint[0]}:{hint[1][:128]}"
    if server.store.incr(key, RATE_WINDOW) > RATE_LIMIT:
        raise AccessDeniedError("Too many requests for this citizen; try again later.")


def _citizen(server: "AuthorizationServer", client: Client, hint: tuple[str, str]) -> str:
    """The PIN the hint names; a malformed hint, or an ID token that names nobody for this client,
    is ``unknown_user_id``. Whether the PIN holds an account is not told (:func:`start`)."""
    name, value = hint
    if name == "login_hint":
        if not is_pin(value):
            raise UnknownUserIdError(
                "'login_hint' must be a 12-digit personal identification number."
            )
        return value
    sub = _hinted_subject(server, client, value)
    pin = pin_of_subject(server.engine, client.client_id, sub)
    if pin is None:
        raise UnknownUserIdError("The 'id_token_hint' names no citizen known to this client.")
    return pin


def _hinted_subject(server: "AuthorizationServer", client: Client, hint: str) -> str:
    """The ``sub`` of an ID token we signed, with our ``iss``, for this client (expired is fine: it
    names a citizen, it grants nothing)."""
    try:
        claims = jwt.decode(hint, server.keys.key_set, algorithms=list(SIGNING_ALGORITHMS)).claims
    except MALFORMED:
        raise InvalidRequestError("Invalid 'id_token_hint'.") from None
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    sub = claims.get("sub")
    if claims.get("iss") != server.settings.issuer or not isinstance(sub, str):
        raise InvalidRequestError("'id_token_hint' was not issued by this provider.")
    if client.client_id not in audiences:
        raise InvalidRequestError("'id_token_hint' was not issued to this client.")
    return sub


def start(
    server: "AuthorizationServer",
    client: Client,
    scope: str,
    form: dict[str, str],
    pin: str,
    binding_message: str,
    expiry: int,
    notification_token: str | None,
) -> str:
    """The interaction, its handle, the phone's request (for a citizen who can approve) and what a
    ping needs; the ``auth_req_id``."""
    default_acr = client.metadata.get("default_acr_values", [])
    requirement = requirement_of(form.get("acr_values"), None, scope.split(), default_acr)
    params = [[name, form[name]] for name in KEPT_PARAMETERS if name in form]
    params = [[name, scope if name == "scope" else value] for name, value in params]
    interaction = server.interactions.start_polled(
        KIND, client.client_id, scope, params, requirement, expiry
    )
    now = server.clock.now()
    expires_at = interaction.expires_at
    polled = Polled(client.client_id, interaction.uid, INTERVAL, now + INTERVAL, expires_at)
    handle = PolledRequests(server.store, KIND).open(polled, now)
    if can_approve(server, pin):
        open_request(
            server.engine,
            uid=interaction.uid,
            kind=KIND,
            client_id=client.client_id,
            pin=pin,
            expires_at=expires_at,
            at=now,
            binding_message=binding_message,
        )
    if notification_token is not None:
        ping = {HANDLE: handle, "token": notification_token}
        server.store.put(PING_KEY + interaction.uid, ping, expiry)
    return handle


def can_approve(server: "AuthorizationServer", pin: str) -> bool:
    """Whether the citizen has an account that may log in and an app activated on a bound device."""
    record = find_record(server.engine, pin, frozenset())
    if record is None or record.account is None or refusal_of(record) is not None:
        return False
    return bound_key(server.engine, pin) is not None


class CibaGrant(PolledGrant):
    """The token request of CIBA Core §10.1: ``auth_req_id`` polled at the token endpoint (a ``ping``
    client polls once pinged, or whenever it likes)."""

    GRANT_TYPE = GRANT_TYPE
    HANDLE = HANDLE

    def handles(self) -> PolledRequests:
        return PolledRequests(self.server.store, KIND)


class PingSender(Protocol):
    """Delivers one ping (§10.2) to one client."""

    def __call__(self, uri: str, token: str, auth_req_id: str) -> None: ...


class HttpPingSender:
    """:class:`PingSender` over httpx; ``transport`` lets tests or embedders route the requests."""

    def __init__(self, timeout: float, transport: httpx.BaseTransport | None = None) -> None:
        self.timeout = timeout
        self.transport = transport

    def __call__(self, uri: str, token: str, auth_req_id: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(timeout=self.timeout, transport=self.transport) as http:
            response = http.post(uri, json={HANDLE: auth_req_id}, headers=headers)
        response.raise_for_status()


def notify(
    server: "AuthorizationServer", interaction: Interaction, sender: PingSender | None = None
) -> None:
    """Ping the client of a back-channel request the citizen has decided (approved or refused), if
    it registered the ``ping`` mode: once (the ping's record is taken), errors logged, never raised."""
    if interaction.decoupled != KIND or interaction.client_id is None:
        return
    ping = server.store.take(PING_KEY + interaction.uid)
    client = server.query_client(interaction.client_id)
    if ping is None or client is None or client.metadata.get(MODE) != PING:
        return
    uri = str(client.metadata.get(NOTIFICATION_ENDPOINT, ""))
    try:
        (sender or HttpPingSender(PING_TIMEOUT))(uri, str(ping["token"]), str(ping[HANDLE]))
    except Exception as exc:  # a failing client must never break the phone's approval (§10.2)
        log.warning("CIBA ping to %s failed: %r", uri, exc)
