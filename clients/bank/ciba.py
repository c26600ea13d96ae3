"""The teller counter's client of VNeID's back-channel authentication: OpenID Connect Client-Initiated
Backchannel Authentication Flow — Core 1.0 (CIBA), poll mode, over HTTP only.

- §7.1 the authentication request to the provider's ``backchannel_authentication_endpoint`` (from
  discovery): ``scope``, ``login_hint`` (the customer's PIN), ``binding_message``,
  ``requested_expiry``, ``acr_values=LoA4``; client authentication ``client_secret_basic`` (RFC 6749
  §2.3.1, the id and secret form-encoded first); §7.3 its answer (``auth_req_id``, ``expires_in``,
  ``interval``), §13 its errors.
- §10.1 the token request (``grant_type=urn:openid:params:grant-type:ciba``), §11 its errors
  (``authorization_pending``, ``slow_down``, ``access_denied``, ``expired_token``).
- §10.1.1 / OpenID Connect Core §3.1.3.7 the ID token: signature against the provider's JWKS (fetched
  again once when its key is unknown: the provider may have rotated), ``iss``, ``aud`` (``azp`` when
  there are several), ``exp``, ``iat``; and ``acr`` must be ``LoA4`` (the phone's bound device key,
  passcode and face). No ``nonce``: CIBA has none.
- Core §5.3 userinfo with the access token.

The pages (:mod:`clients.bank.counter`) keep the request and pace the polls; this module only speaks.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from clients.bank.settings import BankSettings
from clients.rp.id_tokens import CLOCK_SKEW
from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty

GRANT_TYPE = "urn:openid:params:grant-type:ciba"
COUNTER_LEVEL = "LoA4"
AUTH_METHOD = "client_secret_basic"
UNAVAILABLE = "temporarily_unavailable"


class CibaError(Exception):
    """The provider refused, or could not be reached: an OAuth error code and its description."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Started:
    """The provider's answer to an authentication request (§7.3)."""

    auth_req_id: str
    expires_in: int
    interval: int
    endpoint: str


@dataclass(frozen=True)
class PollAnswer:
    """One poll: an error code of §11 (or ``temporarily_unavailable``), else the tokens."""

    error: str | None
    tokens: dict[str, Any]
    endpoint: str


class CounterClient:
    """The ``bank-counter`` client; discovery and the provider's JWKS come from the bank's relying
    party (same provider, cached by Authlib)."""

    def __init__(self, settings: BankSettings, rp: RelyingParty) -> None:
        self.settings = settings
        self.rp = rp
        secret = settings.counter_client_secret.get_secret_value()
        self.auth = httpx.BasicAuth(
            quote(settings.counter_client_id, safe=""), quote(secret, safe="")
        )

    async def _metadata(self) -> dict[str, Any]:
        try:
            return await self.rp.metadata()
        except LoginError as exc:
            raise CibaError(UNAVAILABLE, exc.description) from None

    async def _post(self, url: str, data: dict[str, str]) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self.settings.http_timeout) as http:
                return await http.post(url, data=data, auth=self.auth)
        except httpx.HTTPError as exc:
            raise CibaError(UNAVAILABLE, f"{url}: {exc}") from None

    async def start(self, pin: str, binding_message: str) -> Started:
        """Ask VNeID to have customer ``pin`` approve on their phone (§7.1)."""
        metadata = await self._metadata()
        endpoint = metadata.get("backchannel_authentication_endpoint")
        if not isinstance(endpoint, str):
            raise CibaError(UNAVAILABLE, "The provider does not advertise CIBA.")
        response = await self._post(endpoint, self.request_parameters(pin, binding_message))
        body = _json(response)
        if response.status_code != 200:
            raise CibaError(str(body.get("error", UNAVAILABLE)), _description(body, response))
        try:
            return Started(
                str(body["auth_req_id"]),
                int(body["expires_in"]),
                int(body.get("interval", 5)),
                endpoint,
            )
        except (KeyError, TypeError, ValueError):
            raise CibaError(UNAVAILABLE, "The answer holds no auth_req_id.") from None

    def request_parameters(self, pin: str, binding_message: str) -> dict[str, str]:
        return {
            "scope": self.settings.counter_scope,
            "login_hint": pin,
            "binding_message": binding_message,
            "requested_expiry": str(self.settings.counter_request_expiry),
            "acr_values": COUNTER_LEVEL,
        }

    async def poll(self, auth_req_id: str) -> PollAnswer:
        """One token request (§10.1); a provider out of reach is ``temporarily_unavailable``."""
        metadata = await self._metadata()
        endpoint = str(metadata["token_endpoint"])
        data = {"grant_type": GRANT_TYPE, "auth_req_id": auth_req_id}
        try:
            response = await self._post(endpoint, data)
        except CibaError as exc:
            return PollAnswer(exc.error, {}, endpoint)
        body = _json(response)
        if response.status_code == 200 and "id_token" in body:
            return PollAnswer(None, body, endpoint)
        error = body.get("error") if response.status_code < 500 else UNAVAILABLE
        return PollAnswer(str(error or "invalid_token_response"), {}, endpoint)

    async def verified_claims(self, id_token: str) -> dict[str, Any]:
        """The ID token's claims once it proves a LoA4 authentication for this client."""
        metadata = await self._metadata()
        algorithms = list(metadata.get("id_token_signing_alg_values_supported", ["RS256"]))
        try:
            token = await self._decoded(id_token, algorithms)
            claims: dict[str, Any] = dict(token.claims)
            self._registry(str(metadata["issuer"])).validate(claims)
        except (JoseError, ValueError) as exc:
            raise CibaError("invalid_id_token", str(exc)) from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.counter_client_id:
            raise CibaError("invalid_id_token", "Several audiences and azp is not this client.")
        return claims

    async def _decoded(self, id_token: str, algorithms: list[str]) -> jwt.Token:
        try:
            return jwt.decode(id_token, await self._keys(), algorithms=algorithms)
        except JoseError:
            # An unknown kid may mean the provider rotated its keys: fetch them again once.
            return jwt.decode(id_token, await self._keys(force=True), algorithms=algorithms)

    async def _keys(self, force: bool = False) -> KeySet:
        try:
            jwks = await self.rp.provider_jwks(force=force)
        except LoginError as exc:
            raise CibaError(UNAVAILABLE, exc.description) from None
        return KeySet.import_key_set(jwks)  # type: ignore[arg-type]

    def _registry(self, issuer: str) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW,
            iss={"essential": True, "values": [issuer]},
            aud={"essential": True, "values": [self.settings.counter_client_id]},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            acr={"essential": True, "values": [COUNTER_LEVEL]},
        )

    async def userinfo(self, access_token: str) -> dict[str, Any]:
        """The customer's claims (Core §5.3); empty when the provider does not answer them."""
        metadata = await self._metadata()
        endpoint = metadata.get("userinfo_endpoint")
        if not isinstance(endpoint, str):
            return {}
        headers = {"Authorization": f"Bearer {access_token}"}
        try:
            async with httpx.AsyncClient(timeout=self.settings.http_timeout) as http:
                response = await http.get(endpoint, headers=headers)
        except httpx.HTTPError:
            return {}
        return _json(response) if response.status_code == 200 else {}


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _description(body: dict[str, Any], response: httpx.Response) -> str:
    return str(body.get("error_description") or f"HTTP {response.status_code}")
