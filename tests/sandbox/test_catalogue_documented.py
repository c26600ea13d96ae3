"""docs/test-kit.md's catalogue table lists every scenario of the catalogue, with its endpoint and its
words, and nothing else."""

import re
from pathlib import Path

from idp.sandbox.catalogue import CATALOGUE

PAGE = Path(__file__).resolve().parents[2] / "docs" / "test-kit.md"
ROW = re.compile(r"^\| `([a-z0-9_]+)` \| ([a-z_]+) \| (.+?) \| (.+?) \|$", re.M)


def test_the_documented_catalogue_is_the_catalogue() -> None:
    rows = {
        name: (endpoint, does, tests)
        for name, endpoint, does, tests in ROW.findall(PAGE.read_text(encoding="utf-8"))
    }
    assert set(rows) == set(CATALOGUE)
    for name, entry in CATALOGUE.items():
        assert rows[name] == (entry.endpoint, entry.does, entry.tests), name
