"""The device flow's test steps (RFC 8628), with the protocol tests' provider and its device clients
(``tv``, ``tv-other``: public; ``stb``: a set-top box with a secret and refresh tokens): the device's requests, and the
citizen's way through the verification page in a browser (the TestClient)."""

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from idp.oidc.device_flow import DEVICE_CODE_GRANT
from idp.web.app import create_app
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import complete

PUBLIC = "tv"
OTHER = "tv-other"
CONFIDENTIAL = "stb"


@pytest.fixture
def device_client(env: Env) -> Iterator[TestClient]:
    """A browser and a device at once, speaking to a provider whose clock is frozen."""
    with TestClient(create_app(env.settings), follow_redirects=False) as test_client:
        clock_of(test_client).freeze()
        yield test_client


def authorize_device(
    client: TestClient, client_id: str = PUBLIC, secret: str | None = None, **params: str
) -> Response:
    """The device's request at ``POST /device_authorization``."""
    data = {"scope": "openid profile", **params}
    if secret is None:
        return client.post("/device_authorization", data={"client_id": client_id, **data})
    return client.post("/device_authorization", data=data, auth=(client_id, secret))


def started(client: TestClient, client_id: str = PUBLIC, **params: str) -> dict[str, Any]:
    response = authorize_device(client, client_id, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def poll(
    client: TestClient, device_code: str, client_id: str = PUBLIC, secret: str | None = None
) -> Response:
    """One poll of the token endpoint (RFC 8628 §3.4)."""
    data = {"grant_type": DEVICE_CODE_GRANT, "device_code": device_code}
    if secret is None:
        return client.post("/token", data={**data, "client_id": client_id})
    return client.post("/token", data=data, auth=(client_id, secret))


def token_of(client: TestClient, found: str) -> str:
    """The confirmation page's double-submit token."""
    match = re.search(r'name="token" value="([^"]+)"', found)
    assert match is not None, found
    return match.group(1)


def confirm(client: TestClient, user_code: str, decision: str = "confirm") -> Response:
    """Open ``verification_uri_complete`` and answer its confirmation."""
    page = client.get("/device", params={"user_code": user_code})
    assert page.status_code == 200, page.text
    assert user_code in page.text
    data = {"user_code": user_code, "token": token_of(client, page.text), "decision": decision}
    return client.post("/device/confirm", data=data)


def approve(
    client: TestClient, user_code: str, pin: str = PIN, untick: tuple[str, ...] = ()
) -> Response:
    """The citizen's whole way in the browser: confirm the code, log in, every factor, consent;
    the page the browser ends on."""
    bound = confirm(client, user_code)
    assert bound.status_code == 303, bound.text
    final: Response = complete(client, bound, pin, untick=untick)
    return final


def claims_of(id_token: str) -> dict[str, Any]:
    """The ID token's claims, unverified (the signature has its own tests)."""
    payload = id_token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims
