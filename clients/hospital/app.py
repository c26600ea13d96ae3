"""The hospital's app factory and entry point (``python -m clients.hospital``): the check-in pages and
the self-service kiosk (``/kiosk``) with its device client of VNeID."""

from fastapi import APIRouter
from fastapi import FastAPI

from clients.hospital import kiosk
from clients.hospital.models import CheckIn
from clients.hospital.pages import router
from clients.hospital.settings import HospitalSettings
from clients.rp import create_rp_app


def create_app(settings: HospitalSettings | None = None) -> FastAPI:
    settings = settings or HospitalSettings()
    pages = APIRouter()
    pages.include_router(router)
    pages.include_router(kiosk.router)
    app = create_rp_app(settings, pages, [CheckIn])
    app.state.kiosk = kiosk.device_client(settings)
    return app
