"""The real identity provider and the three sample apps, each a uvicorn server in a thread on a free
loopback port, over a freshly seeded SQLite population; the clients file is the repository's own
(``idp/oidc/clients.json``) with the apps' ports rewritten. A :class:`Browser` is an httpx client with a
cookie jar that walks the provider's pages the way ``complete()`` in ``tests/oidc/conftest.py`` does."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete

from clients.bank.app import create_app as create_bank
from clients.bank.settings import BankSettings
from clients.hospital.app import create_app as create_hospital
from clients.hospital.settings import HospitalSettings
from clients.portal.app import create_app as create_portal
from clients.portal.settings import PortalSettings
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import DEFAULT_CLIENTS_FILE
from idp.settings import IdPSettings
from idp.state.consents import CONSENTS
from idp.web.app import create_app as create_idp
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PERSONA_PHONES
from tests.oidc.conftest import PIN
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import interaction_of
from tests.servers import Served
from tests.servers import free_port

APPS = ("portal", "bank", "hospital")
DEMO_PORTS = {"portal": 8001, "bank": 8002, "hospital": 8003}
SANDBOX_TOKEN = "clients-sandbox-token"
"""The provider's control API token: the test kit's phone (``VneidMock(stack.idp, SANDBOX_TOKEN)``)."""


@dataclass
class Stack:
    idp: str
    urls: dict[str, str]
    database_url: str
    idp_keys: Path
    tmp: Path
    apps: dict[str, FastAPI]
    """The apps a test reaches into: the hospital's (its kiosk's clock), every app's receiver of
    identity events."""
    servers: dict[str, Served]
    """Each app's server, by app name: a test may stop one and serve it again (:meth:`restart`)."""

    def stop(self, app: str) -> None:
        self.servers[app].stop()

    def restart(self, app: str) -> None:
        """Serve ``app`` again on its port (its lifespan registers its stream again)."""
        port = int(self.urls[app].rsplit(":", 1)[1])
        self.servers[app] = Served(self.apps[app], port=port)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("clients")
    database_url = f"sqlite:///{root / 'idp.sqlite3'}"
    engine = connect(database_url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    ports = {name: free_port() for name in ("idp", *APPS)}
    urls = {name: f"http://127.0.0.1:{ports[name]}" for name in APPS}
    issuer = f"http://127.0.0.1:{ports['idp']}"
    registered = DEFAULT_CLIENTS_FILE.read_text(encoding="utf-8")
    for name in APPS:
        registered = registered.replace(f"http://127.0.0.1:{DEMO_PORTS[name]}", urls[name])
    clients_file = root / "clients.json"
    clients_file.write_text(registered, encoding="utf-8")
    settings = IdPSettings(
        database_url=database_url,
        issuer=issuer,
        keys_dir=root / "idp-keys",
        clients_file=clients_file,
        login_rate_per_ip=1_000_000,
        login_rate_per_account=1_000_000,
        access_log=False,
        sandbox_api=True,
        sandbox_token=SANDBOX_TOKEN,
    )
    provider = Served(create_idp(settings), port=ports["idp"])
    apps = {
        "portal": create_portal(
            PortalSettings(
                issuer=issuer,
                base_url=urls["portal"],
                database_url=f"sqlite:///{root / 'portal.sqlite3'}",
            )
        ),
        "bank": create_bank(
            BankSettings(
                issuer=issuer,
                base_url=urls["bank"],
                database_url=f"sqlite:///{root / 'bank.sqlite3'}",
                keys_dir=root / "bank-keys",
            )
        ),
        "hospital": create_hospital(
            HospitalSettings(
                issuer=issuer,
                base_url=urls["hospital"],
                database_url=f"sqlite:///{root / 'hospital.sqlite3'}",
            )
        ),
    }
    servers = {name: Served(app, port=ports[name]) for name, app in apps.items()}
    yield Stack(issuer, urls, database_url, root / "idp-keys", root, apps, servers)
    for server in reversed(servers.values()):
        server.stop()
    provider.stop()


@pytest.fixture(autouse=True)
def forget_consents(stack: Stack) -> None:
    """Consent is remembered at the provider: every test starts with none."""
    engine = connect(stack.database_url)
    with engine.begin() as connection:
        connection.execute(delete(CONSENTS))
    engine.dispose()


class Browser:
    """A user agent: a cookie jar, redirects followed one by one, the provider's pages answered."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = httpx.Client(follow_redirects=False, timeout=20)
        self.visited: list[str] = []

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, **walk: object) -> httpx.Response:
        return self.walk(self.http.get(url), **walk)  # type: ignore[arg-type]

    def post(self, url: str, data: dict[str, str], **walk: object) -> httpx.Response:
        return self.walk(self.http.post(url, data=data), **walk)  # type: ignore[arg-type]

    def walk(
        self,
        response: httpx.Response,
        pin: str = PIN,
        decision: str = "approve",
        untick: tuple[str, ...] = (),
    ) -> httpx.Response:
        """Follow redirects and answer every provider page (password, SMS code from the inbox,
        passcode, face match, consent with ``decision`` and the scopes of ``untick`` unticked, the
        ending page's Continue) until a page that is not the provider's is reached."""
        for _ in range(40):
            self.visited.append(str(response.url))
            if response.is_redirect:
                target = urljoin(str(response.url), response.headers["location"])
                response = self.http.get(target)
                continue
            on_provider = str(response.url).startswith(self.stack.idp)
            path = interaction_of(response.text) if on_provider else None
            if path is None or response.status_code != 200:
                return response
            base = self.stack.idp + path
            html = response.text
            data = {"csrf": csrf_of(html)}
            if 'name="password"' in html:
                data |= {"username": pin, "password": PASSWORD}
                response = self.http.post(f"{base}/login", data=data)
            elif 'name="otp"' in html:
                response = self.http.post(f"{base}/otp", data={**data, "otp": self.sms(pin)})
            elif 'name="passcode"' in html:
                response = self.http.post(f"{base}/passcode", data={**data, "passcode": PASSCODE})
            elif 'name="face"' in html:
                response = self.http.post(f"{base}/face", data={**data, "face": "match"})
            elif 'name="decision"' in html:
                form = consent_form(html, decision=decision, untick=untick)
                response = self.http.post(f"{base}/consent", data=form)
            elif f'action="{path}/continue"' in html:
                response = self.http.post(f"{base}/continue", data=data)
            else:
                return response
        raise AssertionError("the flow did not end")

    def sms(self, pin: str) -> str:
        response = self.http.get(
            f"{self.stack.idp}/sandbox/sms.json", params={"phone": PERSONA_PHONES[pin]}
        )
        code: str = response.json()["messages"][0]["code"]
        return code

    def csrf(self, app: str) -> str:
        """The app's CSRF token, read from its home page's logout form (or any form)."""
        return csrf_of(self.get(f"{self.stack.urls[app]}/").text)

    def inspector(self, app: str) -> list[dict[str, object]]:
        flows: list[dict[str, object]] = self.http.get(
            f"{self.stack.urls[app]}/inspector.json"
        ).json()["flows"]
        return flows


@pytest.fixture
def browser(stack: Stack) -> Iterator[Browser]:
    user_agent = Browser(stack)
    yield user_agent
    user_agent.close()


def steps_of(flow: dict[str, object]) -> list[str]:
    steps = flow["steps"]
    assert isinstance(steps, list)
    return [str(step["step"]) for step in steps]
