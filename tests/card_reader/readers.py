"""Driving a card reader from a test as a kiosk's software does, over its API, and the access key
printed on a card (read from the card holder's data, as an operator reads it off the card)."""

import base64
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from idp.chip.holders import load_holder
from idp.chip.mrz import mrz_date
from idp.login.headless import pin_of
from idp.oidc.server import AuthorizationServer

API = "/api/card-reader/sessions"


def server_of(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def key_of(client: TestClient, who: str, **wrong: str) -> dict[str, str]:
    """The access key printed on ``who``'s card, with the fields in ``wrong`` replaced."""
    server, pin = server_of(client), pin_of(who)
    assert pin is not None
    with server.engine.connect() as connection:
        holder = load_holder(connection, pin, server.settings.subject_secret.get_secret_value())
    assert holder is not None, who
    key = {
        "card_number": holder.pin,
        "birth_date": mrz_date(holder.birth_date),
        "expiry_date": mrz_date(holder.expires_on),
    }
    return key | wrong


def open_reader(client: TestClient, label: str = "") -> str:
    opened = client.post(API, json={"label": label} if label else None)
    assert opened.status_code == 201, opened.text
    return str(opened.json()["reader_id"])


def tap(
    client: TestClient,
    reader_id: str,
    who: str,
    key: dict[str, str] | None = None,
    face: str | None = None,
) -> Response:
    body: dict[str, Any] = {"card": who, "access_key": key or key_of(client, who)}
    if face is not None:
        body["face"] = face
    return client.post(f"{API}/{reader_id}/tap", json=body)


def state(client: TestClient, reader_id: str) -> dict[str, Any]:
    found = client.get(f"{API}/{reader_id}")
    assert found.status_code == 200, found.text
    answer: dict[str, Any] = found.json()
    return answer


def files(client: TestClient, reader_id: str) -> dict[str, bytes]:
    read = state(client, reader_id)
    assert read["status"] == "card_present", read
    return {name: base64.b64decode(data) for name, data in read["files"].items()}


def authenticate(client: TestClient, reader_id: str, challenge: bytes) -> Response:
    body = {"challenge": base64.b64encode(challenge).decode()}
    return client.post(f"{API}/{reader_id}/internal-authenticate", json=body)


def opened_with(client: TestClient, who: str, face: str | None = None) -> str:
    """A new reader with ``who``'s card opened on it; its id."""
    reader_id = open_reader(client)
    tapped = tap(client, reader_id, who, face=face)
    assert tapped.status_code == 200, tapped.text
    return reader_id
