"""Who is signed in to a relying party: one row per browser session (table ``rp_login``), written after
a validated ID token, deleted by logout.

Kept apart from the session dictionary so that a back-channel logout (OpenID Connect Back-Channel Logout
1.0 §2.7) can end every local login of an identity-provider session (``sid``) or of a citizen (``sub``) with
one atomic ``DELETE``, whatever requests of that browser are in flight.
"""

import time
from typing import Any

from sqlalchemy import Column
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy.types import JSON
from sqlmodel import Field
from sqlmodel import Session
from sqlmodel import SQLModel
from sqlmodel import select

LEVELS = ("LoA1", "LoA2", "LoA3", "LoA4")
"""Authentication levels (mức độ xác thực, Decree 69/2024 Art. 20), weakest first."""


def level_rank(acr: str | None) -> int:
    """The position of ``acr`` in :data:`LEVELS`; -1 for anything else."""
    return LEVELS.index(acr) if acr in LEVELS else -1


class Login(SQLModel, table=True):
    """The citizen signed in to one browser session, with what the provider said about them."""

    __tablename__ = "rp_login"

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(index=True, max_length=64)
    sid: str | None = Field(default=None, index=True)
    sub: str = Field(index=True)
    acr: str = ""
    auth_time: int = 0
    account_level: int = 0
    id_token: str = ""
    """The signed ID token (decrypted if it came encrypted): the ``id_token_hint`` of logout."""
    access_token: str = ""
    claims: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    userinfo: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: float = Field(default_factory=time.time)

    def reaches(self, acr: str, account_level: int = 1) -> bool:
        """Whether this login is at least ``acr`` with an account of at least ``account_level``."""
        return level_rank(self.acr) >= level_rank(acr) and self.account_level >= account_level

    def claim(self, name: str) -> Any:
        """A claim from userinfo, else from the ID token."""
        return self.userinfo.get(name, self.claims.get(name))


class Logins:
    """The ``rp_login`` table's operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def current(self, session_id: str) -> Login | None:
        with Session(self.engine) as db:
            return db.exec(select(Login).where(Login.session_id == session_id)).first()

    def replace(self, login: Login) -> None:
        """Make ``login`` the only login of its browser session."""
        with Session(self.engine) as db:
            db.execute(delete(Login).where(Login.session_id == login.session_id))  # type: ignore[arg-type]
            db.add(login)
            db.commit()

    def end(self, session_id: str) -> None:
        with Session(self.engine) as db:
            db.execute(delete(Login).where(Login.session_id == session_id))  # type: ignore[arg-type]
            db.commit()

    def end_by(self, sid: str | None, sub: str | None) -> int:
        """End every login of provider session ``sid`` (and of ``sub``, when both are given), or every
        login of ``sub``; how many ended."""
        if sid is None and sub is None:
            return 0
        statement = delete(Login)
        if sid is not None:
            statement = statement.where(Login.sid == sid)  # type: ignore[arg-type]
        if sub is not None:
            statement = statement.where(Login.sub == sub)  # type: ignore[arg-type]
        with Session(self.engine) as db:
            count = db.execute(statement).rowcount  # type: ignore[attr-defined]
            db.commit()
        return int(count)
