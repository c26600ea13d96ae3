"""The OAuth 2.0 Device Authorization Grant (RFC 8628): the device authorization endpoint, the user
codes, and the device code's token grant.

``POST /device_authorization`` (§3.1) authenticates the client as the token endpoint does (a public
client with ``none`` too), which must be registered for ``urn:ietf:params:oauth:grant-type:device_code``
(else ``unauthorized_client``), checks ``scope`` against the client's registration (``invalid_scope``;
none asked: ``openid``), reads the optional ``acr_values`` and starts a browserless interaction
(:mod:`idp.oidc.interaction`, ``decoupled="device"``) needing what an authorization request with those
values would need (:func:`idp.oidc.assurance.requirement_of`). The answer (§3.2) carries the
``device_code`` (a polled request's handle, :class:`idp.oidc.decoupled.PolledRequests`), the
``user_code`` (8 characters of RFC 8628 §6.1's base-20 alphabet, no vowels nor look-alikes, shown as
``XXXX-XXXX``: 34 bits, against a rate-limited entry), ``verification_uri`` (``{issuer}/device``), its
``_complete`` form, ``expires_in`` (``device_code_ttl``) and ``interval`` (5 s).

The user code leads to the interaction (:func:`find_by_user_code`), for the verification page and for
the phone app; it is forgotten once a browser claims the request (:func:`forget_user_code`). The device
polls the token endpoint with :class:`DeviceCodeGrant`, which is :class:`idp.oidc.decoupled.PolledGrant`
under the device code's name (§3.4-3.5: ``authorization_pending``, ``slow_down``, ``access_denied``,
``expired_token``).
"""

from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from urllib.parse import urlencode

from authlib.common.security import generate_token
from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749 import InvalidScopeError
from authlib.oauth2.rfc6749 import UnauthorizedClientError
from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oauth2.rfc8628 import DeviceAuthorizationEndpoint as _DeviceAuthorizationEndpoint

from idp.oidc.assurance import requirement_of
from idp.oidc.clients import Client
from idp.oidc.decoupled import Polled
from idp.oidc.decoupled import PolledGrant
from idp.oidc.decoupled import PolledRequests
from idp.oidc.grants import CONFIDENTIAL_METHODS
from idp.oidc.interaction import Interaction
from idp.oidc.requests import ItemsRequest
from idp.oidc.service_scopes import refuse_service_scopes
from idp.state.store import StateStore

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEVICE = "device"
"""The interactions' ``decoupled`` and the polled requests' kind of a device request."""
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
"""RFC 8628 §6.1's example: consonants only (no words spelt), none easily taken for another."""
USER_CODE_LENGTH = 8
USER_CODE = "device-user-code:"
INTERVAL = 5
"""Seconds the device waits between polls (§3.2), until ``slow_down`` adds to it."""
KEPT_PARAMETERS = ("acr_values", "ui_locales")
"""The request's parameters the interaction keeps besides its client and scope (never a secret)."""
AUTH_METHODS = [*CONFIDENTIAL_METHODS, "none"]


class DeviceCodeGrant(PolledGrant):
    """The device's polls at the token endpoint (§3.4), public clients included (§3.4: the client
    authenticates only if it was issued credentials)."""

    GRANT_TYPE = DEVICE_CODE_GRANT
    HANDLE = "device_code"
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS

    def handles(self) -> PolledRequests:
        return PolledRequests(self.server.store, DEVICE)


class DeviceAuthorizationEndpoint(_DeviceAuthorizationEndpoint):  # type: ignore[misc]
    """``POST /device_authorization`` (§3.1-3.2) on Authlib's endpoint: its client authentication,
    our checks, interaction and codes."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS
    server: "AuthorizationServer"

    def create_endpoint_request(self, request: ItemsRequest) -> ItemsRequest:
        return request

    def create_endpoint_response(
        self, request: ItemsRequest
    ) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        client: Client = self.authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE_GRANT):
            raise UnauthorizedClientError(f"The client may not use '{DEVICE_CODE_GRANT}'.")
        scope = allowed_scope(client, request.payload.scope)
        interaction = self._start(request, client, scope)
        server, ttl = self.server, self.server.settings.device_code_ttl
        now = server.clock.now()
        polled = Polled(client.client_id, interaction.uid, INTERVAL, now, now + ttl)
        device_code = PolledRequests(server.store, DEVICE).open(polled, now)
        user_code = keep_user_code(server.store, interaction.uid, ttl)
        verification_uri = f"{server.settings.issuer}/device"
        data = {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": f"{verification_uri}?{urlencode({'user_code': user_code})}",
            "expires_in": ttl,
            "interval": INTERVAL,
        }
        return 200, data, default_json_headers

    def _start(self, request: ItemsRequest, client: Client, scope: str) -> Interaction:
        """The browserless interaction of the request, needing what ``acr_values`` asks."""
        data = request.payload.data
        acr_values = data.get("acr_values")
        needed = requirement_of(acr_values, None, scope.split(), client.default_acr_values)
        params = [["client_id", client.client_id], ["scope", scope]]
        params += [[name, str(data[name])] for name in KEPT_PARAMETERS if name in data]
        ttl = self.server.settings.device_code_ttl
        interactions = self.server.interactions
        return interactions.start_polled(DEVICE, client.client_id, scope, params, needed, ttl)


def allowed_scope(client: Client, scope: str | None) -> str:
    """The scope asked (``openid`` when none is), each once; ``invalid_scope`` for any scope the
    client is not registered for, and for a service's scope (:mod:`idp.oidc.service_scopes`)."""
    refuse_service_scopes(scope)
    requested = list(dict.fromkeys(scope_to_list(scope) or ["openid"]))
    allowed = set(scope_to_list(client.get_allowed_scope(" ".join(requested))) or [])
    if not set(requested) <= allowed:
        raise InvalidScopeError("The client is not registered for every scope asked.")
    return " ".join(requested)


def new_user_code() -> str:
    """``XXXX-XXXX`` from :data:`USER_CODE_ALPHABET` (Authlib's generator: ``secrets``)."""
    code: str = generate_token(USER_CODE_LENGTH, USER_CODE_ALPHABET)
    return f"{code[:4]}-{code[4:]}"


def keep_user_code(store: StateStore, uid: str, ttl: int) -> str:
    """A new user code leading to interaction ``uid`` until it expires; never one still in use."""
    while True:
        code = new_user_code()
        if store.add(USER_CODE + code.replace("-", ""), {"uid": uid}, ttl):
            return code


def normalised(user_code: str) -> str | None:
    """The code as stored: upper case, without the dash or spaces a person types (§6.1); None when
    it cannot be a user code."""
    code = user_code[:32].upper().replace("-", "").replace(" ", "")
    if len(code) != USER_CODE_LENGTH or not set(code) <= set(USER_CODE_ALPHABET):
        return None
    return code


def shown(user_code: str) -> str:
    """A normalised code as the device shows it: ``XXXX-XXXX``."""
    return f"{user_code[:4]}-{user_code[4:]}"


def find_by_user_code(server: "AuthorizationServer", user_code: str) -> Interaction | None:
    """The live device interaction ``user_code`` (as typed: any case, with or without the dash)
    leads to, or None: unknown, expired, or already claimed by a browser."""
    code = normalised(user_code)
    found = server.store.get(USER_CODE + code) if code else None
    uid = found.get("uid") if found else None
    interaction = server.interactions.details(uid) if isinstance(uid, str) else None
    if interaction is None or interaction.decoupled != DEVICE:
        return None
    return interaction


def claim_by_user_code(server: "AuthorizationServer", user_code: str) -> Interaction | None:
    """The live device interaction of ``user_code``, claimed: the code is taken (once, of a phone
    and a browser racing, one gets it) and leads nowhere any more; None when it is unknown,
    expired or claimed already."""
    code = normalised(user_code)
    found = server.store.take(USER_CODE + code) if code else None
    uid = found.get("uid") if found else None
    interaction = server.interactions.details(uid) if isinstance(uid, str) else None
    if interaction is None or interaction.decoupled != DEVICE:
        return None
    return interaction


def forget_user_code(server: "AuthorizationServer", user_code: str) -> None:
    """The request was claimed: its user code leads nowhere any more."""
    if code := normalised(user_code):
        server.store.delete(USER_CODE + code)
