"""The portal's app factory and entry point (``python -m clients.portal``); the claims VNeID reports
changed are marked on its pages (:mod:`clients.portal.vneid_updates`)."""

from fastapi import FastAPI

from clients.portal.models import JudicialRecordRequest
from clients.portal.pages import router
from clients.portal.settings import PortalSettings
from clients.portal.vneid_updates import REACTIONS
from clients.portal.vneid_updates import VneidUpdate
from clients.rp import create_rp_app


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    return create_rp_app(settings, router, [JudicialRecordRequest, VneidUpdate], REACTIONS)
