"""The generator: deterministic for a seed, different across seeds, independent of how it is run."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from idp.population_db.database import connect
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
from idp.population_db.generator import PopulationGenerator
from idp.population_db.invariants import check_population
from idp.population_db.personas import PERSONAS
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
    seed=st.integers(min_value=0, max_value=2**32), count=st.integers(min_value=1, max_value=600)
)
def test_every_invariant_holds_for_any_seed_and_count(
    seed: int, count: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.sqlite3"
    engine = connect(f"sqlite:///{path}")
    seed_population(engine, count=count, seed=seed, password="p", passcode="1")
    assert list(check_population(engine)) == []
    engine.dispose()
