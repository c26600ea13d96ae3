"""The portal's app factory and entry point (``python -m clients.portal``); the claims VNeID reports
changed are marked on its pages (:mod:`clients.portal.vneid_updates`)."""

from fastapi import FastAPI

from clients.portal.models import JudicialRecordRequest
from clients.portal.pages import router
from clients.portal.procedures import router as procedures
from clients.portal.settings import PortalSettings
from clients.portal.vneid_updates import REACTIONS
from clients.portal.vneid_updates import VneidUpdate
from clients.rp import create_rp_app
from clients.rp.population_service import PopulationService


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    app = create_rp_app(settings, router, [JudicialRecordRequest, VneidUpdate], REACTIONS)
    app.include_router(procedures)
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    # The portal is licensed for the population service under its own client (the clients file).
    app.state.population = PopulationService(app.state.rp, settings.client_id, secret)
    return app
