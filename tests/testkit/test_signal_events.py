"""The test kit and Shared Signals: a relying party registered with the ``shared_signals`` licence
creates its stream over HTTP, a persona logs in to it (a remembered consent), the kit locks the
persona, and ``vneid.events`` shows the event delivered to a real receiver; ``deliver_events`` pushes
what is pending at once."""

import threading
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi import Request
from starlette.responses import Response

from idp.testkit.mock import VneidMock
from tests.servers import Served
from tests.servers import free_port

ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled"


def _receiver(received: list[str], lock: threading.Lock) -> FastAPI:
    app = FastAPI()

    @app.post("/events")
    async def events(request: Request) -> Response:
        with lock:
            received.append((await request.body()).decode())
        return Response(status_code=202)

    return app


def test_an_event_is_listed_and_delivered(vneid: VneidMock) -> None:
    client = vneid.register_client(
        grant_types=["authorization_code", "client_credentials"],
        scope="openid profile shared_signals",
    )
    vneid.login("level2-full", client=client)
    configuration = httpx.get(f"{vneid.issuer}/.well-known/ssf-configuration").json()
    token = httpx.post(
        f"{vneid.issuer}/token",
        data={"grant_type": "client_credentials", "scope": "shared_signals"},
        auth=(client.client_id, client.client_secret or ""),
    ).json()["access_token"]
    received: list[str] = []
    port = free_port()
    served = Served(_receiver(received, threading.Lock()), port=port)
    body: dict[str, Any] = {
        "delivery": {
            "method": "urn:ietf:rfc:8935",
            "endpoint_url": f"http://127.0.0.1:{port}/events",
        },
        "events_requested": [ACCOUNT_DISABLED],
    }
    headers = {"Authorization": f"Bearer {token}"}
    stream = httpx.post(configuration["configuration_endpoint"], json=body, headers=headers)
    try:
        assert stream.status_code == 201, stream.text
        vneid.citizens.lock("level2-full")
        vneid.deliver_events()
        (event,) = vneid.events("level2-full", client=client)
        assert event["event_type"] == ACCOUNT_DISABLED
        assert event["status"] == "delivered"
        assert event["client_id"] == client.client_id
        assert len(received) == 1
        assert vneid.events(client=client, status="pending") == []
    finally:
        served.stop()
        delete = httpx.delete(
            configuration["configuration_endpoint"],
            params={"stream_id": stream.json()["stream_id"]},
            headers=headers,
        )
        assert delete.status_code == 204
