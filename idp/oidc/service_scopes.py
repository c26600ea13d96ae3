"""Service scopes (phạm vi dịch vụ): a licence the provider gives a client to call one of its
machine-to-machine services, never data a citizen shares: ``card_verification``, the chip card
verification service (:mod:`idp.citizen.card_verification`); ``population_registration``, the
population service that registers births and deaths (đăng ký khai sinh, khai tử); ``shared_signals``,
the management of the client's OpenID Shared Signals stream of identity events.

A client is licensed when it is registered with the scope (the clients file, ``vneid-mock clients add``
or registration over HTTP) and with the client credentials grant (RFC 6749 §4.4), which alone grants it:
the token endpoint answers ``invalid_scope`` to a client that asks for a service scope it is not
registered for (:func:`check_licence`), and every grant a citizen takes part in (the authorization
endpoint, the device flow, CIBA, the banks' sharing) refuses a service scope with ``invalid_scope``
(:func:`refuse_service_scopes`), so no consent page ever offers one and no citizen's token carries one.
A service's endpoint takes the client's access token as a Bearer token (RFC 6750): a missing or invalid
one is 401 ``invalid_token``, one without the scope (a citizen's token among them) 403
``insufficient_scope`` naming the scope it needs (:func:`licensed_client`).
"""

from typing import TYPE_CHECKING

from authlib.oauth2.rfc6749 import InvalidScopeError
from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oauth2.rfc6750 import InsufficientScopeError
from authlib.oauth2.rfc6750 import InvalidTokenError

from idp.oidc.access_tokens import access_token_claims
from idp.oidc.access_tokens import bearer_token
from idp.oidc.clients import Client

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

CARD_VERIFICATION = "card_verification"
POPULATION_REGISTRATION = "population_registration"
SHARED_SIGNALS = "shared_signals"
SERVICE_SCOPES = (CARD_VERIFICATION, POPULATION_REGISTRATION, SHARED_SIGNALS)


class ServiceScopeRequiredError(InsufficientScopeError):  # type: ignore[misc]
    """RFC 6750 §3.1 ``insufficient_scope`` (403), its challenge naming the scope needed;
    ``client_id`` is the client the token was issued to."""

    def __init__(self, scope: str, client_id: str) -> None:
        super().__init__(f"The access token was not issued for the '{scope}' scope.")
        self.scope = scope
        self.client_id = client_id

    def get_headers(self) -> list[tuple[str, str]]:
        challenge = f'Bearer error="insufficient_scope", scope="{self.scope}"'
        return [*super().get_headers(), ("WWW-Authenticate", challenge)]


def refuse_service_scopes(scope: str | None) -> None:
    """``invalid_scope`` when ``scope`` (a request's, space-separated) holds a service scope: a grant
    a citizen takes part in never gives one."""
    for name in scope_to_list(scope) or []:
        if name in SERVICE_SCOPES:
            raise InvalidScopeError(
                f"'{name}' is a service licence: only the client credentials grant gives it."
            )


def check_licence(client: Client, scope: str | None) -> None:
    """``invalid_scope`` when ``scope`` (a client credentials request's) asks for a service scope the
    client is not registered for."""
    registered = scope_to_list(client.metadata.get("scope", "")) or []
    for name in scope_to_list(scope) or []:
        if name in SERVICE_SCOPES and name not in registered:
            raise InvalidScopeError(f"The client is not licensed for '{name}'.")


def licensed_client(server: "AuthorizationServer", authorization: str | None, scope: str) -> Client:
    """The client whose access token ``authorization`` (an ``Authorization`` header) presents, when
    the token was issued to that client for the service ``scope`` by the client credentials grant
    and the client is still registered for it."""
    claims = access_token_claims(server, bearer_token(authorization, None))
    client = server.query_client(str(claims.get("client_id")))
    if client is None:
        raise InvalidTokenError("The access token's client is no longer registered.")
    granted = str(claims.get("scope") or "").split()
    registered = scope_to_list(client.metadata.get("scope", "")) or []
    # A citizen's token names its grant: it never carries a service scope, whatever it says.
    if "grant_id" in claims or scope not in granted or scope not in registered:
        raise ServiceScopeRequiredError(scope, client.client_id)
    return client
