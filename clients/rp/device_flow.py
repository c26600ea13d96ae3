"""The device side of the OAuth 2.0 Device Authorization Grant (RFC 8628), for a sample app's public
device client (the hospital's kiosk): ask for a user code, poll the token endpoint at the pace the
provider sets, and check the tokens as a relying party must. Over HTTP only, like every other flow of
the apps.

- §3.1-3.2: ``POST`` to discovery's ``device_authorization_endpoint`` with ``client_id`` (a public
  client: ``token_endpoint_auth_method`` ``none``, no secret on a kiosk), ``scope``, ``acr_values`` and
  ``ui_locales``; the answer is kept as a :class:`DeviceRequest` (JSON, in the device's session).
- §3.4-3.5: a poll goes out only once ``interval`` seconds have passed since the last one;
  ``slow_down`` adds 5 seconds to the interval, for good; ``authorization_pending`` waits;
  ``access_denied`` and ``expired_token`` end the request, as does its own ``expires_in``. A provider
  that cannot be reached is asked again at the next interval.
- The ID token is validated as after an authorization code (OpenID Connect Core §3.1.3.7: signature
  against the provider's JWKS, ``iss``, ``aud`` the device client, ``exp``, ``iat``, ``at_hash``, and
  here the level asked for, :mod:`clients.rp.id_tokens`), by Authlib; it carries no ``nonce``, since
  the device request sends none. Then userinfo (Core §5.3).
"""

import time
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

import httpx
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError

from clients.rp import id_tokens
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import discovered
from clients.rp.settings import RPSettings

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5
"""Seconds added to the interval by each ``slow_down`` (RFC 8628 §3.5)."""
DEFAULT_INTERVAL = 5
"""The interval when the provider names none (RFC 8628 §3.2)."""

Outcome = Literal[
    "waiting", "pending", "slowed", "unreachable", "approved", "refused", "expired", "failed"
]
"""What a poll found: ``waiting`` (too soon, nothing sent), ``pending``, ``slowed`` (``slow_down``),
``unreachable`` (asked again later); or the end: ``approved``, ``refused``, ``expired``, ``failed``."""
ENDED: frozenset[Outcome] = frozenset({"approved", "refused", "expired", "failed"})


@dataclass
class DeviceRequest:
    """One device authorization as the device keeps it between polls (the device's clock)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    interval: int
    next_poll: float
    expires_at: float
    acr_values: str
    started_at: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> "DeviceRequest | None":
        """The request kept in a session, or None when there is none (or it is not one)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


@dataclass(frozen=True)
class Poll:
    """A poll's outcome; once ``approved``, the validated ID token's claims and userinfo."""

    outcome: Outcome
    error: str = ""
    description: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    userinfo: dict[str, Any] = field(default_factory=dict)
    scope: str = ""

    @property
    def ended(self) -> bool:
        return self.outcome in ENDED


class DeviceClient:
    """A public device client of the provider; ``clock`` is the device's time (seconds)."""

    def __init__(
        self,
        settings: RPSettings,
        client_id: str,
        scope: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.client_id = client_id
        self.scope = scope
        self.clock = clock
        # Its own Authlib client: the ID token's audience is this client, not the app's web client.
        self.client = OAuth().register(
            name=client_id,
            client_id=client_id,
            client_secret=None,
            server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": scope,
                "token_endpoint_auth_method": "none",
                "timeout": settings.http_timeout,
            },
        )

    async def metadata(self) -> dict[str, Any]:
        return await discovered(self.client)

    async def start(self, acr_values: str, ui_locales: str) -> DeviceRequest:
        """A new device authorization (§3.1); raises :class:`LoginError` when it is refused."""
        metadata = await self.metadata()
        endpoint = metadata.get("device_authorization_endpoint")
        if not isinstance(endpoint, str):
            raise LoginError("temporarily_unavailable", "VNeID has no device authorization.", 502)
        form = {
            "client_id": self.client_id,
            "scope": self.scope,
            "acr_values": acr_values,
            "ui_locales": ui_locales,
        }
        body = await self._post(endpoint, form)
        if "error" in body:
            raise LoginError(str(body["error"]), str(body.get("error_description", "")))
        now = self.clock()
        try:
            interval = int(body.get("interval", DEFAULT_INTERVAL))
            return DeviceRequest(
                device_code=str(body["device_code"]),
                user_code=str(body["user_code"]),
                verification_uri=str(body["verification_uri"]),
                verification_uri_complete=str(body.get("verification_uri_complete", "")),
                interval=interval,
                # The citizen needs a moment to scan: the first poll waits one interval too.
                next_poll=now + interval,
                expires_at=now + int(body["expires_in"]),
                acr_values=acr_values,
                started_at=now,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LoginError("invalid_response", f"device authorization: {exc}", 502) from None

    async def poll(self, request: DeviceRequest) -> Poll:
        """Poll once if the interval has passed (§3.4); ``request`` takes the new pace."""
        now = self.clock()
        if now >= request.expires_at:
            return Poll("expired", "expired_token")
        if now < request.next_poll:
            return Poll("waiting")
        request.next_poll = now + request.interval
        form = {
            "grant_type": DEVICE_CODE_GRANT,
            "device_code": request.device_code,
            "client_id": self.client_id,
        }
        try:
            body = await self._post(str((await self.metadata())["token_endpoint"]), form)
        except LoginError as error:
            return Poll("unreachable", error.error, error.description)
        if "error" not in body:
            return await self._verified(body, request)
        return self._answer(str(body["error"]), str(body.get("error_description", "")), request)

    def _answer(self, error: str, description: str, request: DeviceRequest) -> Poll:
        """A poll's error response (§3.5)."""
        if error == "authorization_pending":
            return Poll("pending", error)
        if error == "slow_down":
            request.interval += SLOW_DOWN_STEP
            request.next_poll = self.clock() + request.interval
            return Poll("slowed", error)
        if error == "access_denied":
            return Poll("refused", error, description)
        if error == "expired_token":
            return Poll("expired", error, description)
        return Poll("failed", error, description)

    async def _verified(self, token: dict[str, Any], request: DeviceRequest) -> Poll:
        """The tokens, checked: the ID token as after an authorization code, then userinfo."""
        if "id_token" not in token or "access_token" not in token:
            return Poll("failed", "invalid_token_response", "No ID token or access token.")
        if id_tokens.is_encrypted(str(token["id_token"])):
            return Poll(
                "failed", "invalid_id_token", "An encrypted ID token: the kiosk has no key."
            )
        metadata = await self.metadata()
        options = {
            "iss": {"essential": True, "values": [metadata["issuer"]]},
            "acr": {"essential": True, "values": id_tokens.acceptable_levels(request.acr_values)},
        }
        try:
            claims: dict[str, Any] = dict(
                await self.client.parse_id_token(
                    token, nonce=None, claims_options=options, leeway=id_tokens.CLOCK_SKEW
                )
            )
            id_tokens.check_step_up(claims, request.acr_values, None, request.started_at)
        except (JoseError, ValueError) as exc:
            return Poll("failed", "invalid_id_token", str(exc))
        except id_tokens.StepUpError as exc:
            return Poll("failed", "insufficient_authentication", str(exc))
        try:
            userinfo = dict(await self.client.userinfo(token={"token_type": "Bearer", **token}))
        except httpx.HTTPError as exc:
            return Poll("failed", "userinfo_failed", str(exc))
        scope = str(token.get("scope") or self.scope)
        return Poll("approved", claims=claims, userinfo=userinfo, scope=scope)

    async def _post(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        """A form ``POST``; its JSON object (an error response too)."""
        try:
            async with httpx.AsyncClient(timeout=self.settings.http_timeout) as http:
                response = await http.post(url, data=form, headers={"Accept": "application/json"})
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise LoginError("temporarily_unavailable", f"{url}: {exc}", 502) from None
        if not isinstance(body, dict):
            raise LoginError("temporarily_unavailable", f"{url}: not a JSON object", 502)
        return body
