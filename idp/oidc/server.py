"""The FastAPI adapter of Authlib's ``AuthorizationServer`` and the server's wiring.

Modelled on ``authlib.integrations.flask_oauth2.AuthorizationServer``: requests arrive already read (see
:mod:`idp.oidc.requests`), responses leave as Starlette responses. RFC 9207: every redirecting
authorization response (success or error) carries ``iss``; ``form_post`` responses add it in the grant.
The server owns the provider's clock (``clock``, :class:`idp.state.clock.Clock`) and hands it to
everything it builds that tells the time; the rest reads ``server.clock``.
"""

import re
from typing import Any
from urllib.parse import urlencode

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import AuthorizationServer as _AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749 import UnsupportedGrantTypeError
from authlib.oauth2.rfc6749 import UnsupportedResponseTypeError
from authlib.oidc.core.grants.util import is_openid_scope
from sqlalchemy import Engine

from idp.oidc.answer import Answer
from idp.oidc.answer import from_authlib
from idp.oidc.backchannel import HttpLogoutSender
from idp.oidc.backchannel import LogoutSender
from idp.oidc.biometric_share import ShareInitEndpoint
from idp.oidc.biometric_share import ShareTransactionEndpoint
from idp.oidc.ciba import BackchannelAuthenticationEndpoint
from idp.oidc.ciba import CibaGrant
from idp.oidc.claims_request import ClaimsParameter
from idp.oidc.client_auth import PrivateKeyJWTAuthentication
from idp.oidc.client_keys import ClientKeys
from idp.oidc.clients import Client
from idp.oidc.clients import load_clients
from idp.oidc.device_flow import DeviceAuthorizationEndpoint
from idp.oidc.device_flow import DeviceCodeGrant
from idp.oidc.disclosure import audit_disclosure
from idp.oidc.disclosure import id_token_claims
from idp.oidc.error_text import describable
from idp.oidc.grants import AuthorizationCodeGrant
from idp.oidc.grants import ClientCredentialsGrant
from idp.oidc.grants import IDToken
from idp.oidc.grants import RefreshTokenGrant
from idp.oidc.grants import S256CodeChallenge
from idp.oidc.injection import Injections
from idp.oidc.interaction import Interactions
from idp.oidc.introspection import IntrospectionEndpoint
from idp.oidc.issued_tokens import IssuedAccessTokens
from idp.oidc.keys import KeyRing
from idp.oidc.logout import EndSessionEndpoint
from idp.oidc.logout import replace_session
from idp.oidc.models import AuthorizationCode
from idp.oidc.models import EndUser
from idp.oidc.presented_client import check_body_client_id
from idp.oidc.presented_client import check_single_method
from idp.oidc.registered_clients import RegisteredClients
from idp.oidc.registration import RegistrationEndpoint
from idp.oidc.revocation import RevocationEndpoint
from idp.oidc.service_scopes import refuse_service_scopes
from idp.oidc.session import SessionStore
from idp.oidc.shared_signals.delivery import Delivery
from idp.oidc.shared_signals.delivery import HttpSetSender
from idp.oidc.shared_signals.emitter import CitizenSignals
from idp.oidc.token_stores import Grants
from idp.oidc.token_stores import ReplayCache
from idp.oidc.token_stores import RevokedAccessTokens
from idp.oidc.token_stores import SingleUse
from idp.oidc.tokens import AccessTokenGenerator
from idp.oidc.tokens import save_token
from idp.population_db.credentials import SecretVerifier
from idp.settings import IdPSettings
from idp.state.clock import Clock
from idp.state.consents import covers
from idp.state.grant_index import index_grant
from idp.state.store import StateStore

_ISS_PARAMETER = re.compile(r"[?&]iss=")


def with_issuer(location: str, issuer: str) -> str:
    """A redirect's ``Location`` with RFC 9207's ``iss`` added, unless it already has that
    parameter. Appended to the query Authlib has just built, rather than parsed and encoded again
    (that was a tenth of a consent answer's cost)."""
    if _ISS_PARAMETER.search(location.partition("#")[0]):
        return location
    if "#" in location:
        return str(add_params_to_uri(location, [("iss", issuer)]))
    separator = "&" if "?" in location else "?"
    return f"{location}{separator}{urlencode([('iss', issuer)])}"


class AuthorizationServer(_AuthorizationServer):  # type: ignore[misc]
    """Authlib's server with our clients, store and keys."""

    def __init__(
        self,
        settings: IdPSettings,
        engine: Engine,
        store: StateStore,
        keys: KeyRing,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(scopes_supported=None)
        self.settings = settings
        self.engine = engine
        self.store = store
        self.keys = keys
        self.clock = clock or Clock()
        self.injections: Injections | None = None
        """The sandbox's injected outcomes (:mod:`idp.oidc.injection`); None unless the sandbox API is on."""
        self.sessions = SessionStore(store, settings.session_ttl)
        self.grants = Grants(store)
        self.codes = SingleUse.codes(store, self.grants)
        self.refresh_tokens = SingleUse.refresh_tokens(store, self.grants)
        self.nonces = ReplayCache.nonces(store)
        self.revoked_access_tokens = RevokedAccessTokens(store, self.clock)
        self.interactions = Interactions(
            store,
            self.sessions,
            settings.interaction_ttl,
            engine,
            lambda previous, session: replace_session(self, previous, session),
            self.clock,
            settings.qr_ttl,
        )
        self.secret_verifier = SecretVerifier()
        self.clients = load_clients(settings.clients_file, self.secret_verifier)
        self.registered_clients = RegisteredClients(engine, self.secret_verifier)
        self.issued_access_tokens = IssuedAccessTokens()
        self.register_token_generator(
            "default",
            AccessTokenGenerator(
                settings.issuer,
                keys,
                settings.access_token_ttl,
                self.issued_access_tokens,
                settings.access_token_alg,
                self.clock,
            ),
        )
        self.client_keys = ClientKeys()
        self.register_client_auth_method(
            "private_key_jwt",
            PrivateKeyJWTAuthentication(
                settings.issuer, ReplayCache.assertion_ids(store), self.client_keys, self.clock
            ),
        )
        self.register_grant(
            AuthorizationCodeGrant, [S256CodeChallenge(), IDToken(self), ClaimsParameter()]
        )
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_grant(CibaGrant, [IDToken(self)])  # CIBA Core §10-11 (idp.oidc.ciba)
        self.register_grant(DeviceCodeGrant, [IDToken(self)])
        self.register_endpoint(RevocationEndpoint)
        self.register_endpoint(IntrospectionEndpoint)
        self.register_endpoint(EndSessionEndpoint)
        self.register_endpoint(RegistrationEndpoint(self))
        self.register_endpoint(BackchannelAuthenticationEndpoint)
        self.register_endpoint(ShareInitEndpoint)  # the banks' app-to-app sharing
        self.register_endpoint(ShareTransactionEndpoint)
        self.register_endpoint(DeviceAuthorizationEndpoint)
        self.logout_sender: LogoutSender = HttpLogoutSender(settings.backchannel_logout_timeout)
        """Delivers Back-Channel Logout tokens (an embedder or a test may give another)."""
        self.signals = CitizenSignals(self)
        """The Shared Signals events of citizens' changes (:mod:`idp.oidc.shared_signals`)."""
        self.delivery = Delivery(self, HttpSetSender(settings.ssf_push_timeout))

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id) or self.registered_clients.get(client_id)

    def authenticate_client(
        self, request: OAuth2Request, methods: list[str], endpoint: str = "token"
    ) -> Client:
        """Authlib's client authentication, for a client that presents itself one way only and does
        not name another (:mod:`idp.oidc.presented_client`)."""
        check_single_method(request.headers, request.form)
        client: Client = super().authenticate_client(request, methods, endpoint)
        check_body_client_id(request.form, client.client_id)
        return client

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        ttl = self.settings.refresh_token_ttl
        stores = (self.grants, self.refresh_tokens)
        client_id = request.client.client_id
        if not save_token(stores, token, client_id, request.user, ttl, now=self.clock.now()):
            raise InvalidGrantError("The grant was revoked.")
        code: AuthorizationCode | None = getattr(request, "authorization_code", None)
        if code is not None and request.user is not None:
            self._record_grant(code, request.user, request.client.client_id)
            self._check_consent(request.user, request.client.client_id, code.get_scope())
        user: EndUser | None = request.user
        if user is not None and user.sid:
            self.sessions.remember_client(user.sid, request.client.client_id, user.sub)

    def _record_grant(self, code: AuthorizationCode, user: EndUser, client_id: str) -> None:
        """The code's grant-index row and, when an ID token follows (the ``process_token`` hook runs
        after this), its disclosure row: one transaction, committed before the token leaves."""
        scope = code.get_scope()
        if is_openid_scope(scope):
            claims = code.data.get("claims")
            code.disclosed = id_token_claims(self, client_id, user, scope, claims)
        now = self.clock.now()
        with self.engine.begin() as connection:
            index_grant(connection, user.grant_id, user.pin, client_id, user.sid, user.sub, at=now)
            if code.disclosed is not None:
                disclosed = code.disclosed
                audit_disclosure(connection, user.pin, client_id, user.acr, disclosed, at=now)

    def _check_consent(self, user: EndUser, client_id: str, scope: str) -> None:
        """A code redeemed after the citizen withdrew consent (a code in flight) gives nothing: its
        new grant is revoked. Checked after the grant is indexed, so a withdrawal running meanwhile
        finds the grant (:mod:`idp.citizen.withdrawal`)."""
        if not covers(self.engine, user.pin, client_id, scope.split()):
            self.grants.revoke(user.grant_id)
            raise InvalidGrantError("The citizen withdrew consent for this client.")

    def get_authorization_grant(self, request: OAuth2Request) -> Any:
        """Authlib's choice of grant; an unsupported ``response_type`` is described without
        echoing it raw (RFC 6749 §5.2's ``error_description`` charset), redirected to the client
        only when its ``redirect_uri`` is registered (§4.1.2.1)."""
        if not AuthorizationCodeGrant.check_authorization_endpoint(request):
            response_type = describable(request.payload.response_type or "")
            redirect_uri = self.registered_redirect_uri(request)
            raise UnsupportedResponseTypeError(response_type, redirect_uri=redirect_uri)
        return super().get_authorization_grant(request)

    def registered_redirect_uri(self, request: OAuth2Request) -> str | None:
        """Where an authorization error may be sent (RFC 6749 §4.1.2.1): the requested
        ``redirect_uri`` when it is registered for the requesting client, or that client's only
        one when none is requested; None when there is no such client or URI."""
        client_id = request.payload.client_id
        client = self.query_client(client_id) if client_id else None
        if client is None:
            return None
        requested: str | None = request.payload.redirect_uri
        if requested is None:
            default: str | None = client.get_default_redirect_uri()
            return default
        return requested if client.check_redirect_uri(requested) else None

    def validate_requested_scope(self, scope: str | None) -> None:
        """Authlib's hook for the scope an authorization request asks for: a service scope is a
        client's licence, which a citizen never grants (:mod:`idp.oidc.service_scopes`); the client
        credentials grant checks its own."""
        refuse_service_scopes(scope)

    def get_token_grant(self, request: OAuth2Request) -> Any:
        """Authlib's choice of grant; an unsupported ``grant_type`` is described without echoing it
        raw (RFC 6749 §5.2's ``error_description`` charset)."""
        try:
            return super().get_token_grant(request)
        except UnsupportedGrantTypeError:
            raise UnsupportedGrantTypeError(describable(request.payload.grant_type or "")) from None

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Answer:
        """Authlib's answer, every redirect with RFC 9207's ``iss``."""
        answer = from_authlib(status, body, headers)
        if location := answer.header("Location"):
            answer.with_header("Location", with_issuer(location, self.settings.issuer))
        return answer

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: nothing subscribes yet."""
