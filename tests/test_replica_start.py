"""Replicas that start together: two ``vneid-mock serve`` processes started at the same moment on an
empty database and an empty keys folder, with nothing run before, both come up and publish one key set,
every round, on SQLite and PostgreSQL; and a process on the in-process ``memory`` state store is refused
at start where another process uses its database (it would hold codes and tokens nobody else sees)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres
from tests.servers import free_port

ROUNDS = 2
VNEID_MOCK = str(Path(sys.executable).with_name("vneid-mock"))


def _environment(database: str, keys: Path, store: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "VNEID_DATABASE_URL": database,
        "VNEID_KEYS_DIR": str(keys),
        "VNEID_STATE_STORE_URL": store,
        "VNEID_PORT": str(port),
        "VNEID_ISSUER": f"http://127.0.0.1:{port}",
        "VNEID_ACCESS_LOG": "false",
    }


def _start(database: str, keys: Path, store: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    process = subprocess.Popen(
        [VNEID_MOCK, "serve"],
        env=_environment(database, keys, store, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, port


def _ready(process: subprocess.Popen[str], port: int) -> str:
    """The JWKS once the process answers /healthz (it must not exit first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return httpx.get(f"http://127.0.0.1:{port}/jwks").text
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the provider did not come up")


def _stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.communicate(timeout=20)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """One new, empty database per round."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / f'round{i}.sqlite3'}" for i in range(ROUNDS)]
        return
    urls = [fresh_postgres(request.getfixturevalue("postgres_server")) for _ in range(ROUNDS)]
    try:
        yield urls
    finally:
        for url in urls:
            drop_postgres(url)


def test_two_replicas_started_at_once_come_up_with_one_key_set(
    empty_databases: list[str], tmp_path: Path
) -> None:
    for round_, database in enumerate(empty_databases):
        keys = tmp_path / f"keys{round_}"
        started = [_start(database, keys, "sql") for _ in range(2)]
        try:
            published = [_ready(process, port) for process, port in started]
        finally:
            _stop(*(process for process, _ in started))
        assert published[0] == published[1]
        assert [p.name for p in keys.iterdir()] == ["signing.jwks.json"]  # no leftovers


def test_a_memory_store_process_is_refused_beside_another(tmp_path: Path) -> None:
    database, keys = f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "keys"
    first, port = _start(database, keys, "memory")
    try:
        _ready(first, port)
        for store in ("memory", "sql"):
            second, _ = _start(database, keys, store)
            _, error = second.communicate(timeout=60)
            assert second.returncode == 1
            assert "another vneid-mock process is using this database" in error
            assert "Traceback" not in error
    finally:
        _stop(first)
    after, port = _start(database, keys, "memory")  # the claim died with the process
    try:
        _ready(after, port)
    finally:
        _stop(after)


def test_a_memory_store_process_is_refused_beside_shared_store_replicas(
    postgres_server: str, tmp_path: Path
) -> None:
    database, keys = fresh_postgres(postgres_server), tmp_path / "keys"
    first, port = _start(database, keys, "sql")
    try:
        _ready(first, port)
        second, _ = _start(database, keys, "memory")
        _, error = second.communicate(timeout=60)
        assert second.returncode == 1
        assert "another vneid-mock process is using this database" in error
    finally:
        _stop(first)
        drop_postgres(database)
