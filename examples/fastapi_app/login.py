"""The login with VNeID: the authorization request (state, nonce, PKCE S256, the level of assurance
asked in ``acr_values``) and the callback (the code redeemed with Authlib's OAuth 2.0 client, the ID
token checked, userinfo read and matched with it).

Every failure becomes a :class:`LoginFailedError` with a status and a short message. Nothing is
retried: a code is redeemed once, and a provider that fails or answers late gets an error page.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from .checks import TokenRejectedError
from .checks import header_kid
from .checks import verify_id_token
from .errors import LoginFailedError
from .provider import Provider
from .provider import json_object
from .store import Citizen
from .store import PendingLogin

LOG = logging.getLogger(__name__)
SCOPE = "openid profile"
REFUSED = {
    "access_denied": (403, "VNeID refused the login."),
    "unmet_authentication_requirements": (
        403,
        "Your VNeID account cannot log in at the level this service needs.",
    ),
    "login_required": (401, "You are not logged in at VNeID."),
    "consent_required": (403, "You did not agree to share your data with this service."),
    "interaction_required": (401, "VNeID needs you to log in on its pages."),
    "temporarily_unavailable": (503, "VNeID is unavailable; please try again later."),
    "server_error": (502, "VNeID failed; please try again later."),
}
"""The provider's authorization errors (RFC 6749 §4.1.2.1, Core §3.1.2.6): status and message."""


@dataclass(frozen=True)
class Registration:
    """This application's client at the provider."""

    client_id: str
    client_secret: str
    redirect_uri: str


class Login:
    """Starts and finishes logins for one registered client of ``provider``."""

    def __init__(self, provider: Provider, registration: Registration) -> None:
        self.provider = provider
        self.registration = registration

    def _client(self) -> Any:
        registration = self.registration
        return AsyncOAuth2Client(
            registration.client_id,
            registration.client_secret,
            token_endpoint_auth_method="client_secret_basic",
            scope=SCOPE,
            redirect_uri=registration.redirect_uri,
            code_challenge_method="S256",
            timeout=self.provider.timeout,
        )

    async def authorization_url(self, login: PendingLogin) -> str:
        """Where to send the browser for ``login``."""
        endpoint = await self.provider.endpoint("authorization_endpoint")
        async with self._client() as oauth:
            url, _ = oauth.create_authorization_url(
                endpoint,
                state=login.state,
                code_verifier=login.verifier,
                nonce=login.nonce,
                acr_values=login.acr,
            )
        return str(url)

    async def finish(self, login: PendingLogin, answer: Mapping[str, str]) -> Citizen:
        """The citizen the provider's ``answer`` at the callback logs in, once every check passes."""
        if answer.get("state") != login.state:
            raise LoginFailedError(400, "This login was not started here, or has expired.")
        if "iss" in answer and answer["iss"] != self.provider.issuer:
            raise LoginFailedError(400, "The answer comes from another provider.")
        if error := answer.get("error"):
            status, message = REFUSED.get(error, (403, "VNeID refused the login."))
            raise LoginFailedError(status, f"{message} ({error})")
        code = answer.get("code")
        if not code:
            raise LoginFailedError(400, "The provider sent neither a code nor an error.")
        async with self._client() as oauth:
            oauth.register_compliance_hook("access_token_response", _token_failure)
            token = await _call(
                oauth.fetch_token(
                    await self.provider.endpoint("token_endpoint"),
                    code=code,
                    code_verifier=login.verifier,
                )
            )
            claims = await self._id_token(token, login)
            response = await _call(oauth.get(await self.provider.endpoint("userinfo_endpoint")))
        return _citizen(claims, _userinfo(response))

    async def _id_token(self, token: dict[str, Any], login: PendingLogin) -> dict[str, Any]:
        id_token, access_token = token.get("id_token"), token.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise LoginFailedError(502, "VNeID sent no ID token.")
        try:
            keys = await self.provider.keys_for(header_kid(id_token))
            return verify_id_token(
                id_token,
                keys,
                issuer=self.provider.issuer,
                client_id=self.registration.client_id,
                nonce=login.nonce,
                acr=login.acr,
                access_token=access_token,
            )
        except TokenRejectedError as error:
            LOG.warning("ID token refused: %s", error)
            raise LoginFailedError(502, f"VNeID's answer failed a check ({error.check}).") from None


async def _call(pending: Any) -> Any:
    """Await a call to the provider, its transport failures made into error pages."""
    try:
        return await pending
    except httpx2.TimeoutException:
        raise LoginFailedError(504, "VNeID did not answer in time; please try again.") from None
    except httpx2.HTTPError:
        raise LoginFailedError(502, "VNeID cannot be reached; please try again.") from None
    except OAuthError as error:
        raise LoginFailedError(502, f"VNeID answered with an error ({error.error}).") from None


def _token_failure(response: httpx2.Response) -> httpx2.Response:
    """Authlib's compliance hook on the token response: anything but 200 ends the login, 429 and
    503 with the provider's ``Retry-After``."""
    if response.status_code == 200:
        return response
    retry_after = response.headers.get("retry-after")
    headers = {"Retry-After": retry_after} if retry_after else {}
    if response.status_code in (429, 503):
        raise LoginFailedError(503, "VNeID is busy; please try again later.", headers)
    if response.status_code >= 500:
        raise LoginFailedError(502, "VNeID failed to finish the login; please try again.")
    raise LoginFailedError(400, "VNeID did not accept this login's code; please log in again.")


def _userinfo(response: httpx2.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise LoginFailedError(502, "VNeID did not give the citizen's details; please try again.")
    return json_object(response, "VNeID sent details this service cannot read.")


def _citizen(claims: dict[str, Any], userinfo: dict[str, Any]) -> Citizen:
    """Core §5.3.2: userinfo must be about the ID token's subject."""
    if userinfo.get("sub") != claims["sub"]:
        raise LoginFailedError(502, "VNeID's answer failed a check (sub).")
    name = userinfo.get("name")
    amr = claims.get("amr")
    return Citizen(
        sub=str(claims["sub"]),
        name=name if isinstance(name, str) else None,
        acr=str(claims["acr"]),  # present: checked against the level asked
        amr=tuple(str(method) for method in amr) if isinstance(amr, list) else (),
    )
