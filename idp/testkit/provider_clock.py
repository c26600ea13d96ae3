"""``vneid.clock``: the provider's clock moved through the control API, and this process's view of it
(an offset or a frozen moment, as the last answer said), by which the kit checks a token's times as
the provider dated them; and the population's today on the provider (the generator's reference day
moved as far as its clock), on which ages and the validity of cards are judged."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from idp.population_db.cards import birthday_at

Call = Callable[[str, str, dict[str, Any] | None], Any]
"""A call of the control API: method, path, JSON body; the JSON answer."""
MAX_ADVANCE = 10 * 365 * 86400
"""The longest move of one ``advance`` through the control API, in seconds."""
DAY = 86400


@dataclass
class ClockView:
    """The provider's clock as this process last saw it: an offset, or a frozen moment."""

    offset: float = 0.0
    frozen_at: float | None = None

    def now(self) -> float:
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def forget(self) -> None:
        """The system's time again (the provider's clock was reset)."""
        self.offset, self.frozen_at = 0.0, None

    def saw(self, state: dict[str, Any]) -> None:
        moment = float(state["now"])
        self.frozen_at = moment if state["frozen"] else None
        self.offset = moment - time.time()


class ProviderClock:
    """``vneid.clock``: moves the provider's time (never this process's)."""

    def __init__(self, call: Call, view: ClockView) -> None:
        self._call = call
        self.view = view

    def now(self) -> datetime:
        state = self._call("GET", "/sandbox/clock", None)
        return datetime.fromisoformat(state["iso"])

    def population_day(self) -> date:
        """The population's today on the provider: the day its ages, cards and insurance are judged
        on and its procedures (a renewed card, a recorded death) dated."""
        state = self._call("GET", "/sandbox/clock", None)
        return date.fromisoformat(state["population_day"])

    def advance_years(self, years: int) -> date:
        """Move the provider's clock on until the population's today is the same day ``years``
        later (29 February: 28 February); that day."""
        today = self.population_day()
        seconds = (birthday_at(today, years) - today).days * DAY
        state: dict[str, Any] = {}
        while seconds or not state:  # one move at least, so the view and the answer are current
            step = max(-MAX_ADVANCE, min(MAX_ADVANCE, seconds))
            state = self._move({"action": "advance", "seconds": step})
            seconds -= step
        return date.fromisoformat(state["population_day"])

    def freeze(self, at: datetime | None = None) -> None:
        self._move({"action": "freeze", **({"at": at.isoformat()} if at else {})})

    def advance(self, seconds: float) -> None:
        self._move({"action": "advance", "seconds": seconds})

    def set(self, at: datetime) -> None:
        self._move({"action": "set", "at": at.isoformat()})

    def reset(self) -> None:
        self._move({"action": "reset"})

    def _move(self, body: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = self._call("POST", "/sandbox/clock", body)
        self.view.saw(state)
        return state
