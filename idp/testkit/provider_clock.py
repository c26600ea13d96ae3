"""``vneid.clock``: the provider's clock moved through the control API, and this process's view of it
(an offset or a frozen moment, as the last answer said), by which the kit checks a token's times as
the provider dated them."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Call = Callable[[str, str, dict[str, Any] | None], Any]
"""A call of the control API: method, path, JSON body; the JSON answer."""


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

    def freeze(self, at: datetime | None = None) -> None:
        self._move({"action": "freeze", **({"at": at.isoformat()} if at else {})})

    def advance(self, seconds: float) -> None:
        self._move({"action": "advance", "seconds": seconds})

    def set(self, at: datetime) -> None:
        self._move({"action": "set", "at": at.isoformat()})

    def reset(self) -> None:
        self._move({"action": "reset"})

    def _move(self, body: dict[str, Any]) -> None:
        self.view.saw(self._call("POST", "/sandbox/clock", body))
