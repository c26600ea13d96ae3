"""Disclosure (cung cấp thông tin): what leaves for one client, in the ID token or at userinfo, and its row
in the audit log.

Both paths go through :func:`idp.oidc.claims.release` (scopes granted, level-2 gating, the ``dvcqg``
profile) and the ``claims`` request (:mod:`idp.oidc.claims_request`). Each writes one ``disclosure`` row
(:mod:`idp.state.audit`) naming the claims beyond the protocol claims, committed *before* the response is
built: the code was already taken from the state store in its own transaction (the store may be Redis,
where no SQL transaction can span both), so the order guarantees the invariant that matters: no
disclosure without a row. A row whose response never left (a crash between, or a code whose consent was
withdrawn meanwhile) is acceptable. The ID token's row commits with the grant-index row of its code
redemption (:meth:`idp.oidc.server.AuthorizationServer.save_token`), in the caller's transaction.
"""

from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection

from idp.oidc.accounts import find_record
from idp.oidc.catalogue import DVCQG_PROFILE
from idp.oidc.catalogue import PROTOCOL_CLAIMS
from idp.oidc.claims import ClaimsContext
from idp.oidc.claims import Recipient
from idp.oidc.claims import record_parts
from idp.oidc.claims import release
from idp.oidc.claims_request import parse_claims_request
from idp.oidc.claims_request import requested_claims
from idp.oidc.clients import Client
from idp.oidc.models import EndUser
from idp.population_db.lookup import EVERY_PART
from idp.state.audit import DISCLOSURE
from idp.state.audit import record_event

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


def claims_context(server: "AuthorizationServer") -> ClaimsContext:
    secret = server.settings.subject_secret.get_secret_value()
    return ClaimsContext(server.settings.issuer, secret)


def uses_dvcqg(client: Client | None) -> bool:
    return client is not None and client.metadata.get("claims_profile") == DVCQG_PROFILE


def id_token_claims(
    server: "AuthorizationServer", client_id: str, user: EndUser, scope: str, claims: str | None
) -> dict[str, Any]:
    """The citizen claims of an ID token: ``account_level`` and what the ``claims`` parameter asks
    for under ``id_token`` that the granted ``scope`` allows (the caller audits them)."""
    disclosed: dict[str, Any] = {"account_level": user.account_level}
    request = parse_claims_request(claims)
    record = find_record(server.engine, user.pin) if request and request["id_token"] else None
    if record is not None:
        dvcqg = uses_dvcqg(server.query_client(client_id))
        recipient = Recipient(user.sub, user.account_level, user.acr, dvcqg)
        released = release(record, claims_context(server), recipient, scope.split())
        disclosed |= requested_claims(request, "id_token", released, record, recipient)
    return disclosed


def userinfo_disclosure(
    server: "AuthorizationServer", grant: dict[str, Any], token: dict[str, Any]
) -> dict[str, Any] | None:
    """The userinfo answer for a live grant and its access token's claims, audited; None when the
    citizen no longer exists."""
    pin = str(grant["pin"])
    scopes = str(token.get("scope", "")).split()
    request = parse_claims_request(grant.get("claims"))
    # A claims request may name any claim: then every linked record; else what the scopes read.
    record = find_record(server.engine, pin, EVERY_PART if request else record_parts(scopes))
    if record is None:
        return None
    client_id = str(token.get("client_id"))
    acr = token.get("acr")
    level = int(grant.get("account_level") or (record.account.level if record.account else 1))
    recipient = Recipient(str(token["sub"]), level, acr, uses_dvcqg(server.query_client(client_id)))
    info = release(record, claims_context(server), recipient, scopes)
    info |= requested_claims(request, "userinfo", info, record, recipient)
    with server.engine.begin() as connection:
        audit_disclosure(connection, pin, client_id, acr, info, at=server.clock.now())
    return info


def audit_disclosure(
    connection: Connection,
    pin: str,
    client_id: str,
    acr: str | None,
    claims: dict[str, Any],
    *,
    at: float,
) -> None:
    """One ``disclosure`` row, dated ``at``, in the caller's transaction, naming the non-protocol
    claims that are leaving."""
    names = [name for name in claims if name not in PROTOCOL_CLAIMS]
    record_event(
        connection,
        DISCLOSURE,
        "released",
        at=at,
        pin=pin,
        client_id=client_id,
        acr=acr,
        claims=names,
    )
