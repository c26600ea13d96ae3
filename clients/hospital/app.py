"""The hospital's app factory and entry point (``python -m clients.hospital``)."""

from fastapi import FastAPI

from clients.hospital.models import CheckIn
from clients.hospital.pages import router
from clients.hospital.settings import HospitalSettings
from clients.rp import create_rp_app


def create_app(settings: HospitalSettings | None = None) -> FastAPI:
    settings = settings or HospitalSettings()
    return create_rp_app(settings, router, [CheckIn])
