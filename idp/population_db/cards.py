"""The identity card's validity (Law on Identification 2023, Art. 21).

Cards must be renewed at ages 14, 25, 40 and 60; a card issued within the two years before one of those
birthdays stays valid until the next one, and a card issued from age 58 on never expires.
"""

from datetime import date

RENEWAL_AGES = (14, 25, 40, 60)


def birthday_at(born: date, age: int) -> date:
    """The date someone born on ``born`` turns ``age`` (29 February falls on 28 February in common years)."""
    year = born.year + age
    if (
        born.month == 2
        and born.day == 29
        and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    ):
        return date(year, 2, 28)
    return born.replace(year=year)


def card_expiry(born: date, issued: date) -> date | None:
    """The expiry printed on a card issued on ``issued`` to someone born on ``born``; None for no expiry."""
    leap_day = born.month == 2 and born.day == 29
    for age in RENEWAL_AGES:
        if leap_day:
            before = issued < birthday_at(born, age - 2)
        else:  # the same comparison without building a date: this runs a million times in a seed
            before = (issued.year, issued.month, issued.day) < (
                born.year + age - 2,
                born.month,
                born.day,
            )
        if before:
            return birthday_at(born, age)
    return None
