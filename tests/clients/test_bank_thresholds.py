"""When a bank transfer needs a fresh authentication: above 10,000,000 VND at once, or above
20,000,000 VND in a Vietnamese calendar day (UTC+7)."""

from datetime import UTC
from datetime import datetime

import pytest

from clients.bank.settings import BankSettings
from clients.bank.thresholds import day_bounds
from clients.bank.thresholds import needs_fresh_authentication


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_the_day_is_vietnams() -> None:
    # 16:59:59 UTC is 23:59:59 in Hanoi; 17:00:00 UTC is the next day there.
    assert day_bounds(_at("2025-03-01T16:59:59")) == (
        _at("2025-02-28T17:00:00"),
        _at("2025-03-01T17:00:00"),
    )
    assert day_bounds(_at("2025-03-01T17:00:00")) == (
        _at("2025-03-01T17:00:00"),
        _at("2025-03-02T17:00:00"),
    )


@pytest.mark.parametrize(
    ("amount", "sent_today", "needed"),
    [
        (10_000_000, 0, False),
        (10_000_001, 0, True),
        (8_000_000, 12_000_000, False),
        (8_000_000, 12_000_001, True),
        (1, 20_000_000, True),
    ],
)
def test_thresholds(amount: int, sent_today: int, needed: bool) -> None:
    settings = BankSettings(_env_file=None)
    assert needs_fresh_authentication(settings, amount, sent_today) is needed
