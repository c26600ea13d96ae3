"""Ending what clients hold for a citizen (thu hồi quyền truy cập): revoke the citizen's grants and log
them out of those clients over OpenID Connect Back-Channel Logout 1.0.

Shared by a withdrawn consent (one client, :mod:`idp.citizen.withdrawal`) and a death (every client,
:mod:`idp.oidc.shared_signals.emitter`). The grants are read from the grant index
(:mod:`idp.state.grant_index`), each revoked (its access tokens then fail at userinfo and
introspection, its refresh tokens are refused: :mod:`idp.oidc.tokens`), then their index rows are
deleted in one transaction that may carry more of the caller's work. A grant indexed in between (a
code redeemed meanwhile) is among the rows deleted and is revoked too. Every client that registered a
``backchannel_logout_uri`` then receives one logout token per session (``sid``) it knew, as §2.4
requires of a client with ``backchannel_logout_session_required``, and one without ``sid`` only for
grants issued without a session.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import delete
from sqlalchemy import select

from idp.oidc.backchannel import notify_client
from idp.state.grant_index import GRANTS

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


@dataclass
class Holder:
    """A client that held grants for the citizen: the ``sub`` it knows them by, its sessions' ``sid``
    values, and whether a grant had no session."""

    sub: str
    sids: set[str] = field(default_factory=set)
    sessionless: bool = False

    def logout_sids(self) -> list[str | None]:
        """The ``sid`` of each logout token to send: one per session, None for session-less grants."""
        sids: list[str | None] = [*sorted(self.sids)]
        return [*sids, None] if self.sessionless else sids


def _nothing(connection: Connection) -> None:
    """No more work in the deleting transaction."""


def revoke_grants(
    server: "AuthorizationServer",
    pin: str,
    client_id: str | None = None,
    *,
    also: Callable[[Connection], None] = _nothing,
) -> dict[str, Holder]:
    """Revoke every grant of ``pin`` (at ``client_id``, or at every client) and delete their index
    rows, running ``also`` in that transaction; the clients that held them, by client id."""
    where: list[Any] = [GRANTS.c.pin == pin]
    if client_id is not None:
        where.append(GRANTS.c.client_id == client_id)
    with server.engine.connect() as connection:
        grants = connection.execute(select(GRANTS).where(*where)).all()
    # Revoked before their rows go, so that a crash in between leaves the work repeatable.
    for grant in grants:
        server.grants.revoke(grant.grant_id)
    with server.engine.begin() as connection:
        deleted = connection.execute(delete(GRANTS).where(*where).returning(*GRANTS.c)).all()
        also(connection)
    known = {grant.grant_id for grant in grants}
    for grant in deleted:
        if grant.grant_id not in known:  # redeemed meanwhile
            server.grants.revoke(grant.grant_id)
    holders: dict[str, Holder] = {}
    for grant in [*grants, *deleted]:
        holder = holders.setdefault(grant.client_id, Holder(grant.sub))
        if grant.sid:
            holder.sids.add(grant.sid)
        else:
            holder.sessionless = True
    return holders


def log_out(server: "AuthorizationServer", holders: dict[str, Holder]) -> None:
    """Send each client in ``holders`` its logout tokens (if it registered a back-channel URI)."""
    for client_id, holder in sorted(holders.items()):
        client = server.query_client(client_id)
        if client is not None:
            notify_client(server, client, holder.sub, holder.logout_sids())
