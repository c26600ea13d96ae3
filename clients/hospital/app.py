"""The hospital's app factory and entry point (``python -m clients.hospital``): the check-in pages and
the self-service kiosk (``/kiosk``) with its device client of VNeID, and both with the chip identity
card (the reader, the card verification service's client)."""

from fastapi import APIRouter
from fastapi import FastAPI

from clients.hospital import chip_checkin
from clients.hospital import kiosk
from clients.hospital import kiosk_chip
from clients.hospital.models import CheckIn
from clients.hospital.pages import router
from clients.hospital.settings import HospitalSettings
from clients.rp import create_rp_app
from clients.rp.card_checks import CardCheck
from clients.rp.card_routes import router as card_router
from clients.rp.chip_reading import CardDesk


def create_app(settings: HospitalSettings | None = None) -> FastAPI:
    settings = settings or HospitalSettings()
    pages = APIRouter()
    pages.include_router(router)
    pages.include_router(kiosk.router)
    pages.include_router(kiosk_chip.router)
    pages.include_router(chip_checkin.router)
    pages.include_router(card_router)
    app = create_rp_app(settings, pages, [CheckIn, CardCheck])
    app.state.kiosk = kiosk.device_client(settings)
    secret = settings.card_client_secret.get_secret_value()
    app.state.cards = CardDesk(app.state.rp, settings.card_client_id, secret)
    return app
