"""Three ways of calling storage from the provider's routes, measured side by side under load.

    .venv/bin/python -m bench.storage_io --rounds 2 --seconds 10

The provider's routes are ``async def`` and call SQLAlchemy and redis-py synchronously, so every storage
call holds the event loop. This benchmark compares, on the same logical work, three shapes of route:

- ``blocking``: ``async def`` route, synchronous SQLAlchemy and redis-py, on the event loop;
- ``threadpool``: ``def`` route with the same synchronous code, which FastAPI runs on its thread pool
  (AnyIO's default limiter: 40 threads; the provider hops to its own executor, :mod:`idp.web.blocking`,
  the same shape);
- ``async``: ``async def`` route on the asyncio drivers: ``create_async_engine`` with ``sqlite+aiosqlite``
  or ``postgresql+psycopg`` (psycopg 3's async mode), and ``redis.asyncio``;

on two backends:

- ``sqlite``: one SQLite file in a temporary folder with the provider's pragmas (WAL, synchronous=NORMAL,
  16 KiB pages, memory map), the key-value state in a table of the same file;
- ``postgres+redis``: a fresh database on 127.0.0.1:5432 (user postgres, created and dropped here), the
  state in Redis on 127.0.0.1:6379 under a unique key prefix (deleted at the end).

One request (``GET /login/{index}``), modelled on a login step: read one citizen by primary key from a
table of 10,000 rows, read the key-value state entry ``interaction:{index}``, write it back with a time to
live, and insert one audit row; two transactions. On SQLite the two reads and the upsert form the first
transaction and the audit row the second; on PostgreSQL + Redis the citizen read is the first (read-only)
transaction, the state is a Redis ``GET`` and ``SET … PX``, and the audit row the second transaction. Every
variant uses a pool of ``--pool-size`` database connections (default 16, the load's concurrency) and no
overflow.

Each (backend × variant) runs as its own uvicorn process (uvloop, httptools, no access log) pinned to
core 0 (``taskset``), started afresh with an empty audit table, and is driven from core 1 by a keep-alive
HTTP/1.1 load generator on raw asyncio streams (uvloop): ``--concurrency`` connections (default 16),
each sending the next request as soon as the previous answer is in, over random citizens, for
``--warm-up`` seconds unmeasured and then ``--seconds`` measured. Alongside, the load generator sends ``GET /ping`` (an ``async def`` route with no
storage) at a steady ``--ping-rate``, open loop: each ping leaves at its due time, on another connection
when the previous ones still wait for their answers, and its latency runs from that time, so a stalled
loop cannot hide behind a probe that stops sending (no coordinated omission). The figures per run:

- requests/s of the storage route, and its p50 / p99 latency;
- the server's CPU time per storage request: the utime + stime of its process (all threads) from
  ``/proc/PID/stat`` over the measured window, divided by the storage requests (the pings, about 1 % of
  the requests, are included in the CPU); and how busy that makes core 0;
- the CPU per request of the PostgreSQL and Redis server processes (every ``postgres`` and
  ``redis-server`` process of the machine, which are not pinned and share both cores);
- the p99 and the maximum of ``/ping``: head-of-line blocking, how long the loop is held;
- the load generator's own CPU share of core 1, to show that it was not the bottleneck, and the CPU
  used by everything else on the machine (``/proc/stat`` less the processes above: other processes,
  interrupts, the kernel's threads), to show that the host was quiet;
- requests answered with anything but 200, or not at all (reported, and the server's log shown).

Combinations run one after another, every round in the reverse order of the previous one, so drift in
the host spreads over all of them. Each run first waits for a quiet host (at most ``--max-other`` of a
core busy over 5 s; for up to ``--quiet-timeout`` seconds), and a run during which other work took more
than ``--max-other`` of a core is done again after ``--pause`` seconds (at most ``--attempts`` times;
every attempt is logged on stderr, the last one is kept and its "other CPU" shown). Compare figures
within one run of this script, not across runs. Needs ``aiosqlite`` besides the project's dependencies
(``.venv/bin/pip install -e '.[bench]'``).
"""

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import asynccontextmanager
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import psycopg
import redis
import redis.asyncio as redis_asyncio
import uvicorn
import uvloop
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from sqlalchemy import BigInteger
from sqlalchemy import Column
from sqlalchemy import Engine
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import create_async_engine

VARIANTS = ("blocking", "threadpool", "async")
BACKENDS = ("sqlite", "postgres+redis")
CITIZENS = 10_000
STATE_TTL = 600  # seconds, as an interaction's state
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STORAGE_SERVERS = frozenset({"postgres", "redis-server"})

# --- the schema and the statements, built once -------------------------------------------------

METADATA = MetaData()
CITIZEN = Table(
    "citizen",
    METADATA,
    Column("pin", String(12), primary_key=True),
    Column("full_name", String, nullable=False),
    Column("birth_date", String, nullable=False),
    Column("province", String, nullable=False),
)
STATE = Table(
    "kv_state",
    METADATA,
    Column("key", String(200), primary_key=True),
    Column("value", String, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)
AUDIT = Table(
    "audit",
    METADATA,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", Float, nullable=False),
    Column("pin", String(12), nullable=False),
    Column("event", String, nullable=False),
    Column("detail", String, nullable=False),
    Index("audit_pin", "pin"),
)

SELECT_CITIZEN = select(CITIZEN.c.full_name, CITIZEN.c.birth_date, CITIZEN.c.province).where(
    CITIZEN.c.pin == bindparam("pin")
)
SELECT_STATE = select(STATE.c.value).where(
    STATE.c.key == bindparam("key"), STATE.c.expires_at > bindparam("now")
)
_UPSERT = sqlite_insert(STATE).values(
    key=bindparam("key"), value=bindparam("value"), expires_at=bindparam("expires_at")
)
UPSERT_STATE = _UPSERT.on_conflict_do_update(
    index_elements=[STATE.c.key],
    set_={"value": _UPSERT.excluded.value, "expires_at": _UPSERT.excluded.expires_at},
)
INSERT_AUDIT = insert(AUDIT)


def pin_of(index: int) -> str:
    return f"0010{index:08d}"


def state_key(index: int) -> str:
    return f"interaction:{index}"


def state_value(pin: str, now: float) -> str:
    """About 200 bytes of JSON, the size of an interaction's state."""
    return json.dumps({"pin": pin, "step": "login", "at": now, "acr": "3", "pad": "x" * 120})


def audit_row(pin: str, now: float, found: bool) -> dict[str, Any]:
    detail = json.dumps({"state_found": found, "client_id": "portal", "ip": "127.0.0.1"})
    return {"at": now, "pin": pin, "event": "login", "detail": detail}


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """The provider's SQLite pragmas (``idp.population_db.database``), repeated here so that the
    benchmark stands alone."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


@dataclass(frozen=True)
class Target:
    """Where one backend's data lives."""

    backend: str
    database_url: str  # a synchronous SQLAlchemy URL
    redis_url: str | None = None
    redis_prefix: str = ""
    pool_size: int = 16  # database connections, no overflow

    def async_database_url(self) -> str:
        if self.backend == "sqlite":
            return self.database_url.replace("sqlite://", "sqlite+aiosqlite://", 1)
        return (
            self.database_url
        )  # postgresql+psycopg: create_async_engine picks psycopg's async mode


# --- the request's work, in the two styles ------------------------------------------------------


class SyncStorage:
    """The login step on synchronous SQLAlchemy and redis-py."""

    def __init__(self, target: Target) -> None:
        self.engine = create_engine(target.database_url, pool_size=target.pool_size, max_overflow=0)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", sqlite_pragmas)
        self.redis = redis.Redis.from_url(target.redis_url) if target.redis_url else None
        self.prefix = target.redis_prefix

    def login_step(self, index: int) -> dict[str, Any]:
        pin, key, now = pin_of(index), state_key(index), time.time()
        with self.engine.connect() as connection:
            if self.redis is None:
                with connection.begin():
                    citizen = connection.execute(SELECT_CITIZEN, {"pin": pin}).one()
                    found = connection.execute(SELECT_STATE, {"key": key, "now": now}).scalar()
                    connection.execute(
                        UPSERT_STATE,
                        {"key": key, "value": state_value(pin, now), "expires_at": now + STATE_TTL},
                    )
            else:
                with connection.begin():
                    citizen = connection.execute(SELECT_CITIZEN, {"pin": pin}).one()
                found = self.redis.get(self.prefix + key)
                self.redis.set(self.prefix + key, state_value(pin, now), px=STATE_TTL * 1000)
            with connection.begin():
                connection.execute(INSERT_AUDIT, audit_row(pin, now, found is not None))
        return {"pin": pin, "name": citizen.full_name, "state": found is not None}

    def close(self) -> None:
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


async def _redis(call: object) -> object:
    """redis-py types its commands as "awaitable or not" for both clients; the asyncio one's are."""
    assert isinstance(call, Awaitable)
    return await call


class AsyncStorage:
    """The same login step on SQLAlchemy's asyncio extension and redis.asyncio."""

    def __init__(self, target: Target) -> None:
        self.engine: AsyncEngine = create_async_engine(
            target.async_database_url(), pool_size=target.pool_size, max_overflow=0
        )
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", sqlite_pragmas)
        self.redis = redis_asyncio.Redis.from_url(target.redis_url) if target.redis_url else None
        self.prefix = target.redis_prefix

    async def login_step(self, index: int) -> dict[str, Any]:
        pin, key, now = pin_of(index), state_key(index), time.time()
        async with self.engine.connect() as connection:
            if self.redis is None:
                async with connection.begin():
                    citizen = (await connection.execute(SELECT_CITIZEN, {"pin": pin})).one()
                    state = await connection.execute(SELECT_STATE, {"key": key, "now": now})
                    found = state.scalar()
                    await connection.execute(
                        UPSERT_STATE,
                        {"key": key, "value": state_value(pin, now), "expires_at": now + STATE_TTL},
                    )
            else:
                async with connection.begin():
                    citizen = (await connection.execute(SELECT_CITIZEN, {"pin": pin})).one()
                found = await _redis(self.redis.get(self.prefix + key))
                await _redis(
                    self.redis.set(self.prefix + key, state_value(pin, now), px=STATE_TTL * 1000)
                )
            async with connection.begin():
                await connection.execute(INSERT_AUDIT, audit_row(pin, now, found is not None))
        return {"pin": pin, "name": citizen.full_name, "state": found is not None}

    async def close(self) -> None:
        await self.engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()


# --- the server: one FastAPI application per variant --------------------------------------------


def create_app(variant: str, target: Target) -> FastAPI:
    """``GET /login/{index}`` in the variant's shape, and ``GET /ping`` without storage."""
    sync_storage = SyncStorage(target) if variant != "async" else None
    async_storage = AsyncStorage(target) if variant == "async" else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if sync_storage is not None:
            sync_storage.close()
        if async_storage is not None:
            await async_storage.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/ping", response_class=PlainTextResponse)
    async def ping() -> str:
        return "pong"

    if sync_storage is not None and variant == "blocking":
        storage = sync_storage

        @app.get("/login/{index}", response_model=None)
        async def login_blocking(index: int) -> dict[str, Any]:
            return storage.login_step(index)

    elif sync_storage is not None:
        threaded = sync_storage

        @app.get("/login/{index}", response_model=None)
        def login_threadpool(index: int) -> dict[str, Any]:
            return threaded.login_step(index)

    elif async_storage is not None:
        awaited = async_storage

        @app.get("/login/{index}", response_model=None)
        async def login_async(index: int) -> dict[str, Any]:
            return await awaited.login_step(index)

    return app


def serve(args: argparse.Namespace) -> None:
    target = Target(
        args.backend, args.database_url, args.state_redis_url, args.redis_prefix, args.pool_size
    )
    uvicorn.run(
        create_app(args.variant, target),
        host="127.0.0.1",
        port=args.server_port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        # The extra /ping connections may sit idle for seconds: keep them open, as the driver expects.
        timeout_keep_alive=120,
    )


# --- the backends: created, seeded, reset between runs, removed ---------------------------------


def seed(engine: Engine, with_state: bool) -> None:
    METADATA.create_all(engine)
    provinces = ("Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Hải Phòng")
    citizens = [
        {
            "pin": pin_of(index),
            "full_name": f"Nguyễn Văn {index}",
            "birth_date": f"19{50 + index % 50}-0{1 + index % 9}-1{index % 10}",
            "province": provinces[index % len(provinces)],
        }
        for index in range(CITIZENS)
    ]
    now = time.time()
    with engine.begin() as connection:
        connection.execute(insert(CITIZEN), citizens)
        if with_state:
            states = [
                {
                    "key": state_key(index),
                    "value": state_value(pin_of(index), now),
                    "expires_at": now + 86_400,
                }
                for index in range(CITIZENS)
            ]
            connection.execute(insert(STATE), states)


def seed_redis(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    with client.pipeline(transaction=False) as pipeline:
        now = time.time()
        for index in range(CITIZENS):
            pipeline.set(prefix + state_key(index), state_value(pin_of(index), now), ex=86_400)
        pipeline.execute()
    client.close()


def drop_redis(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    batch: list[bytes] = []
    for name in client.scan_iter(match=prefix + "*", count=1000):
        batch.append(name)
        if len(batch) == 1000:
            client.delete(*batch)
            batch.clear()
    if batch:
        client.delete(*batch)
    client.close()


@contextmanager
def sqlite_target(root: Path) -> Iterator[Target]:
    url = f"sqlite:///{root / 'storage.sqlite3'}"
    engine = create_engine(url)
    event.listen(engine, "connect", sqlite_pragmas)
    seed(engine, with_state=True)
    engine.dispose()
    yield Target("sqlite", url)


@contextmanager
def postgres_redis_target(admin_url: str, redis_url: str) -> Iterator[Target]:
    name = f"bench_storage_io_{os.getpid()}"
    prefix = f"bench-storage-io:{uuid.uuid4().hex}:"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        engine = create_engine(url)
        seed(engine, with_state=False)
        engine.dispose()
        seed_redis(redis_url, prefix)
        yield Target("postgres+redis", url, redis_url, prefix)
    finally:
        drop_redis(redis_url, prefix)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def reset(target: Target) -> None:
    """Empty the audit table (and fold SQLite's WAL back), so that every run starts alike."""
    engine = create_engine(target.database_url)
    with engine.begin() as connection:
        if target.backend == "sqlite":
            connection.execute(AUDIT.delete())
        else:
            connection.execute(text("TRUNCATE audit RESTART IDENTITY"))
    if target.backend == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


# --- CPU clocks -------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """utime + stime of a process, all its threads, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def storage_servers_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL and Redis server process, by pid."""
    seconds: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() in STORAGE_SERVERS:
                seconds[int(entry.name)] = process_cpu(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    return seconds


def machine_busy() -> float:
    """CPU seconds all cores have spent on anything but idling since boot (``/proc/stat``)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / CLOCK_TICKS


# --- the load generator -----------------------------------------------------------------------

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


class Connection:
    """One keep-alive HTTP/1.1 connection; GET only, bodies with a Content-Length (as uvicorn sends)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> int:
        """Send ``GET path`` and return the status; the connection is reopened after an error."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = _CONTENT_LENGTH.search(head)
            await reader.readexactly(int(length.group(1)) if length else 0)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.close()
            return 0
        return int(head[9:12])

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


@dataclass
class Load:
    """What the load generator saw: (start, end, status) of each request and (due, end) of each ping."""

    stop: asyncio.Event
    requests: list[tuple[float, float, int]] = field(default_factory=list)
    pings: list[tuple[float, float, int]] = field(default_factory=list)


async def storage_worker(port: int, load: Load, seed_: int) -> None:
    chooser = random.Random(seed_)
    connection = Connection(port)
    for _ in range(10_000_000):  # bounded in count as well as by ``load.stop``
        if load.stop.is_set():
            break
        started = time.perf_counter()
        status = await connection.get(f"/login/{chooser.randrange(CITIZENS)}")
        load.requests.append((started, time.perf_counter(), status))
    connection.close()


async def ping_worker(port: int, load: Load, rate: float) -> None:
    """Open loop: each ping leaves when due, on an idle connection or a new one when all are waiting
    for an answer, so that a slow answer never holds back the next ping."""
    idle: list[Connection] = []
    opened: list[Connection] = []
    in_flight: set[asyncio.Task[None]] = set()

    async def ping(due: float) -> None:
        if idle:
            connection = idle.pop()
        else:
            connection = Connection(port)
            opened.append(connection)
        status = await connection.get("/ping")
        load.pings.append((due, time.perf_counter(), status))
        idle.append(connection)

    first = time.perf_counter()
    for number in range(10_000_000):
        if load.stop.is_set():
            break
        due = first + number / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(ping(due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    for connection in opened:
        connection.close()


@dataclass(frozen=True)
class Figures:
    """One run's figures."""

    backend: str
    variant: str
    round: int
    rate: float  # storage requests/s
    server_cpu_ms: float  # per storage request
    server_busy: float  # share of core 0
    storage_cpu_ms: float  # PostgreSQL + Redis processes, per storage request
    p50_ms: float
    p99_ms: float
    ping_p99_ms: float
    ping_max_ms: float
    client_busy: float  # share of core 1 used by the load generator
    other_busy: float  # cores used by everything else: other processes, interrupts
    failures: int


def quantile(values: list[float], share: float) -> float:
    """The nearest-rank quantile (``share`` in 0..1) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def drive(
    args: argparse.Namespace, pid: int, backend: str, variant: str, round_: int
) -> Figures:
    load = Load(asyncio.Event())
    tasks = [
        asyncio.create_task(storage_worker(args.port, load, 1000 * round_ + n))
        for n in range(args.concurrency)
    ]
    tasks.append(asyncio.create_task(ping_worker(args.port, load, args.ping_rate)))
    await asyncio.sleep(args.warm_up)
    start, server, storage = time.perf_counter(), process_cpu(pid), storage_servers_cpu()
    client, machine = process_cpu(os.getpid()), machine_busy()
    await asyncio.sleep(args.seconds)
    end, server_after, storage_after = time.perf_counter(), process_cpu(pid), storage_servers_cpu()
    client, machine = process_cpu(os.getpid()) - client, machine_busy() - machine
    load.stop.set()
    await asyncio.gather(*tasks)
    elapsed = end - start
    done = [r for r in load.requests if start <= r[1] <= end]
    count = max(len(done), 1)
    # Every ping due in the window, however late its answer: the worker waits for them all.
    pings = [p for p in load.pings if start <= p[0] <= end]
    storage_seconds = sum(cpu - storage.get(p, 0.0) for p, cpu in storage_after.items())
    latencies = [(finish - began) * 1000 for began, finish, _ in done]
    ping_latencies = [(finish - due) * 1000 for due, finish, _ in pings]
    return Figures(
        backend=backend,
        variant=variant,
        round=round_,
        rate=len(done) / elapsed,
        server_cpu_ms=(server_after - server) / count * 1000,
        server_busy=(server_after - server) / elapsed,
        storage_cpu_ms=storage_seconds / count * 1000,
        p50_ms=quantile(latencies, 0.50),
        p99_ms=quantile(latencies, 0.99),
        ping_p99_ms=quantile(ping_latencies, 0.99),
        ping_max_ms=max(ping_latencies, default=math.nan),
        client_busy=client / elapsed,
        other_busy=(machine - (server_after - server) - storage_seconds - client) / elapsed,
        failures=sum(1 for r in done if r[2] != 200) + sum(1 for p in pings if p[2] != 200),
    )


# --- one run: start the server, drive it, stop it ------------------------------------------------


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server ended at start-up with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise SystemExit("the server did not answer within 30 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_one(
    args: argparse.Namespace, target: Target, variant: str, round_: int, logs: Path
) -> Figures:
    reset(target)
    log = logs / f"{target.backend}-{variant}-{round_}.log"
    command = [
        "taskset", "-c", str(args.server_core), sys.executable, "-m", "bench.storage_io", "serve",
        "--variant", variant, "--backend", target.backend, "--port", str(args.port),
        "--database-url", target.database_url, "--redis-prefix", target.redis_prefix,
        "--pool-size", str(args.pool_size),
    ]  # fmt: skip
    if target.redis_url:
        command += ["--redis-url", target.redis_url]
    with log.open("wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_up(args.port, server)
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            figures = runner.run(drive(args, server.pid, target.backend, variant, round_))
    finally:
        stop(server)
    if figures.failures:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        print("\n".join(["server log, last lines:", *tail]), file=sys.stderr)
    return figures


def wait_for_quiet(args: argparse.Namespace) -> None:
    """Wait (at most ``--quiet-timeout`` seconds) until the host, over 5 s, used at most ``--max-other``
    of a core: another workload would take the cores the run is measuring."""
    deadline = time.monotonic() + args.quiet_timeout
    while True:
        before = machine_busy()
        time.sleep(5)
        busy = (machine_busy() - before) / 5
        if busy <= args.max_other or time.monotonic() > deadline:
            return
        print(f"host busy ({busy:.0%} of a core): waiting", file=sys.stderr, flush=True)


def run_quietly(
    args: argparse.Namespace, target: Target, variant: str, round_: int, logs: Path
) -> Figures:
    """One run, done again (after a pause) while something else on the host used more than
    ``--max-other`` of a core during it; the last attempt is kept either way, and each is logged."""
    for attempt in range(1, args.attempts + 1):
        wait_for_quiet(args)
        figures = run_one(args, target, variant, round_, logs)
        print(
            f"round {round_} {target.backend:>14} {variant:>10}: {figures.rate:8,.0f} req/s, "
            f"{figures.server_cpu_ms:.2f} ms CPU/req, /ping p99 {figures.ping_p99_ms:.1f} ms, "
            f"{figures.failures} not 200, other CPU {figures.other_busy:.0%} (attempt {attempt})",
            file=sys.stderr,
            flush=True,
        )
        if figures.other_busy <= args.max_other:
            break
        if attempt < args.attempts:
            time.sleep(args.pause)
    return figures


# --- the report -------------------------------------------------------------------------------


def runs_table(runs: list[Figures]) -> str:
    lines = [
        "| backend | variant | round | req/s | server CPU/req | core 0 busy | PG+Redis CPU/req "
        "| p50 | p99 | /ping p99 | /ping max | client core 1 | other CPU | not 200 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in sorted(runs, key=lambda f: (BACKENDS.index(f.backend), VARIANTS.index(f.variant))):
        lines.append(
            f"| {f.backend} | {f.variant} | {f.round} | {f.rate:,.0f} | {f.server_cpu_ms:.2f} ms "
            f"| {f.server_busy:.0%} | {f.storage_cpu_ms:.2f} ms | {f.p50_ms:.1f} ms "
            f"| {f.p99_ms:.1f} ms | {f.ping_p99_ms:.1f} ms | {f.ping_max_ms:.1f} ms "
            f"| {f.client_busy:.0%} | {f.other_busy:.0%} | {f.failures} |"
        )
    return "\n".join(lines)


def summary_table(runs: list[Figures]) -> str:
    """Medians over the rounds; CPU per request also as a ratio to ``blocking`` on the same backend."""
    lines = [
        "| backend | variant | req/s | server CPU/req | × blocking | PG+Redis CPU/req "
        "| p50 | p99 | /ping p99 | /ping max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for backend in BACKENDS:
        medians: dict[str, dict[str, float]] = {}
        for variant in VARIANTS:
            group = [f for f in runs if f.backend == backend and f.variant == variant]
            if group:
                medians[variant] = {
                    name: statistics.median(getattr(f, name) for f in group)
                    for name in (
                        "rate", "server_cpu_ms", "storage_cpu_ms", "p50_ms", "p99_ms",
                        "ping_p99_ms", "ping_max_ms",
                    )
                }  # fmt: skip
        base = medians.get("blocking", {}).get("server_cpu_ms", math.nan)
        for variant, m in medians.items():
            lines.append(
                f"| {backend} | {variant} | {m['rate']:,.0f} | {m['server_cpu_ms']:.2f} ms "
                f"| {m['server_cpu_ms'] / base:.2f} | {m['storage_cpu_ms']:.2f} ms "
                f"| {m['p50_ms']:.1f} ms | {m['p99_ms']:.1f} ms | {m['ping_p99_ms']:.1f} ms "
                f"| {m['ping_max_ms']:.1f} ms |"
            )
    return "\n".join(lines)


def header(args: argparse.Namespace) -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average before: {load}; "
        f"{os.cpu_count()} cores; Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}; "
        f"{args.rounds} rounds of {args.warm_up:g} s warm-up + {args.seconds:g} s, "
        f"concurrency {args.concurrency}, /ping at {args.ping_rate:g}/s"
    )


def measure(args: argparse.Namespace) -> None:
    os.sched_setaffinity(0, {args.client_core})
    print(header(args), flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-storage-io-"))
    runs: list[Figures] = []
    try:
        with ExitStack() as stack:
            targets: dict[str, Target] = {}
            if "sqlite" in args.backends:
                targets["sqlite"] = stack.enter_context(sqlite_target(root))
            if "postgres+redis" in args.backends:
                targets["postgres+redis"] = stack.enter_context(
                    postgres_redis_target(args.postgres_admin_url, args.redis_url)
                )
            order = [(b, v) for b in args.backends for v in args.variants]
            for round_ in range(1, args.rounds + 1):
                for backend, variant in order if round_ % 2 else reversed(order):
                    runs.append(run_quietly(args, targets[backend], variant, round_, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nload average after: {load}\n\n{runs_table(runs)}\n\n{summary_table(runs)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    server = commands.add_parser("serve", help="one variant's server (started by the measurement)")
    server.add_argument("--variant", choices=VARIANTS, required=True)
    server.add_argument("--backend", choices=BACKENDS, required=True)
    server.add_argument("--database-url", required=True)
    # Own destinations: a subcommand's defaults would otherwise overwrite the measurement's options.
    server.add_argument("--redis-url", dest="state_redis_url")
    server.add_argument("--redis-prefix", default="")
    server.add_argument("--pool-size", type=int, default=16)
    server.add_argument("--port", dest="server_port", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warm-up", type=float, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--ping-rate", type=float, default=50, help="pings per second")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--pool-size", type=int, default=16, help="database connections per server")
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--max-other", type=float, default=0.10,
                        help="share of a core others may use during a run before it is done again")  # fmt: skip
    parser.add_argument("--attempts", type=int, default=4, help="at most, for each run")
    parser.add_argument("--pause", type=float, default=30, help="seconds before a new attempt")
    parser.add_argument("--quiet-timeout", type=float, default=600,
                        help="seconds to wait, at most, for a quiet host before each run")  # fmt: skip
    parser.add_argument(
        "--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
