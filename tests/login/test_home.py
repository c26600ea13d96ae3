"""The front page at ``/``: every endpoint of the discovery document, the personas, the sandbox secrets,
the registered clients; escaped; in English on request; its links lead somewhere."""

import json
import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from markupsafe import escape

from idp.population_db.personas import PERSONAS
from tests.oidc.conftest import Env


def test_lists_every_endpoint_the_discovery_document_advertises(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    discovery = client.get("/.well-known/openid-configuration").json()
    urls = [v for k, v in discovery.items() if k.endswith(("_endpoint", "_uri"))]
    assert len(urls) >= 7  # authorization, token, userinfo, JWKS, revocation, introspection, logout
    for url in urls:
        assert f'href="{url}"' in response.text, url
    assert f"<code>{discovery['issuer']}</code>" in response.text


def test_lists_the_personas_and_the_sandbox_secrets(client: TestClient, env: Env) -> None:
    html = client.get("/").text
    for persona in PERSONAS:
        assert f"<code>{persona.pin}</code>" in html
        assert escape(persona.full_name) in html
        assert escape(persona.purpose_vi) in html
    assert f"<code>{env.settings.sandbox_password}</code>" in html
    assert f"<code>{env.settings.sandbox_passcode}</code>" in html
    assert "chưa có tài khoản" in html  # the persona without an account
    assert "bị khóa" in html  # the locked one


def test_lists_the_registered_clients_escaped(client: TestClient, env: Env) -> None:
    html = client.get("/").text
    registered = json.loads(env.settings.clients_file.read_text(encoding="utf-8"))["clients"]
    for entry in registered:
        assert f"<code>{entry['client_id']}</code>" in html
        for uri in entry.get("redirect_uris", []):
            assert escape(uri) in html
    assert "Ngân hàng &lt;Thử nghiệm&gt;" in html
    assert "<Thử nghiệm>" not in html


def test_in_english_when_asked(client: TestClient) -> None:
    html = client.get("/", params={"ui_locales": "en vi"}).text
    assert '<html lang="en">' in html
    assert "<h2>Test citizens</h2>" in html
    for persona in PERSONAS:
        assert escape(persona.purpose) in html
    assert client.get("/", params={"ui_locales": "x" * 10_000}).status_code == 200


def test_its_documents_and_pages_answer(client: TestClient) -> None:
    html = client.get("/").text
    links = {urlsplit(href).path for href in re.findall(r'href="([^"]+)"', html)}
    pages = {p for p in links if p.startswith(("/.well-known/", "/jwks", "/sandbox/"))}
    assert len(pages) == 4, pages
    for path in pages:
        assert client.get(path).status_code == 200, path
    account = client.get("/account")  # without a session: the login interaction first
    assert account.status_code == 200
    assert 'name="username"' in account.text
