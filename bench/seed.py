"""Time seeding a population and sample the memory of the whole process tree while it runs.

    .venv/bin/python -m bench.seed --count 1000000 --database sqlite:///var/bench.sqlite3

Runs ``vneid-mock population seed`` in a fresh process on a fresh database, samples the resident memory
of it and its generator processes every 100 ms from /proc, and prints wall time, CPU time, peak memory of
the largest process and peak memory of the tree (all processes added up).
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def _fresh(url: str) -> None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres", drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="sqlite:///var/bench.sqlite3")
    args = parser.parse_args()
    _fresh(args.database)
    command = [
        str(Path(sys.executable).with_name("vneid-mock")), "population", "seed",
        "--count", str(args.count), "--seed", str(args.seed), "--database", args.database,
    ]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, env=os.environ | {"COLUMNS": "100"}
    )
    peak_tree = peak_single = 0
    while process.poll() is None:
        sizes = [_rss_kib(pid) for pid in _tree(process.pid)]
        peak_tree = max(peak_tree, sum(sizes))
        peak_single = max(peak_single, *sizes, 0)
        time.sleep(0.1)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"seeding failed with exit code {process.returncode}")
    print(f"database       {make_url(args.database).get_backend_name()}")
    print(f"citizens       {args.count:,} (+ personas), seed {args.seed}")
    print(f"wall time      {wall:.1f} s")
    print(f"CPU time       {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f})")
    print(f"peak memory    {peak_single / 1024:.0f} MiB largest process, "
          f"{peak_tree / 1024:.0f} MiB whole tree")  # fmt: skip


if __name__ == "__main__":
    main()
