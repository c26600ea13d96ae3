"""Fixtures of the example's tests: a client registered at the test provider for each test, the
application built for it, and the login a browser would make, driven headlessly."""

from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient

from idp.testkit.mock import Client
from idp.testkit.mock import VneidMock

from .app import create_app
from .support import REDIRECT_URI
from .support import SCOPE
from .support import TIMEOUT
from .support import LogIn
from .support import path_of


@pytest.fixture
def client(vneid: VneidMock) -> Client:
    """A client of the test provider, registered for this test."""
    return vneid.register_client(redirect_uris=[REDIRECT_URI], scope=SCOPE)


@pytest.fixture
def http(vneid: VneidMock, client: Client) -> Iterator[TestClient]:
    """The application for ``client``, and a browser's cookie jar to call it with."""
    assert client.client_secret is not None
    app = create_app(
        vneid.issuer, client.client_id, client.client_secret, client.redirect_uri, timeout=TIMEOUT
    )
    with TestClient(app, raise_server_exceptions=True) as test_client:
        yield test_client


@pytest.fixture
def log_in(vneid: VneidMock, http: TestClient) -> LogIn:
    """Log ``persona`` in at ``acr`` through the application, the provider's pages done headlessly;
    the application's answer at its callback (redirects followed)."""

    def run(persona: str, acr: str = "LoA2") -> httpx2.Response:
        started = http.get("/login", params={"acr": acr}, follow_redirects=False)
        assert started.status_code == 302, started.text
        callback = vneid.complete(started.headers["location"], persona)
        assert callback.startswith(REDIRECT_URI), callback
        return http.get(path_of(callback))

    return run
