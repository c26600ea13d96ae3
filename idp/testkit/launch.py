"""A vneid-mock of the test kit's own: a temporary SQLite database seeded with the personas (and more
citizens when asked), fresh signing keys, the sandbox API on with a random token, served by uvicorn in
a background thread on a free loopback port for the application under test; the kit's own calls go
to the same application in process (:mod:`idp.testkit.in_process`).
"""

import gc
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.testkit.in_process import InProcessTransport
from idp.testkit.mock import VneidMock
from idp.web.app import create_app

STARTUP_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Launched:
    """A provider running in this process, and the handle that drives it."""

    mock: VneidMock
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.mock.close()
        self.server.should_exit = True
        self.thread.join(STARTUP_SECONDS)


def seed(directory: Path, citizens: int, seed_value: int) -> str:
    """The URL of a new SQLite database in ``directory`` holding the personas and ``citizens``
    more."""
    url = f"sqlite:///{directory / 'vneid.sqlite3'}"
    settings = IdPSettings(_env_file=None)
    engine = connect(url)
    seed_population(
        engine,
        count=citizens,
        seed=seed_value,
        password=settings.sandbox_password,
        passcode=settings.sandbox_passcode,
        parallel=False,
    )
    engine.dispose()
    return url


def launch(directory: Path, citizens: int = 0, seed_value: int = 1) -> Launched:
    """Seed, start and wait for a provider whose files live in ``directory``."""
    port, token = free_port(), secrets.token_urlsafe(24)
    settings = IdPSettings(
        _env_file=None,
        database_url=seed(directory, citizens, seed_value),
        keys_dir=directory / "keys",
        issuer=f"http://127.0.0.1:{port}",
        port=port,
        state_store_url="memory",
        access_log=False,
        sandbox_api=True,
        sandbox_token=SecretStr(token),
        registration_enabled=True,
        registration_token=SecretStr(token),
    )
    app = create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="vneid-mock", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"vneid-mock did not start on port {port}")
        time.sleep(0.01)
    # What the test process has built so far (pytest, its plugins, the provider) lives on: keep it out
    # of the collector's full passes, which otherwise walk it all again and again during logins.
    gc.freeze()
    http = httpx.Client(transport=InProcessTransport(app), timeout=30)
    return Launched(VneidMock(settings.issuer, token, http), server, thread)
