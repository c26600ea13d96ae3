"""Bulk loading's connection settings on SQLite (the embedded default)."""

from pathlib import Path

from idp.population_db.database import connect
from idp.population_db.loading import bulk_loading


def test_bulk_loading_reads_without_the_memory_map(tmp_path: Path) -> None:
    """Building the indexes reads every table: through the memory map, each page read would count in
    the seeding process's resident memory (700 MB for a million citizens against a 500 MB budget)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    loader, server = connect(url), connect(url)
    try:
        with loader.connect() as loading:
            bulk_loading(loading)
            assert loading.exec_driver_sql("PRAGMA mmap_size").scalar_one() == 0
            assert loading.exec_driver_sql("PRAGMA synchronous").scalar_one() == 0  # OFF
        with server.connect() as serving:  # lookups keep the map (idp.population_db.database)
            assert serving.exec_driver_sql("PRAGMA mmap_size").scalar_one() > 0
    finally:
        loader.dispose()
        server.dispose()
