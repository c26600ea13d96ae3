"""The event types the transmitter knows (CAEP 1.0 §3, RISC 1.0 §2, SSF 1.0 §8.1.4-§8.1.5) and which
change of a citizen produces which."""

RISC = "https://schemas.openid.net/secevent/risc/event-type/"
CAEP = "https://schemas.openid.net/secevent/caep/event-type/"
SSF = "https://schemas.openid.net/secevent/ssf/event-type/"

ACCOUNT_DISABLED = RISC + "account-disabled"
ACCOUNT_ENABLED = RISC + "account-enabled"
TOKEN_CLAIMS_CHANGE = CAEP + "token-claims-change"
SESSION_REVOKED = CAEP + "session-revoked"
VERIFICATION = SSF + "verification"
STREAM_UPDATED = SSF + "stream-updated"

SUBJECT_EVENTS = (ACCOUNT_DISABLED, ACCOUNT_ENABLED, TOKEN_CLAIMS_CHANGE, SESSION_REVOKED)
"""The events about a citizen a receiver may request: ``events_supported``."""
CONTROL_EVENTS = (VERIFICATION, STREAM_UPDATED)
"""The stream's own events (SSF §8.1.4, §8.1.5): delivered while the stream is paused too."""
DISABLED_STREAM_EVENTS = (STREAM_UPDATED,)
"""The one event a disabled stream is sent (§8.1.2 transmits nothing else): the change of status."""
