"""Values as a Vietnamese service shows them, in either language: dates ``dd/mm/yyyy``; moments in
Vietnam's time as ``HH:MM dd/mm/yyyy``; amounts of đồng with thousands separators (``1.000.000 ₫``,
``1,000,000 ₫`` in English); and the provider's codes (sex, nationality, relation to the head of
household, card type, authentication level, health-insurance benefit level) in words. The templates reach
these through the filters of :mod:`clients.rp.rendering`."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from clients.rp.catalogue import catalogue

BENEFIT_SHARES = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
"""The share of covered costs the health insurance pays, by benefit level (the digit after the
beneficiary group on a BHYT card; Decision 1351/QĐ-BHXH)."""


def _vietnam() -> tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:
        # Slim images carry no zone database; Vietnam keeps UTC+7 all year, so the offset is exact.
        return timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


VIETNAM = _vietnam()


def day(value: object) -> str:
    """A date (or an ISO 8601 ``yyyy-mm-dd`` text) as ``dd/mm/yyyy``; empty for no date."""
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return ""


def moment(value: object) -> str:
    """A Unix time as Vietnam's wall clock, ``HH:MM dd/mm/yyyy``; empty for none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return datetime.fromtimestamp(value, VIETNAM).strftime("%H:%M %d/%m/%Y")


def money(amount: int, lang: str) -> str:
    """Whole đồng with the language's thousands separator, then ``₫``."""
    grouped = f"{amount:,}"
    return (grouped.replace(",", ".") if lang == "vi" else grouped) + " ₫"


def words(lang: str, table: str, code: object) -> str:
    """The words for ``code`` in the catalogue table ``table`` (``rp.sex``, ...), or the catalogue's
    "unknown" when it has none: a raw code is never shown as words."""
    key = f"{table}.{code}"
    found = catalogue()
    return found.text(lang, key) if found.has(lang, key) else found.text(lang, "rp.unknown_value")


def sex(value: object, lang: str) -> str:
    return words(lang, "rp.sex", value) if value else ""


def country(code: object, lang: str) -> str:
    """A country's name from its ISO 3166-1 alpha-2 code (the ``nationality`` claim)."""
    return words(lang, "rp.countries", code) if code else ""


def relation(code: object, sex_of_member: object, lang: str) -> str:
    """The relation to the head of household; the sex-specific word when there is one (``spouse`` of
    a woman: "Vợ")."""
    if not code:
        return ""
    specific = f"rp.relations.{code}_{sex_of_member}"
    if catalogue().has(lang, specific):
        return catalogue().text(lang, specific)
    return words(lang, "rp.relations", code)


def benefit(level: object, lang: str) -> str:
    """A BHYT benefit level as the share of costs covered (level 4: 80 %), then the level."""
    try:
        number = int(str(level))
    except ValueError:
        return ""
    if number not in BENEFIT_SHARES:
        return catalogue().text(lang, "rp.unknown_value")
    return catalogue().text(lang, "rp.benefit", share=BENEFIT_SHARES[number], level=number)


def place(value: Any) -> str:
    """An address or place of the claims (``street_address``, ``ward``, ``province``) on one line."""
    if not isinstance(value, dict):
        return ""
    parts = (value.get("street_address"), value.get("ward"), value.get("province"))
    return ", ".join(str(part) for part in parts if part)
