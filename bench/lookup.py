"""Latency of looking one citizen up by PIN with every linked record (``find_citizen``).

    .venv/bin/python -m bench.lookup --database sqlite:///var/bench.sqlite3 --lookups 20000

Each lookup takes its own connection from the pool, as a request of the identity provider would; PINs are drawn at random
(seeded) from the whole population, after a warm-up of 2,000 lookups. Prints percentiles in milliseconds.
"""

import argparse
import random
import statistics
import time

from sqlalchemy import text

from idp.population_db.database import connect
from idp.population_db.lookup import find_citizen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///var/bench.sqlite3")
    parser.add_argument("--lookups", type=int, default=20_000)
    args = parser.parse_args()
    engine = connect(args.database)
    if engine.dialect.name == "postgresql":
        # Reads need no transaction: autocommit saves the BEGIN and ROLLBACK round trips.
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        pins = [row[0] for row in connection.execute(text("SELECT pin FROM citizen"))]
    rng = random.Random(2026)
    warm_up, measured = rng.sample(pins, 2_000), rng.sample(pins, args.lookups)
    for pin in warm_up:
        with engine.connect() as connection:
            find_citizen(connection, pin)
    timings: list[float] = []
    for pin in measured:
        started = time.perf_counter()
        with engine.connect() as connection:
            record = find_citizen(connection, pin)
        timings.append((time.perf_counter() - started) * 1000)
        assert record is not None
    cuts = statistics.quantiles(timings, n=1000)
    print(f"database   {engine.dialect.name}, {len(pins):,} citizens")
    print(f"lookups    {len(timings):,}")
    print(f"p50 {cuts[499]:.3f} ms   p95 {cuts[949]:.3f} ms   p99 {cuts[989]:.3f} ms   "
          f"max {max(timings):.3f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
