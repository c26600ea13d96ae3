"""The app's client of the provider's population service (dịch vụ đăng ký dân cư), over HTTP only: an
access token by the client credentials grant (RFC 6749 §4.4, scope ``population_registration``, with
Authlib), then ``POST /api/population/births`` or ``/deaths`` with it as a Bearer token (RFC 6750),
carrying what the citizen declared and the citizen's own access token as ``declarant_token``.

Each call is recorded in the app's flow inspector (:mod:`clients.rp.inspector`): the token request (the
token shortened) and the service's answer.
"""

from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request

from clients.rp import inspector
from clients.rp.card_verification import CardVerifier
from clients.rp.card_verification import VerificationError
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty

SCOPE = "population_registration"
BIRTHS = "/api/population/births"
DEATHS = "/api/population/deaths"


@dataclass(frozen=True)
class ServiceAnswer:
    """The service's HTTP status and JSON body (an error's too)."""

    status_code: int
    body: dict[str, Any]


class PopulationService:
    """The app's client ``client_id`` of the service, its token fetched as the card verifier's is."""

    def __init__(self, rp: RelyingParty, client_id: str, client_secret: str) -> None:
        self.rp = rp
        settings = rp.settings
        self.tokens = CardVerifier(
            settings.issuer,
            client_id,
            client_secret,
            self._token_endpoint,
            settings.http_timeout,
            scope=SCOPE,
        )

    async def _token_endpoint(self) -> str:
        try:
            return str((await self.rp.metadata())["token_endpoint"])
        except LoginError as error:
            raise VerificationError(error.error, error.description) from None

    async def register(
        self, request: Request, path: str, body: dict[str, Any], purpose: str, key: str
    ) -> ServiceAnswer:
        """``body`` sent to ``path``, in the inspector's flow ``key`` of ``purpose``; an answer
        with an error code of its own when no token could be had or the service is unreachable."""
        session = request.session
        inspector.start_server_flow(session, key, purpose)
        token = await self._token(session, key)
        if isinstance(token, ServiceAnswer):
            return token
        answer = await self._post(path, token, body)
        if answer.status_code == 401 and answer.body.get("error") == "invalid_token":
            # The service no longer takes the cached token (the provider restarted, say): a new one.
            token = await self._token(session, key, force=True)
            if isinstance(token, ServiceAnswer):
                return token
            answer = await self._post(path, token, body)
        sent = {**body, "declarant_token": inspector.shorten(str(body.get("declarant_token")))}
        inspector.record(
            session,
            key,
            "population_registration",
            {"endpoint": f"{self.tokens.issuer}{path}", "request": sent,
             "status": answer.status_code, "response": answer.body},
        )  # fmt: skip
        return answer

    async def _token(
        self, session: dict[str, Any], key: str, force: bool = False
    ) -> str | ServiceAnswer:
        """The service's access token, its request recorded in the flow ``key``; a 503 answer with
        the reason when none could be had."""
        try:
            token, response, fetched = await self.tokens.token(force=force)
        except VerificationError as error:
            refused = {"error": error.error, "error_description": error.description}
            inspector.record(session, key, "population_token", await self._token_step(refused))
            return ServiceAnswer(503, refused)
        step = await self._token_step(response)
        inspector.record(
            session, key, "population_token", step if fetched else {**step, "reused": True}
        )
        return token

    async def _token_step(self, response: dict[str, Any]) -> dict[str, Any]:
        try:
            endpoint = await self._token_endpoint()
        except VerificationError:
            endpoint = ""
        return {
            "endpoint": endpoint,
            "auth_method": "client_secret_basic",
            "parameters": {
                "grant_type": "client_credentials",
                "scope": SCOPE,
                "client_id": self.tokens.client_id,
            },
            "response": inspector.shortened(response),
        }

    async def _post(self, path: str, token: str, body: dict[str, Any]) -> ServiceAnswer:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        url = f"{self.tokens.issuer}{path}"
        try:
            async with httpx.AsyncClient(timeout=self.tokens.timeout) as http:
                response = await http.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            return ServiceAnswer(
                503, {"error": "temporarily_unavailable", "error_description": str(exc)}
            )
        try:
            parsed = response.json()
        except ValueError:
            parsed = {}
        if not isinstance(parsed, dict):
            parsed = {}
        if response.status_code == 401 and "error" not in parsed:
            parsed = {"error": "invalid_token"}
        return ServiceAnswer(response.status_code, parsed)
