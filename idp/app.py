"""The identity provider's FastAPI application, built by :func:`create_app` from one settings object.

It serves the health endpoint, a front page for people (:mod:`idp.login.home`), the OpenID Provider
(:mod:`idp.oidc`) and its login interaction (:mod:`idp.login`, with the sandbox's mock SMS inbox).
Everything is built here, once, and kept on ``app.state``.
"""

import json
import os
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from sqlalchemy.exc import DataError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from idp.cors import Cors
from idp.login.account import router as account_router
from idp.login.consent import router as consent_router
from idp.login.factors import router as factors_router
from idp.login.form_errors import data_error_response
from idp.login.form_errors import http_error_response
from idp.login.form_errors import validation_error_response
from idp.login.home import router as home_router
from idp.login.lockout import create_counter_table
from idp.login.routes import router as login_router
from idp.login.sandbox import router as sandbox_router
from idp.login.sms_inbox import create_inbox_table
from idp.login.steps import current_page
from idp.oidc.accounts import warm_up
from idp.oidc.backchannel import HttpLogoutSender
from idp.oidc.backchannel import LogoutSender
from idp.oidc.cors_origins import AllowedOrigins
from idp.oidc.keys import KeyRing
from idp.oidc.log_redaction import redact_grant_logs
from idp.oidc.metadata import metadata_bytes
from idp.oidc.openapi import document_static_paths
from idp.oidc.portraits import router as portrait_router
from idp.oidc.requests import database_error_response
from idp.oidc.requests import oauth2_error_response
from idp.oidc.routes import router as oidc_router
from idp.oidc.server import AuthorizationServer
from idp.oidc.static_documents import StaticDocuments
from idp.oidc.static_documents import provider_documents
from idp.page_headers import PageHeaders
from idp.plain_routes import PlainRoutes
from idp.plain_routes import plain_routes
from idp.population_db.database import connect
from idp.settings import IdPSettings
from idp.state.audit import create_audit_table
from idp.state.consents import create_consent_table
from idp.state.grant_index import create_grant_index_table
from idp.state.opening import open_state_store
from idp.state.process_claim import claim_database


def create_app(
    settings: IdPSettings | None = None, logout_sender: LogoutSender | None = None
) -> FastAPI:
    """The application; ``logout_sender`` delivers back-channel logout tokens (httpx by default)."""
    settings = settings or IdPSettings()
    if settings.issuer.startswith("http://"):
        # Authlib refuses plain http unless told; a local sandbox issuer is plain http.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    redact_grant_logs()
    engine = connect(settings.database_url)
    claim_database(engine, exclusive=settings.state_store_url == "memory")
    create_audit_table(engine)
    create_counter_table(engine)
    create_inbox_table(engine)
    warm_up()
    create_consent_table(engine)
    create_grant_index_table(engine)
    store = open_state_store(settings.state_store_url, settings.state_store_prefix, engine)
    server = AuthorizationServer(settings, engine, store, KeyRing.load(settings.keys_dir))
    server.logout_sender = logout_sender or HttpLogoutSender(settings.backchannel_logout_timeout)
    server.interaction_page = current_page
    app = FastAPI(title="vneid-mock identity provider (SANDBOX — synthetic data)")
    # No redirect from "/path/" to "/path": Starlette builds it from the Host header, which a client
    # chooses, so the provider would redirect anywhere it is told to.
    app.router.redirect_slashes = False
    app.state.oauth2_server = server
    metadata = metadata_bytes(settings.issuer, settings.registration_enabled)
    jwks = json.dumps(server.keys.public_jwks).encode()
    app.add_exception_handler(OAuth2Error, oauth2_error_response)
    app.add_exception_handler(SQLAlchemyError, database_error_response)
    app.add_exception_handler(DataError, data_error_response)
    app.add_exception_handler(HTTPException, http_error_response)
    app.add_exception_handler(RequestValidationError, validation_error_response)
    hot_routes = plain_routes([*oidc_router.routes, *login_router.routes, *consent_router.routes])
    app.add_middleware(PlainRoutes, routes=hot_routes, handlers=app.exception_handlers)
    app.add_middleware(StaticDocuments, documents=provider_documents(metadata, jwks))
    origins = AllowedOrigins(
        server.clients.values(), settings.cors_origins, server.registered_clients
    )
    app.add_middleware(Cors, allowed=origins)
    app.add_middleware(PageHeaders)  # outermost: every answer passes through it
    document_static_paths(app)
    # Routers on every flow's path first: a wrong method on a plain route is answered by FastAPI.
    app.include_router(oidc_router)
    app.include_router(login_router)
    app.include_router(consent_router)
    app.include_router(factors_router)
    app.include_router(sandbox_router)
    app.include_router(account_router)
    app.include_router(portrait_router)
    app.include_router(home_router)

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        """Liveness plus the population's size; ``population`` is null when the database is not seeded."""
        try:
            with engine.connect() as connection:
                citizens = connection.execute(text("SELECT count(*) FROM citizen")).scalar_one()
        except SQLAlchemyError:
            citizens = None
        return {"status": "ok", "issuer": settings.issuer, "population": citizens}

    # HEAD for monitors that probe with it (RFC 9110 §9.1), kept out of the JSON API's schema.
    app.add_api_route("/healthz", health, methods=["HEAD"], include_in_schema=False)
    return app
