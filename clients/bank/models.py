"""The bank's own records: accounts opened by eKYC, transfers and the counter's customer checks
(tables ``bank_account``, ``bank_transfer``, ``bank_counter_visit``). Amounts are whole đồng."""

import time
from typing import Any

from sqlalchemy import Column
from sqlalchemy.types import JSON
from sqlmodel import Field
from sqlmodel import SQLModel


class BankAccount(SQLModel, table=True):
    __tablename__ = "bank_account"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    sub: str = Field(index=True, unique=True)
    holder: str
    personal_id_number: str
    card_number: str
    phone_number: str
    picture: str = ""
    balance: int
    acr: str
    opened_at: float = Field(default_factory=time.time)


class Transfer(SQLModel, table=True):
    __tablename__ = "bank_transfer"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="bank_account.id", index=True)
    to_account: str
    amount: int
    note: str = ""
    acr: str
    auth_time: int
    """When the citizen last authenticated before this transfer (fresh for large amounts)."""
    created_at: float = Field(default_factory=time.time)


class CounterVisit(SQLModel, table=True):
    """A customer checked at the teller counter by a back-channel authentication (CIBA): what the
    teller asked, the request's pacing while it waits, then what VNeID proved."""

    __tablename__ = "bank_counter_visit"

    id: int | None = Field(default=None, primary_key=True)
    operation: str
    login_hint: str
    """The PIN the teller typed (what the provider was asked about, not yet proof of anything)."""
    binding_message: str
    auth_req_id: str = ""
    """Emptied once the request ends: it is good for nothing after."""
    status: str = "pending"
    """``pending``, ``approved``, ``refused``, ``expired`` or ``failed``."""
    error: str = ""
    interval: int = 5
    next_poll_at: float = 0.0
    expires_at: float = 0.0
    polls: int = 0
    started_at: float = Field(default_factory=time.time)
    finished_at: float = 0.0
    sub: str = ""
    name: str = ""
    personal_id_number: str = ""
    acr: str = ""
    amr: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    auth_time: int = 0
