"""Seeding: idempotent, refuses to mix populations, resumes after a crash; on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.database import connect
from idp.population_db.personas import PERSONAS
from idp.population_db.seeding import SeedConflictError
from idp.population_db.seeding import seed_population
from tests.conftest import open_engine
from tests.population_db.dump import dump

COUNT = 2_500


def _citizens(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM citizen")).scalar_one())


def test_seeding_twice_adds_nothing(empty_database: str, engine_for: list[Engine]) -> None:
    engine = open_engine(empty_database, engine_for)
    first = seed_population(engine, count=COUNT, seed=3, password="p", passcode="1")
    before = dump(engine)
    second = seed_population(engine, count=COUNT, seed=3, password="p", passcode="1")
    assert (first.added, first.personas_added) == (COUNT, len(PERSONAS))
    assert (second.added, second.personas_added) == (0, 0)
    assert dump(engine) == before
    assert _citizens(engine) == COUNT + len(PERSONAS)


def test_the_same_seed_gives_identical_databases_on_both_backends(
    empty_database: str, engine_for: list[Engine], tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = open_engine(empty_database, engine_for)
    reference = open_engine(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'r.sqlite3'}", engine_for)
    seed_population(engine, count=COUNT, seed=4, password="p", passcode="1")
    seed_population(reference, count=COUNT, seed=4, password="p", passcode="1")
    assert dump(engine) == dump(reference)


def test_another_seed_or_count_is_refused(empty_database: str, engine_for: list[Engine]) -> None:
    engine = open_engine(empty_database, engine_for)
    seed_population(engine, count=COUNT, seed=3, password="p", passcode="1")
    with pytest.raises(SeedConflictError, match="already holds seed 3"):
        seed_population(engine, count=COUNT, seed=4, password="p", passcode="1")
    with pytest.raises(SeedConflictError, match="already holds seed 3"):
        seed_population(engine, count=COUNT + 1, seed=3, password="p", passcode="1")
    assert _citizens(engine) == COUNT + len(PERSONAS)


def test_an_interrupted_run_leaves_whole_chunks_and_resumes(
    empty_database: str, engine_for: list[Engine], tmp_path_factory: pytest.TempPathFactory
) -> None:
    count = 23_000
    engine = open_engine(empty_database, engine_for)

    def die_after_first_chunk(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_population(
            engine, count=count, seed=8, password="p", passcode="1",
            on_progress=die_after_first_chunk, parallel=False,
        )  # fmt: skip
    assert _citizens(engine) == 10_000 + len(PERSONAS)
    report = seed_population(engine, count=count, seed=8, password="p", passcode="1")
    assert report.added == count - 10_000
    straight = open_engine(
        f"sqlite:///{tmp_path_factory.mktemp('straight') / 's.sqlite3'}", engine_for
    )
    seed_population(straight, count=count, seed=8, password="p", passcode="1")
    assert dump(engine) == dump(straight)


def test_a_negative_count_is_refused(empty_database: str, engine_for: list[Engine]) -> None:
    engine = open_engine(empty_database, engine_for)
    with pytest.raises(ValueError, match="negative"):
        seed_population(engine, count=-1, seed=1, password="p", passcode="1")


@pytest.mark.parametrize("interrupted", [False, True])
def test_the_engine_keeps_no_bulk_loading_connection(
    tmp_path_factory: pytest.TempPathFactory, interrupted: bool
) -> None:
    """A provider started in the seeding process must get durable commits and the memory map."""
    engine = connect(f"sqlite:///{tmp_path_factory.mktemp('pragmas') / 'p.sqlite3'}")

    def interrupt(_: int) -> None:
        if interrupted:
            raise KeyboardInterrupt

    try:
        seed_population(
            engine, count=100, seed=1, password="p", passcode="1", on_progress=interrupt,
            parallel=False,
        )  # fmt: skip
    except KeyboardInterrupt:
        assert interrupted
    with engine.connect() as connection:
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
        mmap_size = connection.exec_driver_sql("PRAGMA mmap_size").scalar_one()
    engine.dispose()
    assert (synchronous, mmap_size) == (1, 1073741824)  # NORMAL, as every pooled connection
