"""``vneid.clock`` and the population's today: the reference day on a provider whose clock was not
moved, moved as far as the clock is (years at a time with :meth:`advance_years`, beyond the ten years
one move of the control API allows), back at a reset; a card renewed through the kit is issued on it."""

from datetime import date

from idp.population_db.generator import AS_OF
from idp.testkit.mock import VneidMock


def test_the_populations_day_is_the_reference_day_until_the_clock_moves(vneid: VneidMock) -> None:
    assert vneid.clock.population_day() == AS_OF
    vneid.clock.advance(2 * 86400)
    assert vneid.clock.population_day() == date(2026, 7, 3)


def test_advance_years_moves_the_populations_day_by_whole_years(vneid: VneidMock) -> None:
    before = vneid.clock.now()
    assert vneid.clock.advance_years(1) == date(2027, 7, 1)
    assert vneid.clock.advance_years(30) == date(2057, 7, 1)  # four moves of the control API
    assert vneid.clock.population_day() == date(2057, 7, 1)
    assert (vneid.clock.now() - before).days == (date(2057, 7, 1) - AS_OF).days
    vneid.clock.reset()
    assert vneid.clock.population_day() == AS_OF


def test_a_frozen_clock_moved_by_years_stays_frozen(vneid: VneidMock) -> None:
    vneid.clock.freeze()
    frozen = vneid.clock.now()
    assert vneid.clock.advance_years(10) == date(2036, 7, 1)
    assert (vneid.clock.now() - frozen).days == (date(2036, 7, 1) - AS_OF).days
    assert vneid.clock.now() == vneid.clock.now()


def test_a_card_renewed_years_on_is_issued_on_the_populations_day(vneid: VneidMock) -> None:
    day = vneid.clock.advance_years(10)
    card = vneid.citizens.change("level2-full", card={"action": "renew"})["card"]
    assert card["issued_on"] == day.isoformat()
    # born 1988-03-15: renewed at 48, the card runs to the 60th birthday
    assert card["expires_on"] == "2048-03-15"
