"""Security Event Tokens (RFC 8417) as SSF 1.0 §4 profiles them: a compact JWS, header ``typ``
``secevent+jwt`` and the ``kid`` of the provider's key, signed with the client's
``id_token_signed_response_alg`` (as its ID tokens and logout tokens); claims ``iss``, ``aud`` (the
client), ``iat`` (the event's time on the provider's clock, so a retry signs the same claims), ``jti``
(the outbox row's, stable across retries), ``txn`` (shared by the SETs one change produced),
``sub_id`` (RFC 9493) and ``events`` with exactly one event."""

from typing import TYPE_CHECKING
from typing import Any

from joserfc import jwt

from idp.oidc.clients import Client
from idp.state.signal_outbox import OutboxEvent

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

SET_TYPE = "secevent+jwt"


def security_event_token(server: "AuthorizationServer", client: Client, event: OutboxEvent) -> str:
    """The signed SET of one outbox event for ``client``."""
    alg = client.id_token_signed_response_alg
    key = server.keys.signing_key(alg)
    claims: dict[str, Any] = {
        "iss": server.settings.issuer,
        "aud": client.client_id,
        "iat": int(event.created_at),
        "jti": event.jti,
        "txn": event.txn,
        "sub_id": event.subject,
        "events": {event.event_type: event.payload},
    }
    header = {"alg": alg, "typ": SET_TYPE, "kid": str(key.kid)}
    return jwt.encode(header, claims, key, algorithms=[alg])
