"""Withdrawing consent (rút lại sự đồng ý): the citizen stops sharing with one client.

The client's remembered consent is deleted, every grant it holds for the citizen is revoked (its access
tokens then fail at userinfo and introspection, its refresh tokens are refused: :mod:`idp.oidc.tokens`),
and the client gets a Back-Channel Logout 1.0 logout token per session it knew (:mod:`idp.oidc.backchannel`)
and, if it has a Shared Signals stream, a CAEP ``session-revoked`` event, written in the transaction
that deletes the consent (:mod:`idp.oidc.shared_signals.emitter`).
Grants are revoked before their index rows and the consent are deleted (one transaction,
:func:`idp.oidc.grant_logout.revoke_grants`), so a crash in between leaves the withdrawal repeatable,
never half-done in the permissive direction. A code redeemed during the withdrawal indexes its grant
before checking the consent (:mod:`idp.oidc.server`): either it finds the consent gone, or its row is
among those deleted here, and its grant is revoked too.
"""

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from idp.oidc.accounts import subject_for
from idp.oidc.grant_logout import Holder
from idp.oidc.grant_logout import log_out
from idp.oidc.grant_logout import revoke_grants
from idp.state.consents import forget

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


def withdraw_consent(server: "AuthorizationServer", pin: str, client_id: str) -> None:
    withdrawn = False

    def forget_consent(connection: Connection) -> None:
        nonlocal withdrawn
        withdrawn = forget(connection, pin, client_id) > 0
        if withdrawn:  # its Shared Signals event commits with the withdrawal
            server.signals.withdrawn(connection, pin, client_id)

    holders = revoke_grants(server, pin, client_id, also=forget_consent)
    server.signals.wake.set()
    client = server.query_client(client_id)
    if client is None or not (withdrawn or holders):  # nothing shared: nothing to tell the client
        return
    if not holders:  # consent without a grant: every session the client may have, by its sub
        secret = server.settings.subject_secret.get_secret_value()
        holders = {client_id: Holder(subject_for(pin, secret, client.sector), sessionless=True)}
    log_out(server, holders)
