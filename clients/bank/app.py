"""The bank's app factory and entry point (``python -m clients.bank``)."""

from fastapi import FastAPI

from clients.bank.models import BankAccount
from clients.bank.models import Transfer
from clients.bank.pages import router
from clients.bank.settings import BankSettings
from clients.rp import create_rp_app


def create_app(settings: BankSettings | None = None) -> FastAPI:
    settings = settings or BankSettings()
    return create_rp_app(settings, router, [BankAccount, Transfer])
