"""Device keys (khóa thiết bị): the public key of the phone each level-2 account's app is bound to.

Activating the phone app on a device makes an ES256 key pair on that device and binds its public key
(a JWK, RFC 7517) to the account, under the account's device id; every approval the app sends is a JWS
signed by that key (:mod:`idp.phone.approvals`). One device per account, as VNeID binds an account to
one phone: activating again (a new phone) replaces the key, and approvals signed by the old one are
refused from then on. One row per account in the ``device_key`` table of the population's database
(SQLModel, created at startup); ``bound_at`` is the provider's clock's, from the caller.
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables


class DeviceKey(SQLModel, table=True):
    """The key of the device an account's app is bound to."""

    __tablename__ = "device_key"

    pin: str = Field(primary_key=True, max_length=12)
    device_id: str = Field(max_length=64)
    public_jwk: str
    bound_at: float


DEVICE_KEYS: Table = DeviceKey.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BoundKey:
    """The device an account is bound to, and its public key (a JWK)."""

    pin: str
    device_id: str
    public_jwk: dict[str, Any]
    bound_at: float


def create_device_key_table(engine: Engine) -> None:
    create_tables(engine, [DEVICE_KEYS])


def bind(
    engine: Engine, pin: str, device_id: str, public_jwk: dict[str, Any], *, at: float
) -> None:
    """Bind ``public_jwk`` to the account, replacing the key of a device bound before."""
    row = {"pin": pin, "device_id": device_id, "public_jwk": json.dumps(public_jwk), "bound_at": at}
    with engine.begin() as connection:
        connection.execute(delete(DEVICE_KEYS).where(DEVICE_KEYS.c.pin == pin))
        connection.execute(DEVICE_KEYS.insert().values(**row))


def bound_key(engine: Engine, pin: str) -> BoundKey | None:
    """The account's bound device, or None (no app activated, or a level-1 account)."""
    with engine.connect() as connection:
        row = connection.execute(select(DEVICE_KEYS).where(DEVICE_KEYS.c.pin == pin)).first()
    if row is None:
        return None
    return BoundKey(row.pin, row.device_id, json.loads(row.public_jwk), row.bound_at)


def unbind_all(engine: Engine) -> None:
    """Forget every binding (the sandbox's reset of everything)."""
    with engine.begin() as connection:
        connection.execute(delete(DEVICE_KEYS))
