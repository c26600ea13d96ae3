"""The bank's app factory and entry point (``python -m clients.bank``): the web bank's pages and the
teller counter's."""

from fastapi import APIRouter
from fastapi import FastAPI

from clients.bank.counter import router as counter_router
from clients.bank.models import BankAccount
from clients.bank.models import CounterVisit
from clients.bank.models import Transfer
from clients.bank.pages import router as pages_router
from clients.bank.settings import BankSettings
from clients.rp import create_rp_app


def create_app(settings: BankSettings | None = None) -> FastAPI:
    settings = settings or BankSettings()
    pages = APIRouter()
    pages.include_router(pages_router)
    pages.include_router(counter_router)
    return create_rp_app(settings, pages, [BankAccount, Transfer, CounterVisit])
