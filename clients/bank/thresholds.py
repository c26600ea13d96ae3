"""When a transfer needs a fresh face authentication, per the State Bank's Decision 2345/QĐ-NHNN: a
transfer above the per-transfer threshold (10,000,000 VND), or one that takes the account's transfers of
the day above the daily threshold (20,000,000 VND), so that splitting a large transfer into small ones
does not avoid it.

The day is the calendar day in Vietnam (Asia/Ho_Chi_Minh). Vietnam keeps UTC+7 all year (no daylight
saving since 1975), so a fixed offset is exact and needs no time-zone database (slim images have none).
"""

from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlalchemy import func
from sqlmodel import Session
from sqlmodel import col
from sqlmodel import select

from clients.bank.models import Transfer
from clients.bank.settings import BankSettings

VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def day_bounds(moment: float) -> tuple[float, float]:
    """The Vietnamese calendar day holding the Unix time ``moment``: its first instant and the next
    day's first instant."""
    start = datetime.fromtimestamp(moment, VIETNAM).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def sent_on_the_day(db: Session, account_id: int, moment: float) -> int:
    """What the account sent on the Vietnamese day of ``moment`` (VND)."""
    start, end = day_bounds(moment)
    total = db.exec(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            col(Transfer.account_id) == account_id,
            col(Transfer.created_at) >= start,
            col(Transfer.created_at) < end,
        )
    ).one()
    return int(total)


def needs_fresh_authentication(settings: BankSettings, amount: int, sent_today: int) -> bool:
    """Whether a transfer of ``amount`` after ``sent_today`` needs a fresh LoA3 authentication."""
    return (
        amount > settings.fresh_auth_threshold
        or sent_today + amount > settings.fresh_auth_daily_threshold
    )
