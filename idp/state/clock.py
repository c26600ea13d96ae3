"""The provider's time: the one owner of "now" (bây giờ) for tokens, codes, one-time codes, sessions,
interactions, lockouts, consents and the audit trail, and the population's day.

A :class:`Clock` is built with the provider and passed to everything that reads the time; nothing else
calls :func:`time.time`. It follows the system clock until a test moves it: :meth:`Clock.freeze` stops
it, :meth:`Clock.advance` moves it on, :meth:`Clock.set` puts it at a moment, :meth:`Clock.reset`
gives back the system's time. Moving it moves nothing in the test process, only this provider. Timers
that measure durations (a cache's life, a sweep's interval) use :func:`time.monotonic` and are not the
provider's time. Redis keeps its own clock for the expiry of the keys it stores: with Redis as the
state store, a moved clock does not expire them earlier.
"""

import threading
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from idp.population_db.generator import AS_OF

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
"""Vietnam's time (UTC+7 all year): the day a record of the population database is dated by."""


class Clock:
    """The system clock, moved by an offset or frozen at a moment."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as :func:`time.time`."""
        frozen = self._frozen_at
        return frozen if frozen is not None else time.time() + self._offset

    def moment(self) -> datetime:
        """Now, as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), UTC)

    def today(self) -> date:
        """Today in Vietnam: the day a card issued now is dated, and the day its validity is judged."""
        return self.moment().astimezone(VIETNAM).date()

    def population_day(self) -> date:
        """The population's today (ngày của dữ liệu dân cư): the generator's reference day
        (:data:`~idp.population_db.generator.AS_OF`) moved by as many days as this clock is moved from
        the system's. Ages, eligibility and the validity of cards are judged on it, so a population
        seeded once ages only when a test moves the clock, never with the calendar."""
        wall = datetime.fromtimestamp(time.time(), UTC).astimezone(VIETNAM).date()
        return AS_OF + (self.today() - wall)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: float | None = None) -> None:
        """Stop the clock: at ``at`` (seconds since the epoch), else where it is now."""
        with self._lock:
            self._frozen_at = self.now() if at is None else float(at)

    def advance(self, seconds: float) -> None:
        """Move the clock on by ``seconds`` (back, if negative); a frozen clock stays frozen."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def set(self, at: float) -> None:
        """Put the clock at ``at`` (seconds since the epoch); a running clock runs on from there."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = float(at)
            else:
                self._offset = float(at) - time.time()

    def reset(self) -> None:
        """The system's time again, running."""
        with self._lock:
            self._offset, self._frozen_at = 0.0, None
