"""The sign-in, step-up and logout flows of a relying party, on Authlib's Starlette client.

- Discovery (OpenID Connect Discovery 1.0) through ``server_metadata_url``; the authorization code flow
  (Core §3.1) with ``state``, ``nonce`` and PKCE S256 (RFC 7636), all generated and kept by Authlib in the
  server-side session; the ID token validated by Authlib (signature against the provider's JWKS, ``iss``,
  ``aud``, ``exp``, ``iat``, ``nonce``, ``at_hash``) and, here, the level asked for (``acr``) and, after
  ``max_age``, ``auth_time``; then userinfo (Core §5.3).
- Client authentication per registration: ``client_secret_basic``, ``private_key_jwt`` (RFC 7523, the app's
  own key, Authlib's :class:`PrivateKeyJWT`) or ``none`` (public client, PKCE only).
- Encrypted ID tokens are decrypted with the app's key before validation (:mod:`clients.rp.id_tokens`).
- The provider's pages follow the app's language: ``ui_locales`` (Core §3.1.2.1) is the browser's.
- Step-up: asking again with stronger ``acr_values`` and/or ``max_age`` (Core §3.1.2.1), same flow. A
  re-authentication of the same citizen sends the signed-in citizen's ID token as ``id_token_hint`` (and
  may send ``login_hint``): the provider answers ``login_required`` if another citizen logs in
  (Core §3.1.2.2), and the app refuses an ID token whose ``sub`` is not the one it asked for, before
  anything changes.
- The scopes the citizen granted are the token response's ``scope`` (RFC 6749 §5.1; the scopes asked for
  when it is absent): a citizen may untick a scope at consent.
- RP-Initiated Logout 1.0 (``id_token_hint``, ``post_logout_redirect_uri``, ``state``; the app may name
  a local page to go on to once the provider sends the browser back) and Back-Channel Logout 1.0
  (:mod:`clients.rp.backchannel`).

Every step is written to the flow inspector (:mod:`clients.rp.inspector`).
"""

import secrets
import time
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse

from clients.rp import id_tokens
from clients.rp import inspector
from clients.rp.backchannel import validate_logout_token
from clients.rp.keys import SIGNING_ALG
from clients.rp.keys import RPKeys
from clients.rp.language import language_of
from clients.rp.logins import Login
from clients.rp.logins import Logins
from clients.rp.sessions import SESSION_ID_SCOPE_KEY
from clients.rp.settings import RPSettings

FLOWS_KEY = "rp_flows"
GRANTED_SCOPE_KEY = "rp_granted_scope"
AFTER_LOGOUT_KEY = "rp_after_logout"
KEEP_PENDING = 5
ANOTHER_CITIZEN = "another_citizen"
"""The error of a re-authentication in which another citizen than the one asked for logged in."""
_ANOTHER = (
    "Another citizen authenticated than the one signed in to this app: refused, nothing changed."
)


class LoginError(Exception):
    """A sign-in or logout that did not end well: an OAuth error code and a description for the page."""

    def __init__(self, error: str, description: str, status_code: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status_code = status_code
        self.return_to: str | None = None
        """The app's own page for this flow's errors (``errors_to``), if it named one."""


class RelyingParty:
    """One app's client of the identity provider, built once by the app factory."""

    def __init__(self, settings: RPSettings, logins: Logins, keys: RPKeys | None) -> None:
        self.settings = settings
        self.logins = logins
        self.keys = keys
        client_kwargs: dict[str, Any] = {
            "scope": settings.scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": settings.token_endpoint_auth_method,
            "timeout": settings.http_timeout,
        }
        secret: Any = None
        auth_methods = None
        if settings.token_endpoint_auth_method == "private_key_jwt":
            if keys is None:
                raise ValueError("private_key_jwt needs keys_dir")
            secret = keys.signing_key
            header = {"kid": keys.signing_key.kid}
            auth_methods = [PrivateKeyJWT(alg=SIGNING_ALG, headers=header)]
        elif settings.token_endpoint_auth_method == "client_secret_basic":
            if settings.client_secret is None:
                raise ValueError("client_secret_basic needs client_secret")
            secret = settings.client_secret.get_secret_value()
        self.client = OAuth().register(
            name=settings.client_id,
            client_id=settings.client_id,
            client_secret=secret,
            server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
            client_kwargs=client_kwargs,
            client_auth_methods=auth_methods,
        )

    def current(self, request: Request) -> Login | None:
        """The citizen signed in to this browser session, if any."""
        return self.logins.current(request.scope[SESSION_ID_SCOPE_KEY])

    async def metadata(self) -> dict[str, Any]:
        return await discovered(self.client)

    async def provider_jwks(self, force: bool = False) -> dict[str, Any]:
        await self.metadata()
        try:
            jwks: dict[str, Any] = await self.client.fetch_jwk_set(force=force)
        except (httpx.HTTPError, ValueError) as exc:
            raise LoginError("temporarily_unavailable", f"VNeID JWKS: {exc}", 502) from None
        return jwks

    async def authorization_redirect(
        self,
        request: Request,
        *,
        return_to: str = "/",
        purpose: str = "sign_in",
        details: dict[str, int | str] | None = None,
        scope: str | None = None,
        acr_values: str | None = None,
        max_age: int | None = None,
        prompt: str | None = None,
        same_citizen: Login | None = None,
        login_hint: str | None = None,
        errors_to: str | None = None,
        reason: str | None = None,
    ) -> RedirectResponse:
        """Send the browser to the authorization endpoint (a sign-in, or a step-up with a stronger
        ``acr_values`` and/or ``max_age``); after the callback it comes back to ``return_to``.

        ``same_citizen``: only that citizen may authenticate (their ID token goes as
        ``id_token_hint``; another ``sub`` is refused). ``errors_to``: a local page the callback sends
        its errors to (as ``?error=<code>``) instead of the shared error page. ``purpose`` and
        ``details`` name the flow in the inspector (``inspector.purposes.<purpose>``). ``reason`` is
        what the provider shows the citizen as the reason for the request: the ``purpose`` parameter
        of OpenID Connect for Identity Assurance 1.0 §8 (3 to 300 characters). The provider's pages are
        asked for in the browser's language (``ui_locales``)."""
        await self.metadata()
        acr_values = acr_values or self.settings.acr_values
        scope = scope or self.settings.scope
        params: dict[str, Any] = {
            "scope": scope,
            "acr_values": acr_values,
            "ui_locales": language_of(request),
        }
        if max_age is not None:
            params["max_age"] = max_age
        if prompt is not None:
            params["prompt"] = prompt
        if same_citizen is not None:
            params["id_token_hint"] = same_citizen.id_token
        if login_hint:
            params["login_hint"] = login_hint
        if reason:
            params["purpose"] = reason[:300]
        created = await self.client.create_authorization_url(self.settings.redirect_uri, **params)
        await self.client.save_authorize_data(
            request, redirect_uri=self.settings.redirect_uri, **created
        )
        state = str(created["state"])
        flows: dict[str, Any] = request.session.setdefault(FLOWS_KEY, {})
        flows[state] = {
            "return_to": _local_path(return_to),
            "errors_to": _local_path(errors_to) if errors_to else None,
            "scope": scope,
            "acr_values": acr_values,
            "max_age": max_age,
            "sub": same_citizen.sub if same_citizen is not None else None,
            "started_at": time.time(),
        }
        for old in list(flows)[:-KEEP_PENDING]:
            del flows[old]
        inspector.start_flow(request.session, state, purpose, str(created["url"]), details)
        return RedirectResponse(str(created["url"]), status_code=302)

    async def complete(self, request: Request) -> str:
        """Handle the callback: redeem the code, validate the ID token, fetch userinfo, sign the
        citizen in; the local path to go back to. Raises :class:`LoginError` (with the flow's
        ``errors_to`` as its ``return_to``)."""
        params = dict(request.query_params)
        state = params.get("state", "")
        flow = request.session.get(FLOWS_KEY, {}).pop(state, None) if state else None
        state_data = await self.client.framework.get_state_data(request.session, state)
        if flow is None or not state_data:
            raise LoginError("invalid_state", "Unknown or already used 'state'.")
        await self.client.framework.clear_state_data(request.session, state)
        callback = {"parameters": inspector.shortened(params)}
        inspector.record(request.session, state, "callback", callback)
        try:
            await self._sign_in(request, state, params, state_data, flow)
        except LoginError as error:
            error.return_to = flow.get("errors_to")
            raise
        return str(flow["return_to"])

    async def _sign_in(
        self,
        request: Request,
        state: str,
        params: dict[str, str],
        state_data: dict[str, Any],
        flow: dict[str, Any],
    ) -> None:
        expected_sub = flow.get("sub")
        if "error" in params:
            if expected_sub is not None and params["error"] == "login_required":
                # Core §3.1.2.2: the provider's answer when another citizen than id_token_hint's
                # logged in.
                raise LoginError(ANOTHER_CITIZEN, f"VNeID: login_required. {_ANOTHER}", 403)
            raise LoginError(params["error"], params.get("error_description", ""))
        metadata = await self.metadata()
        if params.get("iss", metadata["issuer"]) != metadata["issuer"]:  # RFC 9207 §2.4
            raise LoginError("invalid_request", "The callback's 'iss' is not our provider.")
        if not params.get("code"):
            raise LoginError("invalid_request", "The callback carries no 'code'.")
        token = await self._redeem(request, state, params["code"], state_data)
        signed = await self._signed_id_token(request, state, token)
        claims = await self._validated_claims(token, signed, state_data, flow)
        if expected_sub is not None and claims["sub"] != expected_sub:
            # Whatever the provider did, the signed-in citizen stays who they were.
            raise LoginError(ANOTHER_CITIZEN, f"The ID token's sub differs. {_ANOTHER}", 403)
        try:
            userinfo = dict(await self.client.userinfo(token=token))
        except httpx.HTTPError as exc:
            raise LoginError("userinfo_failed", str(exc), 502) from None
        inspector.record(request.session, state, "userinfo", userinfo)
        sid = claims.get("sid")
        self.logins.replace(
            Login(
                session_id=request.scope[SESSION_ID_SCOPE_KEY],
                sid=sid if isinstance(sid, str) else None,
                sub=str(claims["sub"]),
                acr=str(claims.get("acr", "")),
                auth_time=int(claims.get("auth_time", 0)),
                account_level=int(claims.get("account_level", 0)),
                id_token=signed,
                access_token=str(token["access_token"]),
                claims=claims,
                userinfo=userinfo,
            )
        )
        granted = token.get("scope")
        request.session[GRANTED_SCOPE_KEY] = str(granted) if granted else str(flow["scope"])

    def granted_scopes(self, request: Request) -> frozenset[str]:
        """The scopes the signed-in citizen granted at their last sign-in or step-up."""
        granted = request.session.get(GRANTED_SCOPE_KEY)
        return frozenset(str(granted or self.settings.scope).split())

    async def _redeem(
        self, request: Request, state: str, code: str, state_data: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            token: dict[str, Any] = dict(
                await self.client.fetch_access_token(
                    redirect_uri=state_data["redirect_uri"],
                    code=code,
                    code_verifier=state_data["code_verifier"],
                )
            )
        except OAuthError as exc:
            raise LoginError(exc.error or "invalid_grant", exc.description or "") from None
        except httpx.HTTPError as exc:
            raise LoginError("temporarily_unavailable", f"token endpoint: {exc}", 502) from None
        metadata = await self.metadata()
        record = {
            "endpoint": metadata["token_endpoint"],
            "auth_method": self.settings.token_endpoint_auth_method,
            "response": inspector.shortened({k: v for k, v in token.items() if k != "expires_at"}),
        }
        inspector.record(request.session, state, "token_response", record)
        if "id_token" not in token:
            raise LoginError("invalid_token_response", "The token response has no ID token.")
        return token

    async def _signed_id_token(self, request: Request, state: str, token: dict[str, Any]) -> str:
        """The ID token as a JWS (decrypted with the app's key when it came as a JWE), described in
        the inspector."""
        raw = str(token["id_token"])
        jwe_header: dict[str, Any] = {}
        if id_tokens.is_encrypted(raw):
            if self.keys is None:
                raise LoginError(
                    "invalid_id_token", "An encrypted ID token, but the app has no key."
                )
            try:
                raw, jwe_header = id_tokens.decrypt(raw, self.keys.key_set)
            except (JoseError, ValueError) as exc:
                raise LoginError("invalid_id_token", f"Could not decrypt: {exc}") from None
        metadata = await self.metadata()
        algorithms = list(metadata.get("id_token_signing_alg_values_supported", ["RS256"]))
        described = id_tokens.describe(raw, await self.provider_jwks(), algorithms)
        inspector.record(
            request.session, state, "id_token", {**described, "jwe_header": jwe_header}
        )
        return raw

    async def _validated_claims(
        self, token: dict[str, Any], signed: str, state_data: dict[str, Any], flow: dict[str, Any]
    ) -> dict[str, Any]:
        metadata = await self.metadata()
        options = {
            "iss": {"essential": True, "values": [metadata["issuer"]]},
            "acr": {"essential": True, "values": id_tokens.acceptable_levels(flow["acr_values"])},
        }
        try:
            claims: dict[str, Any] = dict(
                await self.client.parse_id_token(
                    {**token, "id_token": signed},
                    nonce=state_data["nonce"],
                    claims_options=options,
                    leeway=id_tokens.CLOCK_SKEW,
                )
            )
            id_tokens.check_step_up(claims, flow["acr_values"], flow["max_age"], flow["started_at"])
        except (JoseError, ValueError) as exc:
            raise LoginError("invalid_id_token", str(exc)) from None
        except id_tokens.StepUpError as exc:
            raise LoginError("insufficient_authentication", str(exc), 403) from None
        return claims

    async def logout_redirect(self, request: Request, then: str | None = None) -> RedirectResponse:
        """End the local login and send the browser to the provider's ``end_session_endpoint``; once
        the provider sends it back to ``/logged-out``, it goes on to the local page ``then`` (if
        given)."""
        login = self.current(request)
        self.logins.end(request.scope[SESSION_ID_SCOPE_KEY])
        request.session.pop(GRANTED_SCOPE_KEY, None)
        await self.metadata()
        if login is None:
            return RedirectResponse(_local_path(then or "/"), status_code=303)
        state = secrets.token_urlsafe(20)
        response: RedirectResponse = await self.client.logout_redirect(
            request,
            post_logout_redirect_uri=self.settings.post_logout_redirect_uri,
            id_token_hint=login.id_token,
            client_id=self.settings.client_id,
            state=state,
        )
        if then is not None:
            after: dict[str, str] = request.session.setdefault(AFTER_LOGOUT_KEY, {})
            after[state] = _local_path(then)
            for old in list(after)[:-KEEP_PENDING]:
                del after[old]
        inspector.record_logout(request.session, str(response.headers["location"]))
        return response

    async def finish_logout(self, request: Request) -> str | None:
        """The provider came back after logout: the ``state`` must be one we sent. The local page to
        go on to, if the logout named one."""
        try:
            await self.client.validate_logout_response(request)
        except OAuthError as exc:
            raise LoginError("invalid_state", exc.description or "Invalid 'state'.") from None
        after: dict[str, str] = request.session.get(AFTER_LOGOUT_KEY, {})
        return after.pop(request.query_params.get("state", ""), None)

    async def backchannel_logout(self, logout_token: str) -> int:
        """Validate a logout token and end the logins it names; how many ended."""
        metadata = await self.metadata()
        algorithms = list(metadata.get("id_token_signing_alg_values_supported", ["RS256"]))
        issuer, client_id = metadata["issuer"], self.settings.client_id
        jwks = await self.provider_jwks()
        try:
            claims = validate_logout_token(logout_token, jwks, issuer, client_id, algorithms)
        except ValueError as first:
            if "signature" not in str(first):
                raise
            # An unknown kid may mean the provider rotated its keys: fetch them again once.
            jwks = await self.provider_jwks(force=True)
            claims = validate_logout_token(logout_token, jwks, issuer, client_id, algorithms)
        sid, sub = claims.get("sid"), claims.get("sub")
        return self.logins.end_by(
            sid if isinstance(sid, str) else None, sub if isinstance(sub, str) else None
        )


def _local_path(path: str) -> str:
    """Only a path on this app (never ``//host`` or a scheme): no open redirect after sign-in."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


async def discovered(client: Any) -> dict[str, Any]:
    """The provider's discovery document, as an Authlib client loaded it (once); an unreachable
    provider is a :class:`LoginError` (502)."""
    try:
        metadata: dict[str, Any] = await client.load_server_metadata()
    except (httpx.HTTPError, ValueError) as exc:
        raise LoginError("temporarily_unavailable", f"VNeID discovery: {exc}", 502) from None
    return metadata
