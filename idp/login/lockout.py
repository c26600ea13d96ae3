"""Brute-force protection (chống dò mật khẩu): failure counters, temporary lockout and rate limits.

- Lockout: ``lockout_threshold`` wrong secrets in a row (password, or passcode) lock that factor of that
  PIN for ``lockout_seconds``; a right secret is then refused as well, with the wrong-password message
  (security background §4.1: never tell the attacker the account is locked). Failures older than
  ``lockout_seconds`` are forgotten. These counters are one table, ``auth_counter``, in the
  population's database: a lockout survives a restart and is shared by every worker. Each change is one
  atomic statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on SQLite ≥ 3.35 and PostgreSQL),
  made inside the caller's transaction so the audit row of the same event commits with it. Two
  concurrent wrong passwords therefore count two, and exactly one of them is the one that reaches the
  threshold and locks.
- Rate limits: fixed windows of ``login_rate_window`` seconds, per PIN and per client IP (OWASP ASVS
  2.2.1, NIST SP 800-63B §5.2.2), that count *failed* attempts only (a wrong password, a wrong code), so
  that a test suite logging the same persona in hundreds of times a minute is never throttled. A
  window is a counter in the state store (:meth:`idp.state.store.StateStore.incr`, atomic, expiring with
  its window); the failure that fills it leaves a marker for the rest of the window, which every attempt
  reads first (a right secret included: once full, the window refuses until it ends). Both are shared
  exactly as widely as the sessions are, as Redis-backed limiters are: nothing written to the database
  per attempt. When an address opens a new window (its first failure in it), failure counters older
  than any window or lockout are deleted. The device flow's wrong user codes are counted the same way,
  per address only (:func:`count_address_failure`; RFC 8628 §5.1).

Every function here is told the time (``now``, the provider's clock: :class:`idp.state.clock.Clock`)
by its caller; none reads a clock.
"""

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables
from idp.population_db.database import dialect_insert
from idp.settings import IdPSettings
from idp.state.store import StateStore


class AuthCounter(SQLModel, table=True):
    """One counter: failures of a factor of a PIN, or attempts in a rate-limit window."""

    __tablename__ = "auth_counter"

    key: str = Field(primary_key=True, max_length=200)
    count: int = 0
    updated_at: float = Field(index=True)
    locked_until: float = 0.0


COUNTER: Table = AuthCounter.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Limits:
    threshold: int
    lock_seconds: int
    window: int
    per_account: int
    per_ip: int

    @classmethod
    def of(cls, settings: IdPSettings) -> "Limits":
        return cls(
            settings.lockout_threshold,
            settings.lockout_seconds,
            settings.login_rate_window,
            settings.login_rate_per_account,
            settings.login_rate_per_ip,
        )


def create_counter_table(engine: Engine) -> None:
    create_tables(engine, [COUNTER])


# The statements are built once, with bound parameters (see :class:`idp.state.sql_store.SqlStateStore`).
_COUNT = case((COUNTER.c.updated_at < bindparam("forget_before"), 1), else_=COUNTER.c.count + 1)
_FORGET_STALE = delete(COUNTER).where(
    COUNTER.c.updated_at < bindparam("stale"), COUNTER.c.locked_until < bindparam("now")
)
_STATE = select(COUNTER.c.locked_until, COUNTER.c.count).where(
    COUNTER.c.key == bindparam("counter")
)
_LOCK = (
    update(COUNTER)
    .where(COUNTER.c.key == bindparam("counter"))
    .values(count=0, locked_until=bindparam("until"))
)
_CLEAR = update(COUNTER).where(COUNTER.c.key == bindparam("counter")).values(count=0)


@functools.cache
def _increment(dialect: str) -> Any:
    """A new counter at 1, or one more on the existing one (from 1 again when it is stale); built
    once per dialect."""
    statement = dialect_insert(dialect)(COUNTER).values(
        key=bindparam("counter"), count=1, updated_at=bindparam("now"), locked_until=0.0
    )
    return statement.on_conflict_do_update(
        index_elements=[COUNTER.c.key],
        set_={"count": _COUNT, "updated_at": statement.excluded.updated_at},
    ).returning(COUNTER.c.count)


@dataclass(frozen=True)
class FactorState:
    """A factor of a PIN: locked now, and how many failures in a row it has."""

    locked: bool
    failures: int


def _bump(connection: Connection, key: str, forget_before: float, now: float) -> int:
    """Add one to ``key`` (restarting from 1 when its last change is older than ``forget_before``)."""
    parameters = {"counter": key, "forget_before": forget_before, "now": now}
    return int(connection.execute(_increment(connection.dialect.name), parameters).scalar_one())


def rate_limited(store: StateStore, pin: str, ip: str, limits: Limits, *, now: float) -> bool:
    """Whether ``pin`` or ``ip`` has used up its failed attempts in the current window."""
    window, _ = _window(limits, now)
    full = (_full_key("pin", pin, window), _full_key("ip", ip, window))
    return any(store.get(key) is not None for key in full)


def count_failed_attempt(
    connection: Connection, store: StateStore, pin: str, ip: str, limits: Limits, *, now: float
) -> None:
    """Count one failed attempt for ``pin`` and ``ip``; the one that fills a window marks it full."""
    window, ttl = _window(limits, now)
    for kind, value, limit in (("pin", pin, limits.per_account), ("ip", ip, limits.per_ip)):
        count = store.incr(f"rate:{kind}:{value[:64]}:{window}", ttl)
        if count >= limit:
            store.put(_full_key(kind, value, window), {}, ttl)
        if kind == "ip" and count == 1:
            stale = now - 2 * max(limits.window, limits.lock_seconds)
            connection.execute(_FORGET_STALE, {"stale": stale, "now": now})


def address_retry_after(store: StateStore, kind: str, ip: str, window: int, *, now: float) -> int:
    """Seconds until ``ip`` may try ``kind`` again (its window is full), or 0 when it may now."""
    number, ttl = _window_of(window, now)
    return ttl if store.get(_full_key(kind, ip, number)) is not None else 0


def count_address_failure(
    store: StateStore, kind: str, ip: str, limit: int, window: int, *, now: float
) -> None:
    """Count one failed attempt of ``kind`` (``device``: a wrong user code) from ``ip``; the one that
    reaches ``limit`` marks the window full (the state store only: no database row per attempt)."""
    number, ttl = _window_of(window, now)
    if store.incr(f"rate:{kind}:{ip[:64]}:{number}", ttl) >= limit:
        store.put(_full_key(kind, ip, number), {}, ttl)


def _window_of(window: int, now: float) -> tuple[int, int]:
    """The number of the ``window``-second window ``now`` is in and the seconds to its end."""
    return int(now // window), window - int(now % window)


def _window(limits: Limits, now: float) -> tuple[int, int]:
    """The number of the window ``now`` is in and the seconds to its end."""
    return _window_of(limits.window, now)


def _full_key(kind: str, value: str, window: int) -> str:
    return f"rate-full:{kind}:{value[:64]}:{window}"


def factor_state(connection: Connection, factor: str, pin: str, *, now: float) -> FactorState:
    key = f"{factor}:{pin[:64]}"
    row = connection.execute(_STATE, {"counter": key}).one_or_none()
    if row is None:
        return FactorState(locked=False, failures=0)
    locked_until, failures = row
    return FactorState(locked=locked_until > now, failures=int(failures))


def is_locked(connection: Connection, factor: str, pin: str, *, now: float) -> bool:
    return factor_state(connection, factor, pin, now=now).locked


def count_failure(
    connection: Connection, factor: str, pin: str, limits: Limits, *, now: float
) -> bool:
    """Count one wrong secret; True when this very failure reaches the threshold and locks."""
    key = f"{factor}:{pin[:64]}"
    failures = _bump(connection, key, now - limits.lock_seconds, now)
    if failures != limits.threshold:
        return False
    connection.execute(_LOCK, {"counter": key, "until": now + limits.lock_seconds})
    return True


def clear_failures(connection: Connection, factor: str, pin: str) -> None:
    """A right secret: the failures in a row start again from zero."""
    key = f"{factor}:{pin[:64]}"
    connection.execute(_CLEAR, {"counter": key})
