"""The apps' client of the population service (:mod:`clients.rp.population_service`): a token the
service no longer takes is fetched again once, and when that fetch fails the app gets the service's
503 answer with the reason, recorded in its inspector, never an exception (a 500 page)."""

import asyncio
from types import SimpleNamespace
from typing import Any
from typing import cast

import pytest
from starlette.requests import Request

from clients.rp import inspector
from clients.rp.card_verification import VerificationError
from clients.rp.population_service import BIRTHS
from clients.rp.population_service import PopulationService
from clients.rp.population_service import ServiceAnswer
from clients.rp.relying_party import RelyingParty


class _Provider:
    """What the client reads of the app's relying party: its settings and the provider's metadata."""

    settings = SimpleNamespace(issuer="http://127.0.0.1:9", http_timeout=1.0)

    async def metadata(self) -> dict[str, Any]:
        return {"token_endpoint": "http://127.0.0.1:9/token"}


def _service(monkeypatch: pytest.MonkeyPatch, fetches: list[bool]) -> PopulationService:
    """The client, its first token taken, every later fetch refused, and the service answering
    ``invalid_token`` to every call."""
    service = PopulationService(cast(RelyingParty, _Provider()), "portal", "secret")

    async def token(force: bool = False) -> tuple[str, dict[str, Any], bool]:
        fetches.append(force)
        if len(fetches) > 1:
            raise VerificationError("temporarily_unavailable", "the token endpoint is down")
        return "first-token", {"access_token": "first-token", "token_type": "Bearer"}, True

    async def post(path: str, token: str, body: dict[str, Any]) -> ServiceAnswer:
        return ServiceAnswer(401, {"error": "invalid_token"})

    monkeypatch.setattr(service.tokens, "token", token)
    monkeypatch.setattr(service, "_post", post)
    return service


def test_a_failed_token_refresh_is_the_services_503(monkeypatch: pytest.MonkeyPatch) -> None:
    fetches: list[bool] = []
    service = _service(monkeypatch, fetches)
    request = Request({"type": "http", "session": {}})
    answer = asyncio.run(service.register(request, BIRTHS, {"request_id": "r1"}, "birth", "r1"))
    assert fetches == [False, True]
    assert answer == ServiceAnswer(
        503, {"error": "temporarily_unavailable", "error_description": "the token endpoint is down"}
    )
    steps = inspector.flows_of(request.session)[-1]["steps"]
    assert [step["step"] for step in steps] == ["population_token", "population_token"]
    assert steps[-1]["data"]["response"]["error"] == "temporarily_unavailable"
