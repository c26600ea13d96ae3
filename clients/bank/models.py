"""The bank's own records: accounts opened by eKYC and transfers (tables ``bank_account``,
``bank_transfer``). Amounts are whole đồng."""

import time

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
