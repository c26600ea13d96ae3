"""Seeding a database: the persona catalogue plus ``count`` generated citizens of one seed, idempotently.

Two generator processes make alternate chunks and hand them to this one, which writes each chunk in its own
transaction together with the progress record: both cores work, memory stays bounded by a few chunks, and
a run that dies resumes where it stopped. Running again with the same seed and count adds nothing.
"""

import multiprocessing
import queue
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import select
from sqlmodel import Session

from idp.population_db.credentials import hash_secret
from idp.population_db.database import create_indexes
from idp.population_db.database import create_schema
from idp.population_db.generator import CHUNK_SIZE
from idp.population_db.generator import GENERATOR_VERSION
from idp.population_db.generator import PopulationGenerator
from idp.population_db.loading import bulk_loading
from idp.population_db.loading import encode_for_copy
from idp.population_db.loading import write_batch
from idp.population_db.models import PopulationMeta
from idp.population_db.personas import PERSONAS
from idp.population_db.personas import persona_batch
from idp.population_db.rows import Batch
from idp.population_db.units import load_units

PROCESSES = 2
PARALLEL_FROM = 50_000
"""Below this count a second process costs more than it saves."""


class SeedConflictError(ValueError):
    """The database already holds a population that this request would contradict."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    seed: int
    count: int
    added: int
    """Generated citizens written by this run (0 when the database already held them all)."""
    personas_added: int


@dataclass(frozen=True, slots=True)
class Credentials:
    """The sandbox secrets' hashes: one pair for the generated population, one for the personas."""

    password_hash: str
    passcode_hash: str
    persona_password_hash: str
    persona_passcode_hash: str

    @classmethod
    def for_seed(cls, seed: int, password: str, passcode: str) -> "Credentials":
        return cls(
            hash_secret(password, f"password seed {seed}"),
            hash_secret(passcode, f"passcode seed {seed}"),
            hash_secret(password, "password personas"),
            hash_secret(passcode, "passcode personas"),
        )


def read_meta(connection: Connection) -> dict[str, str]:
    rows = connection.execute(select(PopulationMeta.key, PopulationMeta.value))  # type: ignore[call-overload]
    return {str(row[0]): str(row[1]) for row in rows}


def _write_meta(connection: Connection, values: dict[str, str]) -> None:
    with Session(bind=connection) as session:
        for key, value in values.items():
            session.merge(PopulationMeta(key=key, value=value))
        session.flush()


def seed_population(
    engine: Engine,
    *,
    count: int,
    seed: int,
    password: str,
    passcode: str,
    on_progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> SeedReport:
    """Make the database hold the personas and the first ``count`` citizens of ``seed``."""
    if count < 0:
        raise ValueError("count must not be negative")
    create_schema(engine, indexes=False)
    with engine.connect() as connection:
        meta = read_meta(connection)
    _check_compatible(meta, seed=seed, count=count)
    if meta.get("complete") == "true":
        return SeedReport(seed, count, added=0, personas_added=0)
    credentials = Credentials.for_seed(seed, password, passcode)
    personas_added = 0
    if not meta:
        with engine.begin() as connection:
            write_batch(
                connection,
                persona_batch(
                    credentials.persona_password_hash,
                    credentials.persona_passcode_hash,
                    load_units(),
                ),
            )
            _write_meta(connection, _initial_meta(seed, count))
        personas_added = len(PERSONAS)
        meta = _initial_meta(seed, count)
    written, batches_done = int(meta["written"]), int(meta["batches"])
    use_process = parallel if parallel is not None else count - written >= PARALLEL_FROM
    stream = (
        _chunks_in_processes(seed, count, batches_done, credentials, engine.dialect.name)
        if use_process
        else _chunks(seed, count, batches_done, credentials)
    )
    with engine.connect() as connection:
        bulk_loading(connection)
        try:
            for batch in stream:
                with connection.begin():
                    write_batch(connection, batch)
                    written += batch.size
                    batches_done += 1
                    _write_meta(connection, {"written": str(written), "batches": str(batches_done)})
                if on_progress is not None:
                    on_progress(batch.size)
            with connection.begin():
                create_indexes(connection)
                if connection.dialect.name == "postgresql":
                    # Fresh planner statistics: without them PostgreSQL plans lookups for empty tables.
                    connection.exec_driver_sql("ANALYZE")
                _write_meta(connection, {"complete": "true"})
        finally:
            # Closed, not pooled: its bulk-loading pragmas (no fsync, no memory map) must not serve
            # the engine's later users, such as a provider started in the same process.
            connection.invalidate()
    return SeedReport(
        seed, count, added=written - int(meta["written"]), personas_added=personas_added
    )


def _initial_meta(seed: int, count: int) -> dict[str, str]:
    return {
        "seed": str(seed),
        "count": str(count),
        "generator_version": GENERATOR_VERSION,
        "written": "0",
        "batches": "0",
        "complete": "false",
    }


def _check_compatible(meta: dict[str, str], *, seed: int, count: int) -> None:
    if not meta:
        return
    if meta.get("generator_version") != GENERATOR_VERSION:
        raise SeedConflictError(
            f"the database was generated by generator version {meta.get('generator_version')}, "
            f"this is version {GENERATOR_VERSION}; seed a new database or use --reset"
        )
    if meta["seed"] != str(seed) or meta["count"] != str(count):
        raise SeedConflictError(
            f"the database already holds seed {meta['seed']} with {meta['count']} citizens; "
            f"seed a new database or use --reset to replace it"
        )


def _chunk_count(count: int) -> int:
    return -(-count // CHUNK_SIZE)


def _chunks(
    seed: int, count: int, skip: int, credentials: Credentials, worker: int = 0, workers: int = 1
) -> Iterator[Batch]:
    """Chunks ``worker``, ``worker + workers``, … of the population, from chunk ``skip`` on."""
    generator = PopulationGenerator(seed)
    generator.account_hashes = (credentials.password_hash, credentials.passcode_hash)
    first = skip + (worker - skip) % workers
    for index in range(first, _chunk_count(count), workers):
        yield generator.chunk(index, min(CHUNK_SIZE, count - index * CHUNK_SIZE))


def _produce(
    seed: int,
    count: int,
    skip: int,
    credentials: Credentials,
    worker: int,
    workers: int,
    dialect: str,
    out: "Queue[object]",
) -> None:
    """A generator process: hand over its chunks in order; ``None`` ends the stream."""
    try:
        for batch in _chunks(seed, count, skip, credentials, worker, workers):
            if dialect == "postgresql":
                encode_for_copy(batch)
            out.put(batch)
        out.put(None)
    except Exception as exc:  # reported to the parent, which raises it
        out.put(RuntimeError(f"population generator failed: {exc!r}"))


def _chunks_in_processes(
    seed: int, count: int, skip: int, credentials: Credentials, dialect: str
) -> Iterator[Batch]:
    """The same chunks as :func:`_chunks`, made by two processes and read back in order."""
    workers = PROCESSES
    context = multiprocessing.get_context("spawn")
    handoffs = [context.Queue(maxsize=2) for _ in range(workers)]
    processes = [
        context.Process(
            target=_produce,
            args=(seed, count, skip, credentials, worker, workers, dialect, handoffs[worker]),
            daemon=True,
        )
        for worker in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        for index in range(skip, _chunk_count(count)):
            worker = index % workers
            item = _receive(handoffs[worker], processes[worker])
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, Batch)
            yield item
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()


def _receive(handoff: "Queue[object]", process: BaseProcess) -> object:
    while True:
        try:
            return handoff.get(timeout=1)
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError("a population generator process died") from None
