"""One-time codes by SMS (mã OTP): issue, resend with a throttle, verify once.

A code is 6 digits from :mod:`secrets`, bound to one interaction and one citizen, kept in the state
store under ``otp:{uid}`` for ``otp_ttl`` seconds (3 minutes). Verifying *takes* the record atomically
(:meth:`StateStore.take`), so a code is used at most once even by concurrent submissions; a wrong code
puts the record back with :meth:`StateStore.add` (never over a newer code) until ``otp_max_tries``
wrong entries kill it. Sends are throttled (one per ``otp_resend_interval``) and capped per interaction
(``otp_max_sends``), each slot claimed with an atomic ``add``. OWASP ASVS V2.7 (out-of-band verifiers).
A code's life and its message's time are the provider's clock's (``server.clock``).
"""

import hmac
import secrets
from enum import Enum

from idp.login.sms_inbox import deliver
from idp.oidc.server import AuthorizationServer

MESSAGE = (
    "[SANDBOX] VNeID: Ma xac thuc cua ban la {code}. Co hieu luc trong 3 phut. "
    "Khong chia se ma nay."
)
"""The text as a Vietnamese operator sends it: without diacritics, which a plain SMS cannot carry."""


class Sent(Enum):
    SENT = "sent"
    THROTTLED = "throttled"
    CAPPED = "capped"


class Checked(Enum):
    OK = "ok"
    WRONG = "wrong"
    DEAD = "dead"
    EXPIRED = "expired"


def _key(uid: str) -> str:
    return f"otp:{uid}"


def _send(server: AuthorizationServer, uid: str, pin: str, phone: str) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    now = server.clock.now()
    record = {"pin": pin, "code": code, "tries": 0, "expires_at": now + server.settings.otp_ttl}
    server.store.put(_key(uid), record, server.settings.otp_ttl)
    deliver(server.engine, phone, MESSAGE.format(code=code), at=now)


def send_first(server: AuthorizationServer, uid: str, pin: str, phone: str) -> bool:
    """Send the interaction's first code, unless one was already sent; whether it was sent now."""
    settings = server.settings
    if not server.store.add(f"otp-send:{uid}:0", {}, settings.interaction_ttl):
        return False
    server.store.add(f"otp-throttle:{uid}", {}, settings.otp_resend_interval)
    _send(server, uid, pin, phone)
    return True


def resend(server: AuthorizationServer, uid: str, pin: str, phone: str) -> Sent:
    """A new code (the old one dies), unless throttled or over the interaction's cap."""
    settings = server.settings
    if not server.store.add(f"otp-throttle:{uid}", {}, settings.otp_resend_interval):
        return Sent.THROTTLED
    for slot in range(settings.otp_max_sends):
        if server.store.add(f"otp-send:{uid}:{slot}", {}, settings.interaction_ttl):
            _send(server, uid, pin, phone)
            return Sent.SENT
    return Sent.CAPPED


def verify(server: AuthorizationServer, uid: str, pin: str, code: str) -> Checked:
    """Check ``code`` against the interaction's live code, consuming it when right."""
    record = server.store.take(_key(uid))
    if record is None or record["pin"] != pin:
        return Checked.EXPIRED
    if hmac.compare_digest(str(record["code"]).encode(), code.strip().encode()):
        return Checked.OK
    record["tries"] += 1
    remaining = int(record["expires_at"] - server.clock.now())
    if record["tries"] >= server.settings.otp_max_tries:
        return Checked.DEAD
    if remaining > 0:
        server.store.add(_key(uid), record, remaining)
    return Checked.WRONG
