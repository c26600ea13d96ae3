"""The generator: deterministic for a seed, different across seeds, independent of how it is run, and
never dating a record before its holder's birth or after the reference day."""

import random
from collections.abc import Iterator
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from idp.population_db.codes import RelationToHead
from idp.population_db.codes import Sex
from idp.population_db.database import connect
from idp.population_db.generator import AS_OF
from idp.population_db.generator import CHUNK_SIZE
from idp.population_db.generator import HOUSEHOLD_RESERVED
from idp.population_db.generator import HOUSEHOLD_SERIALS
from idp.population_db.generator import LICENCE_RESERVED
from idp.population_db.generator import LICENCE_SERIALS
from idp.population_db.generator import PHONE_RESERVED
from idp.population_db.generator import PHONE_SERIALS
from idp.population_db.generator import PIN_RESERVED
from idp.population_db.generator import PIN_SERIALS
from idp.population_db.generator import SOCIAL_RESERVED
from idp.population_db.generator import SOCIAL_SERIALS
from idp.population_db.generator import Home
from idp.population_db.generator import Person
from idp.population_db.generator import PopulationGenerator
from idp.population_db.generator import age_on
from idp.population_db.generator import years_before
from idp.population_db.invariants import check_population
from idp.population_db.personas import PERSONAS
from idp.population_db.rows import COLUMNS
from idp.population_db.rows import Batch
from idp.population_db.seeding import seed_population
from tests.population_db.dump import dump


def test_same_seed_same_chunk() -> None:
    first, second = PopulationGenerator(5).chunk(0, 3_000), PopulationGenerator(5).chunk(0, 3_000)
    assert first == second


def test_another_seed_another_population() -> None:
    first, second = PopulationGenerator(5).chunk(0, 3_000), PopulationGenerator(6).chunk(0, 3_000)
    assert {row[0] for row in first.citizens} != {row[0] for row in second.citizens}
    assert (
        first.citizens[0][1:4] != second.citizens[0][1:4] or first.households != second.households
    )


def test_a_chunk_has_exactly_its_size_and_whole_households() -> None:
    batch = PopulationGenerator(1).chunk(3, 2_345)
    assert len(batch.citizens) == 2_345
    numbers = {row[0] for row in batch.households}
    assert {row[12] for row in batch.citizens} == numbers


def test_a_chunk_depends_only_on_the_seed_and_its_index() -> None:
    """Chunk 5 is the same made first or after chunks 0-4: processes can share the work."""
    alone = PopulationGenerator(9).chunk(5, 500)
    after = PopulationGenerator(9)
    for index in range(5):
        after.chunk(index, 500)
    assert after.chunk(5, 500) == alone


def test_persona_numbers_sit_in_the_reserved_tops() -> None:
    """Generated serials stay below each space's reserve, so personas never collide with them."""
    for p in PERSONAS:
        assert int(p.pin[6:]) >= PIN_SERIALS - PIN_RESERVED, p.key
        assert int(p.social_insurance_code[2:]) >= SOCIAL_SERIALS - SOCIAL_RESERVED, p.key
        assert int(p.household_number[2:]) >= HOUSEHOLD_SERIALS - HOUSEHOLD_RESERVED, p.key
        if p.phone_number:
            assert int(p.phone_number[3:]) >= PHONE_SERIALS - PHONE_RESERVED, p.key
        for licence in p.licences:
            assert int(licence.number[2:]) >= LICENCE_SERIALS - LICENCE_RESERVED, p.key
        for vehicle in p.vehicles:
            assert vehicle.plate.endswith(("Z9 990.01", "Z-990.02")), p.key
    generator = PopulationGenerator(1)
    batch = generator.chunk(0, 5_000)
    assert all(int(row[0][6:]) < PIN_SERIALS - PIN_RESERVED for row in batch.citizens)


def test_pins_phones_and_codes_are_unique_across_chunks() -> None:
    generator = PopulationGenerator(3)
    batches = [generator.chunk(i, 4_000) for i in range(4)]
    pins = [row[0] for b in batches for row in b.citizens]
    phones = [row[19] for b in batches for row in b.citizens if row[19]]
    social = [row[1] for b in batches for row in b.insurance]
    plates = [row[0] for b in batches for row in b.vehicles]
    for values in (pins, phones, social, plates):
        assert len(values) == len(set(values))


def test_parallel_and_in_process_seeding_give_identical_databases(tmp_path: Path) -> None:
    count = CHUNK_SIZE * 2 + 1_234
    here = connect(f"sqlite:///{tmp_path / 'here.sqlite3'}")
    there = connect(f"sqlite:///{tmp_path / 'there.sqlite3'}")
    seed_population(here, count=count, seed=11, password="p", passcode="1", parallel=False)
    seed_population(there, count=count, seed=11, password="p", passcode="1", parallel=True)
    assert dump(here) == dump(there)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    count=st.integers(min_value=1, max_value=600),
    later=st.dates(min_value=AS_OF, max_value=date(2100, 12, 31)),
)
def test_every_invariant_holds_for_any_seed_and_count(
    seed: int, count: int, later: date, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On the reference day and on any later day: the population's today may be moved on."""
    path = tmp_path_factory.mktemp("prop") / "p.sqlite3"
    engine = connect(f"sqlite:///{path}")
    seed_population(engine, count=count, seed=seed, password="p", passcode="1")
    assert list(check_population(engine)) == []
    assert list(check_population(engine, today=later)) == []
    engine.dispose()


class _Rolls(random.Random):
    """A random source whose ``random()`` replays chosen rolls in turn: the generator's choices, pinned."""

    def __init__(self, rolls: list[float]) -> None:
        super().__init__(0)
        self._rolls = rolls
        self._drawn = 0

    def random(self) -> float:
        roll = self._rolls[self._drawn % len(self._rolls)]
        self._drawn += 1
        return roll


def _turning(age: int) -> date:
    """The birth date of someone who turns ``age`` on the reference day."""
    return AS_OF.replace(year=AS_OF.year - age)


# Births whose derived dates meet the reference day: born on it or the day before, or turning 6 (level 2
# accounts, child health-insurance cards), 14 (cards, own accounts) or 18 (licences, vehicles) on it.
_EDGE_BIRTHS = (
    AS_OF, AS_OF - timedelta(days=1), AS_OF - timedelta(days=2), _turning(6), _turning(14),
    _turning(14) + timedelta(days=1), _turning(18), _turning(18) + timedelta(days=1),
    date(AS_OF.year, 1, 1), date(AS_OF.year - 1, 12, 31), date(2012, 2, 29), date(2008, 2, 29),
)  # fmt: skip

# Table -> the columns of its rows: the holder's PIN, the dated event, and the expiry after it (if any).
_EVENTS = {
    "identitycard": ("pin", "issued_on", "expires_on"),
    "vneidaccount": ("pin", "activated_on", None),
    "socialinsurance": ("pin", "valid_from", "valid_to"),
    "drivinglicense": ("pin", "issued_on", "expires_on"),
    "vehicleregistration": ("pin", "registered_on", None),
    "residence": ("pin", "registered_on", "expires_on"),
}


def _dated_records(batch: Batch) -> Iterator[tuple[str, str, date, date | None]]:
    """(table, PIN, day of the event, day it expires or None) for every dated record in ``batch``."""
    tables = batch.by_table()
    for table, (pin_column, event_column, expiry_column) in _EVENTS.items():
        columns = COLUMNS[table]
        for row in tables[table]:
            event = row[columns.index(event_column)]
            if event is None:  # an uninsured citizen's insurance row
                continue
            expiry = row[columns.index(expiry_column)] if expiry_column else None
            yield (
                table,
                row[columns.index(pin_column)],
                date.fromisoformat(event),
                None if expiry is None else date.fromisoformat(expiry),
            )


def _member(pin: str, relation: RelationToHead, sex: Sex, born: date) -> Person:
    return Person(
        sex=sex, born=born, relation=relation, family_name="Nguyễn", middle_name="Thị",
        given_name="An", pin=pin, registration_province=1, age=age_on(born, AS_OF),
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    born=st.one_of(
        st.sampled_from(_EDGE_BIRTHS), st.dates(min_value=date(1930, 1, 1), max_value=AS_OF)
    ),
    died_days_ago=st.one_of(st.none(), st.integers(min_value=1, max_value=4 * 365)),
    rolls=st.lists(
        st.floats(min_value=0.0, max_value=1.0, exclude_max=True), min_size=1, max_size=30
    ),
)
@example(born=AS_OF, died_days_ago=None, rolls=[0.0])  # born on the reference day, card and account
@example(born=AS_OF, died_days_ago=None, rolls=[0.999999])
@example(born=_turning(14), died_days_ago=None, rolls=[0.0])
@example(born=_turning(18), died_days_ago=None, rolls=[0.0])
def test_no_record_is_dated_before_birth_or_after_the_reference_day(
    born: date, died_days_ago: int | None, rolls: list[float]
) -> None:
    """Each record the generator dates for a citizen falls in their life: from birth to death or AS_OF.

    A mother (level 2 when the rolls give her an account, so she can register her child's) and a child
    born on ``born``; who gets which record follows the rolls. Only the elderly die, as in the generator.
    """
    mother = _member("001190000001", RelationToHead.HEAD, Sex.FEMALE, years_before(born, 25))
    child = _member("001290000002", RelationToHead.CHILD, Sex.MALE, born)
    child.mother = mother
    if died_days_ago is not None and child.age >= 50:
        child.deceased_on = AS_OF - timedelta(days=died_days_ago)
    generator = PopulationGenerator(1)
    home = Home(1, 1, generator.units.wards_in(1)[0], "Số 1 Lê Lợi", 1, "Không", "0100000001")
    batch = Batch()
    generator.rng = _Rolls(rolls)
    generator.emit([mother, child], home, batch)

    lives = {person.pin: (person.born, person.deceased_on or AS_OF) for person in (mother, child)}
    for table, pin, event, expiry in _dated_records(batch):
        first, last = lives[pin]
        assert first <= event <= last, (table, pin, event, first, last)
        assert expiry is None or expiry >= event, (table, pin, event, expiry)
