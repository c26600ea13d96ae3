"""Authentication events of the login pages, checked and audited together.

Each check opens one transaction (``engine.begin()``) that updates the brute-force counters
(:mod:`idp.login.lockout`) and appends the audit row (:mod:`idp.state.audit`, kind ``authentication``)
of the same event, so both commit or neither does. Outcomes: ``success``, ``failure``, ``lockout``,
``refused`` (rate limit, locked-out factor, locked account, deceased citizen, unmet requirements).
Each check reads the provider's clock (``server.clock``) once: its counters, windows and audit row all
carry that one time.
"""

from dataclasses import dataclass
from dataclasses import replace
from enum import Enum

from sqlalchemy import Connection

from idp.login.lockout import Limits
from idp.login.lockout import clear_failures
from idp.login.lockout import count_failed_attempt
from idp.login.lockout import count_failure
from idp.login.lockout import factor_state
from idp.login.lockout import is_locked
from idp.login.lockout import rate_limited
from idp.oidc.accounts import check_passcode
from idp.oidc.accounts import check_password
from idp.oidc.accounts import is_pin
from idp.oidc.accounts import refusal_of
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import PASSWORD
from idp.oidc.assurance import SMS_OTP
from idp.oidc.server import AuthorizationServer
from idp.population_db.lookup import AccountHolder
from idp.population_db.lookup import CitizenRecord
from idp.state.audit import AUTHENTICATION
from idp.state.audit import record_event


class Outcome(Enum):
    OK = "ok"
    BAD = "bad"
    LIMITED = "limited"
    REFUSED = "refused"


@dataclass(frozen=True)
class PasswordResult:
    outcome: Outcome
    record: AccountHolder | None = None
    reason: str = ""


@dataclass(frozen=True)
class _Who:
    pin: str | None
    client_id: str | None
    method: str


def _event(
    connection: Connection,
    at: float,
    outcome: str,
    who: _Who,
    acr: str | None = None,
    detail: str = "",
) -> None:
    record_event(
        connection,
        AUTHENTICATION,
        outcome,
        at=at,
        pin=who.pin,
        client_id=who.client_id,
        method=who.method,
        acr=acr,
        detail=detail,
    )


def audit(
    server: AuthorizationServer,
    outcome: str,
    pin: str | None,
    client_id: str | None,
    method: str,
    acr: str | None = None,
    detail: str = "",
) -> None:
    """One authentication row in its own transaction (for events without a counter)."""
    with server.engine.begin() as connection:
        record_event(
            connection,
            AUTHENTICATION,
            outcome,
            at=server.clock.now(),
            pin=pin,
            client_id=client_id,
            method=method,
            acr=acr,
            detail=detail,
        )


def password_attempt(
    server: AuthorizationServer, username: str, password: str, ip: str, client_id: str | None
) -> PasswordResult:
    """Rate limits, lockout, the password, the citizen's status; every outcome audited."""
    limits = Limits.of(server.settings)
    pin = username if is_pin(username) else None
    event = _Who(pin, client_id, PASSWORD)
    now = server.clock.now()
    with server.engine.begin() as connection:
        if rate_limited(server.store, username, ip, limits, now=now):
            _event(connection, now, "refused", event, detail="rate limit")
            return PasswordResult(Outcome.LIMITED)
        state = factor_state(connection, PASSWORD, username, now=now)
        locked = state.locked
        record = check_password(
            connection, server.secret_verifier, username, password, locked=locked
        )
        if locked:
            count_failed_attempt(connection, server.store, username, ip, limits, now=now)
            _event(connection, now, "refused", event, detail="locked out")
            return PasswordResult(Outcome.BAD)
        if record is None:
            count_failed_attempt(connection, server.store, username, ip, limits, now=now)
            locks = count_failure(connection, PASSWORD, username, limits, now=now)
            _event(connection, now, "failure", event)
            if locks:
                _event(connection, now, "lockout", event)
            return PasswordResult(Outcome.BAD)
        if state.failures:
            clear_failures(connection, PASSWORD, username)
        if reason := refusal_of(record):
            _event(connection, now, "refused", event, detail=reason)
            return PasswordResult(Outcome.REFUSED, record, reason)
        _event(connection, now, "success", event, acr="LoA1")
    return PasswordResult(Outcome.OK, record)


def attempt_limited(
    server: AuthorizationServer, pin: str, ip: str, client_id: str | None, method: str
) -> bool:
    """Whether the PIN or the address has used up its failed attempts in this window (a code is not
    even checked then); a refusal is audited."""
    limits = Limits.of(server.settings)
    if not rate_limited(server.store, pin, ip, limits, now=server.clock.now()):
        return False
    audit(server, "refused", pin, client_id, method, detail="rate limit")
    return True


def passcode_attempt(
    server: AuthorizationServer,
    record: CitizenRecord,
    passcode: str,
    client_id: str | None,
    acr_after: str | None,
    ip: str,
) -> bool:
    """The passcode, with the same lockout as the password (its own counter); a wrong one counts in
    the rate windows; audited, a success with ``acr_after``, the level the session reaches with it."""
    limits = Limits.of(server.settings)
    pin = record.citizen.pin
    event = _Who(pin, client_id, PASSCODE)
    now = server.clock.now()
    with server.engine.begin() as connection:
        locked = is_locked(connection, PASSCODE, pin, now=now)
    right = check_passcode(server.secret_verifier, record, passcode, locked=locked)
    with server.engine.begin() as connection:
        if locked:
            _event(connection, now, "refused", event, detail="locked out")
            return False
        if not right:
            count_failed_attempt(connection, server.store, pin, ip, limits, now=now)
            locks = count_failure(connection, PASSCODE, pin, limits, now=now)
            _event(connection, now, "failure", event)
            if locks:
                _event(connection, now, "lockout", event)
            return False
        clear_failures(connection, PASSCODE, pin)
        _event(connection, now, "success", event, acr=acr_after)
    return True


def otp_locked_out(server: AuthorizationServer, pin: str, client_id: str | None) -> bool:
    """Whether the account's one-time codes are locked (too many wrong codes across interactions: each
    code dies after a few tries, but new logins bring new codes); a refusal is audited."""
    now = server.clock.now()
    with server.engine.begin() as connection:
        if not is_locked(connection, SMS_OTP, pin, now=now):
            return False
        who = _Who(pin, client_id, SMS_OTP)
        _event(connection, now, "refused", who, detail="codes locked out")
    return True


def count_otp(
    server: AuthorizationServer, pin: str, client_id: str | None, ip: str, right: bool
) -> None:
    """A right code starts the account's count again; a wrong one counts in the rate windows and
    toward ``otp_lockout_threshold`` (OWASP ASVS 2.2.1), whose crossing is audited as a lockout."""
    limits = replace(Limits.of(server.settings), threshold=server.settings.otp_lockout_threshold)
    now = server.clock.now()
    with server.engine.begin() as connection:
        if right:
            clear_failures(connection, SMS_OTP, pin)
            return
        count_failed_attempt(connection, server.store, pin, ip, limits, now=now)
        if count_failure(connection, SMS_OTP, pin, limits, now=now):
            who = _Who(pin, client_id, SMS_OTP)
            _event(connection, now, "lockout", who, detail="too many codes")
