"""The identity events (sự kiện định danh) a sample app asks the provider's Shared Signals stream for:
the event type URIs of OpenID RISC 1.0 (an account disabled or enabled), OpenID CAEP 1.0 (claims
changed, a session revoked) and the Shared Signals Framework 1.0 itself (a stream's verification and
status), each with the short name the pages' words use (``signals.types.<name>``)."""

RISC = "https://schemas.openid.net/secevent/risc/event-type/"
CAEP = "https://schemas.openid.net/secevent/caep/event-type/"
SSF = "https://schemas.openid.net/secevent/ssf/event-type/"

ACCOUNT_DISABLED = f"{RISC}account-disabled"
ACCOUNT_ENABLED = f"{RISC}account-enabled"
CLAIMS_CHANGE = f"{CAEP}token-claims-change"
SESSION_REVOKED = f"{CAEP}session-revoked"
VERIFICATION = f"{SSF}verification"
STREAM_UPDATED = f"{SSF}stream-updated"

SHORT_NAMES = {
    ACCOUNT_DISABLED: "account_disabled",
    ACCOUNT_ENABLED: "account_enabled",
    CLAIMS_CHANGE: "claims_change",
    SESSION_REVOKED: "session_revoked",
    VERIFICATION: "verification",
    STREAM_UPDATED: "stream_updated",
}
EVENTS_REQUESTED = tuple(SHORT_NAMES)
"""What every app's stream asks for (SSF 1.0 §8.1.1 ``events_requested``)."""

PUSH_DELIVERY = "urn:ietf:rfc:8935"
"""Push delivery (RFC 8935): the provider POSTs each SET to the app."""


def short_name(event_type: str) -> str:
    """The short name of an event type; ``other`` for one the app did not ask for."""
    return SHORT_NAMES.get(event_type, "other")
