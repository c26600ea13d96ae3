"""The README's test kit example and docs/test-kit.md's first test run, as written, in a project of
their own with the plugin."""

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]


def _first_test(page: Path) -> str:
    """The first fenced Python block of ``page`` that defines a test."""
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    return str(next(block for block in blocks if block.startswith("def test_")))


@pytest.mark.parametrize("page", ["README.md", "docs/test-kit.md"])
def test_the_documented_test_runs(pytester: pytest.Pytester, page: str) -> None:
    pytester.makepyfile(test_documented=_first_test(ROOT / page))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-q")
    result.assert_outcomes(passed=1)
