"""The bank's app factory and entry point (``python -m clients.bank``): the web bank's pages and the
teller counter's (a customer's VNeID app, or their chip identity card on the counter's reader); eKYC
frozen while VNeID says the customer's identity account is disabled (:mod:`clients.bank.ekyc_holds`)."""

from fastapi import APIRouter
from fastapi import FastAPI
from sqlmodel import SQLModel

from clients.bank.counter import router as counter_router
from clients.bank.counter_chip import router as counter_chip_router
from clients.bank.ekyc_holds import REACTIONS
from clients.bank.ekyc_holds import EkycHold
from clients.bank.models import BankAccount
from clients.bank.models import CounterVisit
from clients.bank.models import Transfer
from clients.bank.pages import router as pages_router
from clients.bank.settings import BankSettings
from clients.rp import create_rp_app
from clients.rp.card_checks import CardCheck
from clients.rp.card_routes import router as card_router
from clients.rp.chip_reading import CardDesk


def create_app(settings: BankSettings | None = None) -> FastAPI:
    settings = settings or BankSettings()
    pages = APIRouter()
    pages.include_router(pages_router)
    pages.include_router(counter_router)
    pages.include_router(counter_chip_router)
    pages.include_router(card_router)
    tables: list[type[SQLModel]] = [BankAccount, Transfer, CounterVisit, CardCheck, EkycHold]
    app = create_rp_app(settings, pages, tables, REACTIONS)
    # The counter's client reads cards too: the service licenses the counter, not the web bank.
    secret = settings.counter_client_secret.get_secret_value()
    app.state.cards = CardDesk(app.state.rp, settings.counter_client_id, secret)
    return app
