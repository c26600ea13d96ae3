"""A bank counter's back-channel request (CIBA) approved on a scripted phone: the phone lists it with
its binding message, the approval pings the client's notification endpoint (ping mode) and the poll
gets tokens at LoA4."""

import threading
from collections.abc import Iterator
from http.server import HTTPServer
from typing import Any

import httpx
import pytest

from idp.testkit.launch import free_port
from idp.testkit.mock import VneidMock
from tests.oidc.test_ciba import _Receiver

CIBA = "urn:openid:params:grant-type:ciba"


@pytest.fixture
def pinged() -> Iterator[tuple[int, list[tuple[str, dict[str, Any]]]]]:
    received: list[tuple[str, dict[str, Any]]] = []
    port = free_port()
    http = HTTPServer(("127.0.0.1", port), type("Receiver", (_Receiver,), {"received": received}))
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield port, received
    http.shutdown()
    http.server_close()
    thread.join()


def test_a_counter_request_is_approved_on_the_phone_pinged_and_polled(
    vneid: VneidMock, pinged: tuple[int, list[tuple[str, dict[str, Any]]]]
) -> None:
    port, received = pinged
    client = vneid.register_client(
        grant_types=[CIBA],
        scope="openid profile",
        backchannel_token_delivery_mode="ping",
        backchannel_client_notification_endpoint=f"http://127.0.0.1:{port}/ping",
    )
    phone = vneid.phone("level2-full")
    auth = (client.client_id, client.client_secret or "")
    started = httpx.post(
        f"{vneid.issuer}/bc-authorize",
        data={
            "scope": "openid profile",
            "login_hint": "001088999001",
            "binding_message": "QUAY-7 4821",
            "client_notification_token": "notify-me-7",
        },
        auth=auth,
    )
    assert started.status_code == 200, started.text
    auth_req_id = started.json()["auth_req_id"]
    waiting = [w for w in phone.pending() if w["kind"] == "ciba"]  # not another test's QR codes
    assert [w["binding_message"] for w in waiting] == ["QUAY-7 4821"]
    assert phone.approve(waiting[0]) == "approved"
    assert received == [("Bearer notify-me-7", {"auth_req_id": auth_req_id})]
    tokens = httpx.post(
        f"{vneid.issuer}/token", data={"grant_type": CIBA, "auth_req_id": auth_req_id}, auth=auth
    )
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["scope"] == "openid profile"
    assert "id_token" in tokens.json()
