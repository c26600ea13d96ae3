"""The banks' app-to-app sharing (chia sẻ thông tin công dân và sinh trắc học): a bank's backend starts
a sharing transaction for a customer's PIN, the bank's app hands over to the VNeID app, the citizen
approves there (passcode, face, the data items), VNeID returns to the bank's app with a consent id, and
the bank's backend fetches the face-match result and the data consented to.

The shape is the one banks use with VNeID (the domain reference, §7.2): ``init`` gives a
``transactionId``, the return to the bank carries a ``consentId``, ``get-transaction`` gives the result.
It is not OpenID Connect, and is not dressed as it. Both calls are ``application/x-www-form-urlencoded``
POSTs by an authenticated confidential client (``client_secret_basic`` or ``client_secret_post``);
errors are RFC 6749 §5.2 JSON. ``init`` takes the customer's ``pin``, the ``scope`` of the data asked
(among the client's; ``openid`` is added), an optional ``purpose`` shown on the phone, and the
``return_uri`` the app returns to (one of the client's registered ``redirect_uris``: a claimed https
URI, a universal link). It answers ``transactionId``, ``expiresIn`` and the ``appLink`` the bank's app
opens (``/phone/share/{transactionId}``). The transaction is an interaction without a browser
(``decoupled="share"``) at ``LoA4`` with consent always asked; as for a back-channel request
(:mod:`idp.oidc.ciba`), a PIN whose citizen cannot approve on a phone is not told apart: its
transaction waits, then expires. ``get-transaction`` takes ``transactionId`` and ``consentId``; another
client's transaction, or a wrong consent id, is ``invalid_grant``; before the citizen decided,
``authorization_pending``; refused, ``access_denied``; expired, ``expired_token``. The data released
is audited as every disclosure (:func:`idp.oidc.disclosure.userinfo_disclosure`), once: the
transaction is spent by the fetch that gets it.
"""

import secrets
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import InvalidScopeError
from authlib.oauth2.rfc6749.endpoint import Endpoint
from authlib.oauth2.rfc8628 import AuthorizationPendingError
from authlib.oauth2.rfc8628 import ExpiredTokenError

from idp.oidc.accounts import is_pin
from idp.oidc.assurance import Requirement
from idp.oidc.ciba import can_approve
from idp.oidc.clients import Client
from idp.oidc.decoupled import end_user
from idp.oidc.disclosure import userinfo_disclosure
from idp.oidc.interaction import DENIED
from idp.oidc.interaction import UNMET
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import same_token
from idp.oidc.requests import ItemsRequest
from idp.oidc.service_scopes import refuse_service_scopes
from idp.state.phone_requests import open_request

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

SHARE = "share"
TRANSACTION = "share-transaction:"
OF_REQUEST = "share-of-request:"
EXPIRES_IN = 300
KEPT = 600
"""Seconds a transaction is kept past its expiry, so that a late fetch is told ``expired_token``."""
METHODS = ["client_secret_basic", "client_secret_post"]
INIT = "biometric_share_init"
FETCH = "biometric_share_transaction"
MAX_PURPOSE = 300


class ShareInitEndpoint(Endpoint):  # type: ignore[misc]
    """``POST /api/biometric-share/init``."""

    ENDPOINT_NAME = INIT

    def __call__(self, request: ItemsRequest) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        server: AuthorizationServer = self.server
        client: Client = server.authenticate_client(request, METHODS, INIT)
        form = request.form
        pin, return_uri = form.get("pin", ""), form.get("return_uri", "")
        if not is_pin(pin):
            raise InvalidRequestError("'pin' must be a 12-digit personal identification number.")
        if not return_uri or return_uri not in client.metadata.get("redirect_uris", []):
            raise InvalidRequestError("'return_uri' must be one of the client's redirect_uris.")
        purpose = form.get("purpose", "")
        if len(purpose) > MAX_PURPOSE or not purpose.isprintable():
            raise InvalidRequestError(f"'purpose' is at most {MAX_PURPOSE} printable characters.")
        scope = _scope(client, form.get("scope"))
        transaction = start(server, client, pin, scope, purpose, return_uri)
        link = f"{server.settings.issuer}/phone/share/{transaction}"
        body = {"transactionId": transaction, "expiresIn": EXPIRES_IN, "appLink": link}
        return 200, body, [("Cache-Control", "no-store")]


def _scope(client: Client, scope: str | None) -> str:
    refuse_service_scopes(scope)
    scopes = ["openid", *[s for s in (scope or "openid profile").split() if s != "openid"]]
    if client.get_allowed_scope(" ".join(scopes)) != " ".join(scopes):
        raise InvalidScopeError("The scope holds a value not registered for this client.")
    return " ".join(scopes)


def start(
    server: "AuthorizationServer",
    client: Client,
    pin: str,
    scope: str,
    purpose: str,
    return_uri: str,
) -> str:
    """The transaction's interaction, its phone request (for a citizen who can approve), and its
    record; the ``transactionId``."""
    params = [["scope", scope], *([["purpose", purpose]] if purpose else [])]
    need = Requirement("LoA4", level2=True)
    interaction = server.interactions.start_polled(
        SHARE, client.client_id, scope, params, need, EXPIRES_IN, force_consent=True
    )
    now, transaction = server.clock.now(), secrets.token_urlsafe(24)
    request_id = ""
    if can_approve(server, pin):
        request_id = open_request(
            server.engine,
            uid=interaction.uid,
            kind=SHARE,
            client_id=client.client_id,
            pin=pin,
            expires_at=interaction.expires_at,
            at=now,
        )
        server.store.put(OF_REQUEST + request_id, {"transaction": transaction}, EXPIRES_IN + KEPT)
    record = {
        "client_id": client.client_id,
        "uid": interaction.uid,
        "pin": pin,
        "request_id": request_id,
        "return_uri": return_uri,
        "consent_id": "",
        "expires_at": interaction.expires_at,
    }
    server.store.put(TRANSACTION + transaction, record, EXPIRES_IN + KEPT)
    return transaction


def request_of(server: "AuthorizationServer", transaction: str) -> tuple[str, str] | None:
    """The phone request of a transaction, and the citizen it waits for (the app link opens it)."""
    record = server.store.get(TRANSACTION + transaction[:64])
    if record is None or not record.get("request_id"):
        return None
    return str(record["request_id"]), str(record["pin"])


def return_to_bank(server: "AuthorizationServer", request_id: str, approved: bool) -> str | None:
    """Where the VNeID app returns once the citizen decided: the bank's ``return_uri`` with the
    ``transactionId`` and a new ``consentId`` (or ``error=access_denied``); None for a request that
    is not a transaction's."""
    found = server.store.get(OF_REQUEST + request_id)
    transaction = str(found["transaction"]) if found else ""
    record = server.store.get(TRANSACTION + transaction) if transaction else None
    if record is None:
        return None
    answer: dict[str, str] = {"transactionId": transaction}
    if approved:
        record["consent_id"] = answer["consentId"] = secrets.token_urlsafe(24)
        ttl = max(1, int(record["expires_at"] + KEPT - server.clock.now()))
        server.store.put(TRANSACTION + transaction, record, ttl)
    else:
        answer["error"] = "access_denied"
    uri = str(record["return_uri"])
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(answer)}"


class ShareTransactionEndpoint(Endpoint):  # type: ignore[misc]
    """``POST /api/biometric-share/transaction``: the face match and the data consented to."""

    ENDPOINT_NAME = FETCH

    def __call__(self, request: ItemsRequest) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        server: AuthorizationServer = self.server
        client: Client = server.authenticate_client(request, METHODS, FETCH)
        form = request.form
        transaction, consent = form.get("transactionId", ""), form.get("consentId", "")
        if not transaction or not consent:
            raise InvalidRequestError("'transactionId' and 'consentId' are required.")
        record = server.store.get(TRANSACTION + transaction[:64])
        if record is None or record["client_id"] != client.client_id:
            raise InvalidGrantError("Unknown 'transactionId'.")
        interaction = _decided(server, record)
        if not record["consent_id"] or not same_token(consent, str(record["consent_id"])):
            raise InvalidGrantError("The 'consentId' is not this transaction's.")
        taken = server.interactions.take(interaction.uid)
        server.store.delete(TRANSACTION + transaction)
        if taken is None:
            raise InvalidGrantError("The transaction was already fetched.")
        body = _result(server, client, taken, transaction)
        return 200, body, [("Cache-Control", "no-store")]


def _decided(server: "AuthorizationServer", record: dict[str, Any]) -> Interaction:
    if server.clock.now() >= record["expires_at"]:
        raise ExpiredTokenError()
    interaction = server.interactions.details(str(record["uid"]))
    if interaction is None:
        raise ExpiredTokenError()
    if interaction.outcome in (DENIED, UNMET):
        raise AccessDeniedError("The citizen refused.")
    if not interaction.consented:
        raise AuthorizationPendingError()
    return interaction


def _result(
    server: "AuthorizationServer", client: Client, interaction: Interaction, transaction: str
) -> dict[str, Any]:
    """The face match the phone made and the data released (audited)."""
    session = server.sessions.load(interaction.sid)
    if session is None:
        raise ExpiredTokenError()
    user = end_user(server, session, client)
    scope = interaction.parameters.get("scope", interaction.scope)
    grant = {"pin": user.pin, "claims": None, "account_level": user.account_level}
    token = {"scope": scope, "client_id": client.client_id, "acr": user.acr, "sub": user.sub}
    citizen = userinfo_disclosure(server, grant, token) or {}
    face = {"result": "match", "method": "vneid_app", "at": user.auth_time}
    return {
        "transactionId": transaction,
        "faceMatch": face,
        "acr": user.acr,
        "amr": user.amr,
        "scope": scope,
        "citizen": citizen,
    }
