"""The identity provider's FastAPI application, built by :func:`create_app` from one settings object.

The web layer: the only code that imports FastAPI or Starlette. It wires the layers below (the protocol
core :mod:`idp.oidc`, the browser's interaction :mod:`idp.login`, the citizen services
:mod:`idp.citizen`, the state stores :mod:`idp.state`) to one route table (:mod:`idp.web.routes`) and one
error policy (:mod:`idp.web.errors`). Everything is built here, once, and kept on ``app.state``,
around one clock (:class:`idp.state.clock.Clock`): the provider's time, which the state store and the
server share.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.staticfiles import StaticFiles

from idp.login.lockout import create_counter_table
from idp.login.sms_inbox import create_inbox_table
from idp.oidc.accounts import warm_up
from idp.oidc.backchannel import HttpLogoutSender
from idp.oidc.backchannel import LogoutSender
from idp.oidc.cors_origins import AllowedOrigins
from idp.oidc.keys import KeyRing
from idp.oidc.log_redaction import redact_grant_logs
from idp.oidc.metadata import metadata_bytes
from idp.oidc.server import AuthorizationServer
from idp.oidc.shared_signals.delivery import Delivery
from idp.oidc.shared_signals.delivery import SetSender
from idp.oidc.shared_signals.metadata import SSF_CONFIGURATION_PATH
from idp.oidc.shared_signals.metadata import transmitter_metadata_bytes
from idp.population_db.database import connect
from idp.population_db.revocations import create_card_tables
from idp.sandbox.control import Sandbox
from idp.settings import IdPSettings
from idp.state.audit import create_audit_table
from idp.state.clock import Clock
from idp.state.consents import create_consent_table
from idp.state.device_keys import create_device_key_table
from idp.state.grant_index import create_grant_index_table
from idp.state.opening import open_state_store
from idp.state.phone_requests import create_phone_request_table
from idp.state.process_claim import claim_database
from idp.state.signal_outbox import create_outbox_table
from idp.state.signal_streams import create_stream_tables
from idp.web import errors
from idp.web.cors import Cors
from idp.web.page_headers import PageHeaders
from idp.web.routes import account
from idp.web.routes import card_reader
from idp.web.routes import card_verification
from idp.web.routes import device
from idp.web.routes import interaction
from idp.web.routes import phone
from idp.web.routes import protocol
from idp.web.routes import sandbox
from idp.web.routes import sandbox_control
from idp.web.routes import shared_signals
from idp.web.routes import site
from idp.web.routes.site import STATIC
from idp.web.sandbox_hooks import jwks_outage
from idp.web.static_documents import JWKS_PATH
from idp.web.static_documents import Document
from idp.web.static_documents import StaticDocuments
from idp.web.static_documents import jwks_document
from idp.web.static_documents import provider_documents


def _closing(
    engine: Engine, delivery: Delivery
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the Shared Signals delivery worker runs while it serves; at shutdown, the
    worker stops and the database connections it pooled are closed."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        delivery.start()
        try:
            yield
        finally:
            await asyncio.to_thread(delivery.stop)  # it may be finishing a push
            engine.dispose()

    return lifespan


ROUTERS = (  # the routes of every complete flow first: the router tries them in this order
    protocol.pages,
    protocol.api,
    interaction.router,
    device.router,
    account.router,
    phone.router,
    card_reader.api,
    card_reader.pages,
    card_verification.api,
    shared_signals.api,
    sandbox.api,
    sandbox.pages,
    sandbox_control.api,
    site.api,
    site.pages,
)


def _sandbox(
    settings: IdPSettings, server: AuthorizationServer, documents: dict[str, Document]
) -> Sandbox | None:
    """The sandbox's control, when its API is on; it is the core's :class:`Injections` then, and
    rotating its keys publishes them at once."""
    if not settings.sandbox_api:
        return None

    def publish(keys: KeyRing) -> None:
        documents[JWKS_PATH] = jwks_document(json.dumps(keys.public_jwks).encode())

    sandbox = Sandbox(server, publish)
    server.injections = sandbox
    return sandbox


def create_app(
    settings: IdPSettings | None = None,
    logout_sender: LogoutSender | None = None,
    clock: Clock | None = None,
    set_sender: SetSender | None = None,
) -> FastAPI:
    """The application; ``logout_sender`` delivers back-channel logout tokens and ``set_sender``
    Shared Signals events (httpx by default); ``clock`` is the provider's time (the system's, unless
    a test or an embedder moves it)."""
    settings = settings or IdPSettings()
    clock = clock or Clock()
    if settings.issuer.startswith("http://"):
        # Authlib refuses plain http unless told; a local sandbox issuer is plain http.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    redact_grant_logs()
    engine = connect(settings.database_url)
    claim_database(engine, exclusive=settings.state_store_url == "memory")
    for create_table in (
        create_audit_table,
        create_counter_table,
        create_inbox_table,
        create_consent_table,
        create_grant_index_table,
        create_device_key_table,
        create_phone_request_table,
        create_stream_tables,
        create_outbox_table,
        create_card_tables,  # population tables newer than databases seeded before them
    ):
        create_table(engine)
    warm_up()
    store = open_state_store(settings.state_store_url, settings.state_store_prefix, engine, clock)
    server = AuthorizationServer(settings, engine, store, KeyRing.load(settings.keys_dir), clock)
    server.logout_sender = logout_sender or HttpLogoutSender(settings.backchannel_logout_timeout)
    if set_sender is not None:
        server.delivery.sender = set_sender
    app = FastAPI(
        title="vneid-mock identity provider (SANDBOX — synthetic data)",
        lifespan=_closing(engine, server.delivery),
    )
    # No redirect from "/path/" to "/path": Starlette builds it from the Host header, which a client
    # chooses, so the provider would redirect anywhere it is told to.
    app.router.redirect_slashes = False
    app.state.oauth2_server = server
    metadata = metadata_bytes(settings.issuer, settings.registration_enabled)
    documents = provider_documents(metadata, json.dumps(server.keys.public_jwks).encode())
    ssf = transmitter_metadata_bytes(settings.issuer)
    documents[SSF_CONFIGURATION_PATH] = Document.of(ssf, "application/json")
    app.state.documents = documents
    errors.install(app)
    for router in ROUTERS:
        # The routers' routes go into the app's own table as they are (their prefixes are in their
        # paths already): FastAPI's included routers re-match each request level by level.
        app.router.routes.extend(router.routes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")  # the pages' style and icon
    # The discovery document and the JWKS, answered from prepared bytes ahead of the router, as the
    # routes of idp.web.routes.site would answer them: every relying party fetches them again and again.
    sandbox = _sandbox(settings, server, documents)
    app.state.sandbox = sandbox
    app.add_middleware(
        StaticDocuments,
        documents=documents,
        jwks_unavailable=partial(jwks_outage, sandbox) if sandbox else None,
    )
    origins = AllowedOrigins(
        server.clients.values(), settings.cors_origins, server.registered_clients
    )
    app.add_middleware(Cors, allowed=origins)
    app.add_middleware(PageHeaders)  # outermost: every answer passes through it
    return app
