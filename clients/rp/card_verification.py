"""The app's client of the provider's card verification service (dịch vụ xác thực thẻ căn cước), over
HTTP only: an access token by the client credentials grant (RFC 6749 §4.4, scope
``card_verification``, with Authlib), then ``POST /api/card-verification`` with it as a Bearer token
(RFC 6750) carrying the chip's files as read, the Active Authentication the app ran, and the camera's
photo. The answer says whether the card is genuine and still the holder's valid card in the population
database, and whether the face at the camera is the card's.

The token is kept until shortly before it expires, and fetched again once if the service answers
``invalid_token`` (RFC 6750 §3.1).
"""

import base64
import time
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from clients.rp.chip_files import Files

VERIFICATION = "/api/card-verification"
SCOPE = "card_verification"
EARLY = 30
"""Seconds before its expiry a token is no longer used."""


class VerificationError(Exception):
    """No answer from the service: the token was refused, or the service could not be reached or
    refused the request; an OAuth error code and its description."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Answer:
    """The service's answer: its HTTP status and JSON body (an error's too)."""

    status_code: int
    body: dict[str, Any]
    endpoint: str


@dataclass
class _Token:
    access_token: str
    expires_at: float
    response: dict[str, Any]


class CardVerifier:
    """The app's client ``client_id`` of the verification service (or of another service licensed by
    ``scope``: :mod:`clients.rp.population_service`); ``token_endpoint`` is read from discovery when
    first needed."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        token_endpoint: Callable[[], Awaitable[str]],
        timeout: float,
        scope: str = SCOPE,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.scope = scope
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_endpoint = token_endpoint
        self.timeout = timeout
        self._token: _Token | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.issuer}{VERIFICATION}"

    async def token(self, force: bool = False) -> tuple[str, dict[str, Any], bool]:
        """An access token for the service, the token response it came in (for the inspector), and
        whether it was fetched now."""
        if not force and self._token is not None and time.time() < self._token.expires_at - EARLY:
            return self._token.access_token, self._token.response, False
        async with AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_basic",
            scope=self.scope,
            timeout=self.timeout,
        ) as oauth:
            try:
                url = await self.token_endpoint()
                token = dict(await oauth.fetch_token(url, grant_type="client_credentials"))
            except OAuthError as exc:
                raise VerificationError(
                    exc.error or "invalid_client", exc.description or ""
                ) from None
            except (httpx.HTTPError, ValueError) as exc:
                raise VerificationError("temporarily_unavailable", str(exc)) from None
        if "access_token" not in token:
            raise VerificationError("invalid_token_response", "The token response has no token.")
        lifetime = int(token.get("expires_in", 300))
        response = {k: v for k, v in token.items() if k != "expires_at"}
        self._token = _Token(str(token["access_token"]), time.time() + lifetime, response)
        return self._token.access_token, response, True

    async def verify(self, files: Files, challenge: bytes, signature: bytes, face: bytes) -> Answer:
        """Ask the service about the card ``files`` (as read), the Active Authentication the app ran
        (``challenge`` and the chip's ``signature``) and the camera's photo ``face``."""
        body = {
            "files": {name: _b64(data) for name, data in files.items()},
            "active_authentication": {"challenge": _b64(challenge), "signature": _b64(signature)},
            "face_image": _b64(face),
        }
        access_token, _, _ = await self.token()
        answer = await self._post(access_token, body)
        if answer.status_code == 401 and answer.body.get("error") == "invalid_token":
            access_token, _, _ = await self.token(force=True)
            answer = await self._post(access_token, body)
        return answer

    async def _post(self, access_token: str, body: dict[str, Any]) -> Answer:
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(self.endpoint, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise VerificationError("temporarily_unavailable", f"{self.endpoint}: {exc}") from None
        try:
            parsed = response.json()
        except ValueError:
            parsed = {}
        if not isinstance(parsed, dict):
            parsed = {}
        if response.status_code == 401 and "error" not in parsed:
            # RFC 6750 §3: a token refused without a body; its header says no more that matters here
            parsed = {"error": "invalid_token"}
        return Answer(response.status_code, parsed, self.endpoint)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
