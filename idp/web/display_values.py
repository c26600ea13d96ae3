"""Values as a Vietnamese public service shows them to a person (cách hiển thị): dates as dd/mm/yyyy,
moments in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7 all year), money with thousands separators and the
đồng sign (``1.000.000 ₫``; the English pages ``1,000,000 ₫``), percentages; coded values (sex,
nationality, relation, document type) by their words in the page's language, never the code.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from idp.web.translations import has_message
from idp.web.translations import message

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def day(value: object) -> str:
    """A date (``date``, ``datetime`` or ISO ``yyyy-mm-dd`` text) as dd/mm/yyyy; other text as it is."""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date() if value.tzinfo else value.date()
    if isinstance(value, str):
        text = value
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return text
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def moment(value: float | datetime, seconds: bool = False) -> str:
    """A moment (a Unix time or an aware datetime) in Vietnam's time: ``HH:MM dd/mm/yyyy``."""
    at = datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else value
    local = at.astimezone(VIETNAM)
    return local.strftime("%H:%M:%S %d/%m/%Y" if seconds else "%H:%M %d/%m/%Y")


def money(amount: int | float, lang: str) -> str:
    """An amount of đồng with thousands separators: ``.`` in Vietnamese, ``,`` in English."""
    grouped = f"{round(amount):,}"
    return f"{grouped.replace(',', '.') if lang == 'vi' else grouped} ₫"


def percent(value: int | float, lang: str) -> str:
    """A percentage; Vietnamese writes the decimal comma."""
    text = f"{value:g}"
    return f"{text.replace('.', ',') if lang == 'vi' else text} %"


def coded(lang: str, kind: str, code: object) -> str:
    """A coded value (``kind`` sex, country, relation, document…) in words: the catalogue's
    ``values.<kind>.<code>``; a code the catalogue does not know is shown as it is."""
    key = f"values.{kind}.{str(code).lower()}"
    return message(lang, key) if has_message(lang, key) else str(code)
