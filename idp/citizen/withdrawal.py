"""Withdrawing consent (rút lại sự đồng ý): the citizen stops sharing with one client.

The client's remembered consent is deleted, every grant it holds for the citizen is revoked (its access
tokens then fail at userinfo and introspection, its refresh tokens are refused: :mod:`idp.oidc.tokens`),
and the client gets a Back-Channel Logout 1.0 logout token per session it knew (:mod:`idp.oidc.backchannel`)
and, if it has a Shared Signals stream, a CAEP ``session-revoked`` event, written in the transaction
that deletes the consent (:mod:`idp.oidc.shared_signals.emitter`).
Grants are revoked before their index rows and the consent are deleted (one transaction), so a crash
in between leaves the withdrawal repeatable, never half-done in the permissive direction. A code redeemed
during the withdrawal indexes its grant before checking the consent (:mod:`idp.oidc.server`): either it
finds the consent gone, or its row is among those deleted here, and its grant is revoked too.
"""

from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy import select

from idp.oidc.accounts import subject_for
from idp.oidc.backchannel import notify_client
from idp.state.consents import forget
from idp.state.grant_index import GRANTS

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


def withdraw_consent(server: "AuthorizationServer", pin: str, client_id: str) -> None:
    where = (GRANTS.c.pin == pin, GRANTS.c.client_id == client_id)
    with server.engine.connect() as connection:
        grants = connection.execute(select(GRANTS).where(*where)).all()
    for grant in grants:
        server.grants.revoke(grant.grant_id)
    with server.engine.begin() as connection:
        deleted = connection.execute(delete(GRANTS).where(*where).returning(GRANTS.c.grant_id))
        late = set(deleted.scalars()) - {grant.grant_id for grant in grants}
        withdrawn = forget(connection, pin, client_id)
        if withdrawn:  # its Shared Signals event commits with the withdrawal
            server.signals.withdrawn(connection, pin, client_id)
    for grant_id in late:  # redeemed meanwhile, its consent checked before this commit
        server.grants.revoke(grant_id)
    server.signals.wake.set()
    client = server.query_client(client_id)
    if client is None or not (withdrawn or grants):  # nothing shared: nothing to tell the client
        return
    secret = server.settings.subject_secret.get_secret_value()
    sub = grants[0].sub if grants else subject_for(pin, secret, client.sector)
    sids: list[str | None] = sorted({grant.sid for grant in grants if grant.sid}) or [None]
    notify_client(server, client, sub, sids)
