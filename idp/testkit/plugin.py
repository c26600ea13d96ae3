"""The pytest plugin of vneid-mock (entry point ``pytest11``: ``vneid_mock``), loaded by pytest in every
project that installs vneid-mock.

Fixtures:

- ``vneid``: a provider for the whole test session (started at first use), reset after each test: the
  clock runs on the system's time again, queued scenarios and recorded requests are dropped, changed
  citizens and rotated keys are put back. Clients, consents and sessions carry over between tests.
- ``vneid_isolated``: the same provider, made as new before the test (sessions, codes, tokens,
  consents, the audit trail, lockouts, the SMS inbox and registered clients forgotten) and after it.
- ``vneid_session``: the session's provider itself, never reset (for session-scoped clients).

Option ``--vneid-citizens N`` seeds N generated citizens beside the personas. The plugin imports
nothing of the provider until a test asks for a fixture, so it costs other test suites nothing.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from idp.testkit.mock import VneidMock


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vneid-mock")
    group.addoption(
        "--vneid-citizens",
        type=int,
        default=0,
        help="Generated citizens to seed beside the personas (default 0).",
    )


@pytest.fixture(scope="session")
def vneid_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator["VneidMock"]:
    """The session's provider, never reset."""
    from idp.testkit.launch import launch

    citizens = int(request.config.getoption("--vneid-citizens"))
    launched = launch(tmp_path_factory.mktemp("vneid-mock"), citizens)
    try:
        yield launched.mock
    finally:
        launched.stop()


@pytest.fixture
def vneid(vneid_session: "VneidMock") -> Iterator["VneidMock"]:
    """The session's provider; what the test changed is undone after it."""
    try:
        yield vneid_session
    finally:
        vneid_session.reset()


@pytest.fixture
def vneid_isolated(vneid_session: "VneidMock") -> Iterator["VneidMock"]:
    """The session's provider made as new before and after the test."""
    vneid_session.reset(everything=True)
    try:
        yield vneid_session
    finally:
        vneid_session.reset(everything=True)
