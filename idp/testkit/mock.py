"""The test kit's handle on a running vneid-mock (bộ công cụ kiểm thử): what the pytest fixtures
return, and what a test in any process can build with the provider's address and sandbox token (a
container, a shared server).

Everything goes over HTTP, as an application's own requests do: clients are registered at ``/register``
(RFC 7591), :meth:`VneidMock.login` runs the authorization-code flow with PKCE (RFC 7636, S256) and
finishes it headlessly (the sandbox token in ``Authorization``, the citizen in ``login_hint``), then
redeems the code, checks the ID token as a relying party must (:mod:`idp.testkit.tokens`) and reads
userinfo. The clock, scenarios, recorded requests, citizens, cards, minted tokens, keys and reset are
the sandbox's control API (``/sandbox/``); a card reader is the provider's card reader API
(``/api/card-reader/``, :mod:`idp.testkit.card_reader`).
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import KeySet

from idp.testkit.card_reader import CardReader
from idp.testkit.citizens import Citizens
from idp.testkit.clients import DEFAULT_REDIRECT_URI
from idp.testkit.clients import Client
from idp.testkit.flow import Flow
from idp.testkit.flow import kid_of
from idp.testkit.phone import Phone
from idp.testkit.provider_clock import ClockView
from idp.testkit.provider_clock import ProviderClock
from idp.testkit.tokens import AuthorizationError
from idp.testkit.tokens import Expected
from idp.testkit.tokens import TokenError
from idp.testkit.tokens import Tokens
from idp.testkit.tokens import check_same_subject
from idp.testkit.tokens import verify_id_token

__all__ = ["CardReader", "Client", "VneidMock"]


@dataclass
class _Discovered:
    metadata: dict[str, Any] = field(default_factory=dict)
    keys: KeySet | None = None


class VneidMock:
    """A running vneid-mock, driven over HTTP with its sandbox token."""

    def __init__(self, issuer: str, sandbox_token: str, http: httpx.Client | None = None) -> None:
        self.issuer = issuer.rstrip("/")
        self._token = sandbox_token
        self._http = http or httpx.Client(timeout=30)
        self._clock = ClockView()
        self._discovered = _Discovered()
        self.clock = ProviderClock(self._call, self._clock)
        self.citizens = Citizens(self._call, self.clock)

    # The provider's documents

    @property
    def metadata(self) -> dict[str, Any]:
        """The discovery document."""
        if not self._discovered.metadata:
            url = f"{self.issuer}/.well-known/openid-configuration"
            self._discovered.metadata = self._http.get(url).raise_for_status().json()
        return self._discovered.metadata

    def keys(self, refresh: bool = False) -> KeySet:
        """The provider's JWKS (fetched again when ``refresh``)."""
        if self._discovered.keys is None or refresh:
            document = self._http.get(self.metadata["jwks_uri"]).raise_for_status().json()
            self._discovered.keys = KeySet.import_key_set(document)
        return self._discovered.keys

    # Clients

    def register_client(self, **metadata: Any) -> Client:
        """A new client (RFC 7591), ``client_secret_basic`` with every supported scope unless told otherwise;
        ``token_endpoint_auth_method="private_key_jwt"`` gets a fresh P-256 key registered. Without
        ``authorization_code`` in ``grant_types`` (a device client, RFC 8628; a back-channel client,
        CIBA) no redirect URI is registered unless given (``redirect_uri`` is then empty)."""
        private_key = None
        document: dict[str, Any] = {
            "scope": " ".join(self.metadata["scopes_supported"]),
            "grant_types": ["authorization_code", "refresh_token"],
            **metadata,
        }
        if "authorization_code" in document["grant_types"]:
            document.setdefault("redirect_uris", [DEFAULT_REDIRECT_URI])
        if document.get("token_endpoint_auth_method") == "private_key_jwt" and not (
            "jwks" in document or "jwks_uri" in document
        ):
            key = ECKey.generate_key("P-256", parameters={"use": "sig"}, auto_kid=True)
            private_key = key.as_dict(private=True)
            document["jwks"] = {"keys": [key.as_dict(private=False)]}
        registered = self._call("POST", "/register", document)
        return Client(
            registered["client_id"],
            (registered.get("redirect_uris") or [""])[0],
            registered,
            registered.get("client_secret"),
            private_key,
        )

    # Login

    def authorization_url(self, client: Client, params: dict[str, str]) -> str:
        request = httpx.Request("GET", self.metadata["authorization_endpoint"], params=params)
        return str(request.url)

    def login(
        self,
        persona: str,
        *,
        client: Client,
        scope: str = "openid",
        acr: str | None = "LoA2",
        verify: bool = True,
        **params: str,
    ) -> Tokens:
        """The authorization-code flow for ``persona`` (a persona key or a PIN), finished headlessly;
        :class:`AuthorizationError` when the provider answers with an error. ``redirect_uri`` among
        ``params`` replaces the client's first registered one, for the authorization request and the
        code's redemption alike (a native client's loopback redirect on the port its app was given,
        RFC 8252 §7.3)."""
        flow = Flow.start(client, scope, acr, params)
        response = self._http.get(
            self.metadata["authorization_endpoint"],
            params={**flow.params, "login_hint": persona},
            headers={"Authorization": f"Bearer {self._token}"},
        )
        self._http.cookies.clear()  # the session cookie of a login no test's browser holds
        code = self._code(response, flow.state)
        return self.redeem(code, client=client, flow=flow, verify=verify)

    def qr_login(
        self,
        phone: Phone,
        *,
        client: Client,
        scope: str = "openid",
        acr: str | None = "LoA4",
        decide: Callable[[Phone, dict[str, Any]], str] | None = None,
        verify: bool = True,
        **params: str,
    ) -> Tokens:
        """QR login as a browser and a phone do it: the login page's QR code is scanned by
        ``phone``, approved (or ``decide(phone, request)``: refuse, a wrong passcode…), and the
        browser's page then answers; :class:`AuthorizationError` when it answers with an error."""
        flow = Flow.start(client, scope, acr, params)
        self._http.cookies.clear()
        page = self._http.get(self.metadata["authorization_endpoint"], params=flow.params)
        link, interaction = _qr_link(page.text), _interaction_path(page.text)
        if link is None or interaction is None:
            raise AuthorizationError("no_login_page", f"the provider answered {page.status_code}")
        request = phone.scan(link)
        (decide or (lambda p, r: p.approve(r)))(phone, request)
        response = self._http.get(f"{self.issuer}{interaction}")
        self._http.cookies.clear()
        code = self._code(response, flow.state)
        return self.redeem(code, client=client, flow=flow, verify=verify)

    def complete(self, authorization_url: str, persona: str) -> str:
        """Finish an authorization request an application made (its whole URL) for ``persona``,
        headlessly; the URL the provider sends the browser back to (the application's
        ``redirect_uri`` with the code, or the error)."""
        url = httpx.URL(authorization_url).copy_add_param("login_hint", persona)
        response = self._http.get(url, headers={"Authorization": f"Bearer {self._token}"})
        location = response.headers.get("location")
        if response.status_code not in (302, 303) or not location:
            raise AuthorizationError(
                "no_redirect", f"the provider answered {response.status_code} without redirecting"
            )
        return str(location)

    def _code(self, response: httpx.Response, state: str) -> str:
        location = response.headers.get("location")
        if response.status_code not in (302, 303) or not location:
            raise AuthorizationError(
                "no_redirect", f"the provider answered {response.status_code} without redirecting"
            )
        answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        if answer.get("state") != state:
            raise AuthorizationError("invalid_state", "the state came back changed")
        if "error" in answer:
            raise AuthorizationError(answer["error"], answer.get("error_description"))
        return str(answer["code"])

    def redeem(self, code: str, *, client: Client, flow: "Flow", verify: bool = True) -> Tokens:
        """The code redeemed, the ID token checked (unless ``verify`` is False), userinfo read."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            # The very redirect_uri of the authorization request (RFC 6749 §4.1.3), which need not be
            # the registered string: a native client's loopback port changes from run to run.
            "redirect_uri": flow.params["redirect_uri"],
            "code_verifier": flow.verifier,
        }
        token = self._token_request(client, form)
        tokens = Tokens(token)
        if not tokens.id_token:
            return tokens
        claims = self._id_token_claims(tokens, client, flow, verify)
        info = self.userinfo(tokens.access_token)
        if verify:
            check_same_subject(claims, info)
        return Tokens(token, claims, info)

    def _id_token_claims(
        self, tokens: Tokens, client: Client, flow: "Flow", verify: bool
    ) -> dict[str, Any]:
        assert tokens.id_token is not None
        if not verify:
            return dict(jwt.decode(tokens.id_token, self.keys()).claims)
        expected = Expected(
            self.issuer, client.client_id, flow.nonce, flow.acr, int(self._clock.now())
        )
        keys = self.keys()
        header_kid = kid_of(tokens.id_token)
        if header_kid and not any(key.kid == header_kid for key in keys.keys):
            keys = self.keys(refresh=True)  # a rotation: fetch the JWKS once more
        return verify_id_token(tokens.id_token, keys, expected, tokens.access_token)

    def _token_request(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        url = self.metadata["token_endpoint"]
        auth: tuple[str | bytes, str | bytes] | None = None
        if client.auth_method == "client_secret_basic":
            auth = (client.client_id, client.client_secret or "")
        elif client.auth_method == "client_secret_post":
            form = {
                **form,
                "client_id": client.client_id,
                "client_secret": client.client_secret or "",
            }
        elif client.auth_method == "private_key_jwt":
            form = {**form, **self._assertion(client, url)}
        else:
            form = {**form, "client_id": client.client_id}
        response = self._http.post(url, data=form, auth=auth or httpx.USE_CLIENT_DEFAULT)
        if response.status_code != 200:
            raise TokenError(
                response.status_code, _json(response), response.headers.get("retry-after")
            )
        body: dict[str, Any] = response.json()
        return body

    def _assertion(self, client: Client, audience: str) -> dict[str, str]:
        """RFC 7523 §2.2 client authentication with the client's private key."""
        assert client.private_key is not None, "register the client's key as private_key"
        key = ECKey.import_key(client.private_key)
        now = int(self._clock.now())
        claims = {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": audience,
            "jti": secrets.token_urlsafe(16),
            "iat": now,
            "exp": now + 60,
        }
        assertion = jwt.encode({"alg": "ES256", "kid": str(key.kid)}, claims, key)
        return {
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        }

    def userinfo(self, access_token: str) -> dict[str, Any]:
        response = self._http.get(
            self.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
        )
        if response.status_code != 200:
            raise TokenError(response.status_code, _json(response))
        if response.headers.get("content-type", "").startswith("application/jwt"):
            return dict(jwt.decode(response.text, self.keys()).claims)
        body: dict[str, Any] = response.json()
        return body

    def browser_login(
        self,
        page: Any,
        persona: str,
        *,
        client: Client,
        scope: str = "openid",
        acr: str | None = "LoA2",
        **params: str,
    ) -> Tokens:
        """The same login through the real pages, filled in a Playwright ``page``."""
        from idp.testkit.browser import fill_login  # Playwright only for tests that use a browser

        flow = Flow.start(client, scope, acr, params)
        url = self.authorization_url(client, flow.params)
        location = fill_login(page, url, persona, flow.params["redirect_uri"], self.issuer)
        response = httpx.Response(303, headers={"location": location})
        return self.redeem(self._code(response, flow.state), client=client, flow=flow)

    # Tokens

    def mint(
        self,
        claims: dict[str, Any] | None = None,
        *,
        kind: str = "access_token",
        client: Client | str | None = None,
        persona: str | None = None,
        expires_in: int = 600,
        alg: str = "RS256",
        kid: str | None = None,
    ) -> str:
        """A ``kind`` token signed with the provider's keys (``persona``: its ``sub``)."""
        client_id = client.client_id if isinstance(client, Client) else client
        body = {
            "kind": kind,
            "claims": claims or {},
            "client_id": client_id,
            "persona": persona,
            "expires_in": expires_in,
            "alg": alg,
            "kid": kid,
        }
        return str(self._call("POST", "/sandbox/tokens", body)["token"])

    # Scenarios, requests, keys, reset

    def scenario(
        self,
        name: str,
        *,
        client: Client | str | None = None,
        persona: str | None = None,
        times: int = 1,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """Queue catalogue entry ``name`` for the next ``times`` matching requests."""
        client_id = client.client_id if isinstance(client, Client) else client
        body = {
            "name": name,
            "client_id": client_id,
            "persona": persona,
            "times": times,
            "seconds": seconds,
        }
        queued: dict[str, Any] = self._call("POST", "/sandbox/scenarios", body)
        return queued

    def catalogue(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/sandbox/scenarios")["catalogue"])

    @property
    def requests(self) -> list[dict[str, Any]]:
        """What the provider received, oldest first."""
        return list(self._call("GET", "/sandbox/requests")["requests"])

    def requests_to(
        self, endpoint: str, client: Client | str | None = None
    ) -> list[dict[str, Any]]:
        client_id = client.client_id if isinstance(client, Client) else client
        query = {"endpoint": endpoint, **({"client_id": client_id} if client_id else {})}
        return list(self._call("GET", "/sandbox/requests", params=query)["requests"])

    def events(
        self,
        who: str | None = None,
        client: Client | str | None = None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        """The Shared Signals events the provider owes or sent, newest first: of ``who`` (a persona
        key or a PIN), to ``client``, in ``status`` (``pending``, ``delivered``, ``failed``)."""
        client_id = client.client_id if isinstance(client, Client) else client
        given = {"who": who, "client_id": client_id, "status": status}
        query = {name: value for name, value in given.items() if value is not None}
        return list(self._call("GET", "/sandbox/events", params=query)["events"])

    def deliver_events(self) -> int:
        """Push every pending Shared Signals event now; how many were delivered."""
        delivered: int = self._call("POST", "/sandbox/events/deliver")["delivered"]
        return delivered

    def phone(self, who: str, activated: bool = True) -> Phone:
        """A scripted phone app for ``who`` (a persona key or a PIN), activated with its own key
        unless ``activated`` is False (a second, unbound device)."""
        return Phone(self._call, who, activated)

    def card(self, who: str) -> dict[str, Any]:
        """The chip of ``who``'s identity card (a persona key or a PIN): every file in base64, the
        MRZ, the access key, the printed QR string and the country signing CA (``/sandbox/cards``)."""
        found: dict[str, Any] = self._call("GET", f"/sandbox/cards/{who}")
        return found

    def card_reader(self, label: str | None = None, *, reader_id: str | None = None) -> CardReader:
        """A new simulated card reader (``label``: shown on its page), driven over the provider's
        card reader API as a kiosk's software drives it; ``tap(who)`` puts a card on it. With
        ``reader_id``: the reader an app under test opened (the id at the end of its ``reader_url``),
        to tap a card on it."""
        if reader_id is not None:
            return CardReader.attach(self._http, self.issuer, self.card, reader_id)
        return CardReader.open(self._http, self.issuer, self.card, label)

    def rotate_keys(self) -> list[str]:
        """New signing keys at once (the old stay published); their ids."""
        return list(self._call("POST", "/sandbox/keys/rotate")["kids"])

    def reset(self, everything: bool = False) -> None:
        """Undo what the test changed; ``everything``: a provider as new."""
        self._call("POST", "/sandbox/reset", {"everything": everything})
        self._clock.forget()
        self._discovered.keys = None

    def close(self) -> None:
        self._http.close()

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        response = self._http.request(
            method,
            f"{self.issuer}{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {self._token}"},
        )
        if response.status_code >= 400:
            raise TokenError(response.status_code, _json(response))
        return response.json() if response.content else None


def _qr_link(html: str) -> str | None:
    """The link a login page's QR code carries."""
    found = re.search(r'id="qr-link" value="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _interaction_path(html: str) -> str | None:
    """The interaction a login page belongs to (``/interaction/{uid}``)."""
    found = re.search(r'action="(/interaction/[^/"]+)/', html)
    return found.group(1) if found else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"error": f"http_{response.status_code}"}
    return body if isinstance(body, dict) else {"error": f"http_{response.status_code}"}
