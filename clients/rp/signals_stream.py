"""The app's stream of identity events at the provider (OpenID Shared Signals Framework 1.0 §8, luồng sự
kiện định danh), registered in the background when the app starts.

1. The transmitter's configuration: ``{issuer}/.well-known/ssf-configuration`` (SSF §7.1); every
   endpoint is read from it, never assumed.
2. An access token by the client credentials grant (RFC 6749 §4.4) with scope ``shared_signals``, the
   app authenticating to the token endpoint as it does for its sign-ins (its Authlib client: a secret,
   or ``private_key_jwt`` for the bank).
3. ``GET`` the configuration endpoint: the app's stream, if it has one, is replaced (``PUT``, §8.1.1.4)
   with this start's delivery, else created (``POST``, §8.1.1.1; a ``409`` means another start created
   it meanwhile: it is then replaced). Delivery is push (RFC 8935) to the app's ``/signals`` with an
   ``authorization_header`` made of the secret the app generated at start.
4. A verification event is asked for (§8.1.4.2) with a random ``state``; the receiver marks the stream
   verified when the SET carrying it arrives.

A provider that cannot be reached, or answers with a server error, is tried again (backoff capped at
``signals_retry_cap`` seconds) until it answers; a refusal (4xx) is recorded for the inspector and not
tried again. Startup is never held up: this runs as a task of the app's lifespan.
"""

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from fastapi import FastAPI

from clients.rp.catalogue import catalogue
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty
from clients.rp.signal_types import EVENTS_REQUESTED
from clients.rp.signal_types import PUSH_DELIVERY

SCOPE = "shared_signals"
DISCOVERY = "/.well-known/ssf-configuration"
FIRST_RETRY = 0.25
log = logging.getLogger(__name__)


class StreamError(Exception):
    """The stream could not be registered; ``permanent`` when trying again would not help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass
class StreamState:
    """Where the registration stands, for the inspector: ``starting``, ``registered`` or ``failed``."""

    status: str = "starting"
    stream_id: str = ""
    configuration: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    attempts: int = 0
    registered_at: float = 0.0
    verification_state: str = ""
    verified_at: float = 0.0


class StreamRegistration:
    """Registers the stream of ``rp``'s client, delivering to ``receiver_url`` with ``authorization``."""

    def __init__(
        self, rp: RelyingParty, receiver_url: str, authorization: str, retry_cap: float
    ) -> None:
        self.rp = rp
        self.receiver_url = receiver_url
        self.authorization = authorization
        self.retry_cap = retry_cap
        self.state = StreamState()

    @property
    def registered(self) -> bool:
        return self.state.status == "registered"

    async def keep_trying(self) -> None:
        """Register, trying again while the provider is unreachable or failing."""
        delay = FIRST_RETRY
        while True:
            self.state.attempts += 1
            try:
                await self.register()
                return
            except StreamError as error:
                self.state.error = str(error)
                if error.permanent:
                    self.state.status = "failed"
                    log.warning("the identity-event stream was refused: %s", error)
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.retry_cap)

    async def register(self) -> None:
        configuration = await self._transmitter()
        headers = {"Authorization": f"Bearer {await self._token()}", "Accept": "application/json"}
        endpoint = str(configuration["configuration_endpoint"])
        timeout = self.rp.settings.http_timeout
        async with httpx.AsyncClient(timeout=timeout, headers=headers) as http:
            stream = await self._put_or_post(http, endpoint)
            self.state.stream_id = str(stream["stream_id"])
            self.state.configuration = stream
            self.state.status = "registered"
            self.state.error = ""
            self.state.registered_at = time.time()
            verification = configuration.get("verification_endpoint")
            if verification:
                self.state.verification_state = secrets.token_urlsafe(16)
                body = {"stream_id": self.state.stream_id, "state": self.state.verification_state}
                # a verification that fails leaves a registered stream: the events still come
                await _call(http, "POST", str(verification), body, (204, 200), quiet=True)

    def verified(self, state: object) -> None:
        """A verification event came with ``state``: the stream delivers to this app."""
        if state and state == self.state.verification_state:
            self.state.verified_at = time.time()

    def _stream_body(self) -> dict[str, Any]:
        name = catalogue().text("en", f"{self.rp.settings.app}.name")
        return {
            "delivery": {
                "method": PUSH_DELIVERY,
                "endpoint_url": self.receiver_url,
                "authorization_header": self.authorization,
            },
            "events_requested": list(EVENTS_REQUESTED),
            "description": f"{name}: identity events",
        }

    async def _put_or_post(self, http: httpx.AsyncClient, endpoint: str) -> dict[str, Any]:
        for _ in range(2):
            existing = await _call(http, "GET", endpoint, None, (200,))
            streams = existing if isinstance(existing, list) else [existing]
            if streams and isinstance(streams[0], dict) and streams[0].get("stream_id"):
                body = {"stream_id": streams[0]["stream_id"], **self._stream_body()}
                return _object(await _call(http, "PUT", endpoint, body, (200,)))
            created = await _call(http, "POST", endpoint, self._stream_body(), (201, 200, 409))
            if created is not None:
                return _object(created)
        raise StreamError("the stream was created elsewhere and then disappeared")

    async def _transmitter(self) -> dict[str, Any]:
        url = f"{self.rp.settings.issuer.rstrip('/')}{DISCOVERY}"
        async with httpx.AsyncClient(timeout=self.rp.settings.http_timeout) as http:
            return _object(await _call(http, "GET", url, None, (200,)))

    async def _token(self) -> str:
        try:
            await self.rp.metadata()
            token = await self.rp.client.fetch_access_token(
                grant_type="client_credentials", scope=SCOPE
            )
        except OAuthError as exc:
            raise StreamError(f"token endpoint: {exc.error}: {exc.description}", True) from None
        except (httpx.HTTPError, LoginError, ValueError) as exc:
            raise StreamError(f"token endpoint: {exc}") from None
        if "access_token" not in token:
            raise StreamError("the token response has no access token", True)
        return str(token["access_token"])


async def _call(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    expected: tuple[int, ...],
    quiet: bool = False,
) -> Any:
    """The JSON answer of ``method url`` (None for 204 or 409), or :class:`StreamError`."""
    try:
        response = await http.request(method, url, json=body)
    except httpx.HTTPError as exc:
        raise StreamError(f"{method} {url}: {exc!r}") from None
    if response.status_code not in expected:
        if quiet:
            return None
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise StreamError(
            f"{method} {url}: {response.status_code} {response.text[:300]}", permanent
        )
    if response.status_code in (204, 409):
        return None
    try:
        return response.json()
    except ValueError:
        raise StreamError(f"{method} {url}: the answer is not JSON") from None


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise StreamError("the answer is not a JSON object")
    return value


def lifespan(registration: StreamRegistration | None) -> Any:
    """The app's lifespan: the registration runs as a task while the app serves (if it is on)."""

    @asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(registration.keep_trying()) if registration else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    return running
