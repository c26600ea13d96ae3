"""The kit's calls to its in-process provider: they reach the same provider as the application under
test (which uses the port), and from inside a running event loop (an async test) they go through the
socket instead."""

import asyncio

import httpx

from idp.testkit.mock import VneidMock


def test_the_kit_and_the_port_see_one_provider(vneid: VneidMock) -> None:
    client = vneid.register_client()
    vneid.clock.freeze()
    over_the_port = httpx.get(
        f"{vneid.issuer}/sandbox/clock", headers={"Authorization": f"Bearer {vneid._token}"}
    ).json()
    assert over_the_port["frozen"]
    tokens = vneid.login("level2-full", client=client)
    kinds = [entry["endpoint"] for entry in vneid.requests]
    assert kinds[-3:] == ["authorization", "token", "userinfo"]
    assert tokens.access_token


def test_a_login_from_an_async_test(vneid: VneidMock) -> None:
    client = vneid.register_client()

    async def inside_a_loop() -> str:
        return str(vneid.login("level2-full", client=client).id_token_claims["acr"])

    assert asyncio.run(inside_a_loop()) == "LoA2"
