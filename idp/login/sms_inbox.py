"""The mock SMS inbox (hộp thư SMS giả lập): where one-time codes go instead of a real phone.

One table, ``sms_message``, in the population's database (SQLite or PostgreSQL), so every worker sees
every message. Numbers are stored in E.164 (``+84…``, ITU-T E.164); the population keeps the national
form (``0…``). Read by ``GET /sandbox/sms`` and ``GET /sandbox/sms.json`` (:mod:`idp.login.sandbox`).
A message's ``sent_at`` is the provider's clock's, given by the sender.
"""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlmodel import Field
from sqlmodel import SQLModel

from idp.population_db.database import create_tables

MAX_LISTED = 200


class SmsMessage(SQLModel, table=True):
    """One text message sent to a phone."""

    __tablename__ = "sms_message"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(index=True, max_length=16)
    body: str = Field(max_length=500)
    sent_at: float


SMS: Table = SmsMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Message:
    phone: str
    body: str
    sent_at: float


def create_inbox_table(engine: Engine) -> None:
    create_tables(engine, [SMS])


def e164(phone: str) -> str:
    """``0919990001``, ``84919990001`` or ``+84919990001`` → ``+84919990001``; others unchanged."""
    phone = phone.strip().replace(" ", "")
    if phone.startswith("0"):
        return "+84" + phone[1:]
    if phone.startswith("84"):
        return "+" + phone
    return phone


def deliver(engine: Engine, phone: str, body: str, *, at: float) -> None:
    """Put ``body`` in the inbox of ``phone``, sent ``at``."""
    row = {"phone": e164(phone), "body": body, "sent_at": at}
    with engine.begin() as connection:
        connection.execute(insert(SMS).values(row))


def messages(engine: Engine, phone: str | None = None) -> list[Message]:
    """The newest messages first, of one phone or of all."""
    query = select(SMS.c.phone, SMS.c.body, SMS.c.sent_at)
    if phone:
        query = query.where(SMS.c.phone == e164(phone))
    query = query.order_by(SMS.c.id.desc()).limit(MAX_LISTED)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [Message(r.phone, r.body, r.sent_at) for r in rows]
