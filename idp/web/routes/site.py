"""The site around the protocol: the front page for people, the health endpoint for monitors, the
synthetic portraits (the ``picture`` claim), the country signing CA of the cards' chips, and the discovery document and JWKS, which
:mod:`idp.web.static_documents` serves from prepared bytes ahead of the router (these routes answer the
same, and document them). HEAD wherever GET is safe (RFC 9110 §9.1)."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from idp.chip.pki import authority
from idp.login.home import home_view
from idp.oidc.answer import page
from idp.oidc.portraits import is_portrait_id
from idp.oidc.portraits import portrait_svg
from idp.web.api_models import Discovery
from idp.web.api_models import Document
from idp.web.api_models import Health
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.errors import PageRoute
from idp.web.responses import to_response
from idp.web.static_documents import DISCOVERY_PATHS
from idp.web.static_documents import JWKS_PATH

api = APIRouter(route_class=ApiRoute)
pages = APIRouter(route_class=PageRoute, include_in_schema=False)


STATIC = Path(__file__).parent.parent / "static"
FAVICON = (STATIC / "favicon.svg").read_bytes()


@pages.api_route("/", methods=["GET", "HEAD"])
async def home_page(request: Request) -> Response:
    """The front page, in the language asked for (``?lang=``, ``?ui_locales=``) or chosen before."""
    server = server_of(request)
    view = home_view(server.settings, list(server.clients.values()))
    return to_response(request, page(view))


@pages.api_route("/favicon.ico", methods=["GET", "HEAD"])
async def favicon() -> Response:
    """The icon browsers ask for by themselves (the pages also name ``/static/favicon.svg``)."""
    headers = {"Cache-Control": "public, max-age=86400"}
    return Response(FAVICON, media_type="image/svg+xml", headers=headers)


@api.get("/healthz", response_model=Health)
async def health(request: Request) -> dict[str, Any]:
    """Liveness plus the population's size; ``population`` is null when the database is not seeded."""
    server = server_of(request)
    return {
        "status": "ok",
        "issuer": server.settings.issuer,
        "population": await off_loop(_population, server.engine),
    }


# HEAD for monitors that probe with it (RFC 9110 §9.1), kept out of the JSON API's schema.
api.add_api_route("/healthz", health, methods=["HEAD"], include_in_schema=False)


def _population(engine: Engine) -> int | None:
    try:
        with engine.connect() as connection:
            count: int = connection.execute(text("SELECT count(*) FROM citizen")).scalar_one()
    except SQLAlchemyError:
        return None
    return count


@pages.api_route("/portraits/{identifier}.svg", methods=["GET", "HEAD"])
async def portrait(identifier: str) -> Response:
    """A synthetic portrait (:mod:`idp.oidc.portraits`), cached a day by anyone."""
    if not is_portrait_id(identifier):
        raise HTTPException(404, "No such portrait.")
    headers = {"Cache-Control": "public, max-age=86400"}
    return Response(portrait_svg(identifier), media_type="image/svg+xml", headers=headers)


@pages.api_route("/pki/csca.pem", methods=["GET", "HEAD"])
async def country_signing_ca(request: Request) -> Response:
    """The sandbox's country signing CA certificate (PEM), the trust anchor of passive authentication
    (:mod:`idp.chip.pki`): what a reader or a verifier checks a chip's Document Signer against."""
    seed = server_of(request).settings.chip_seed.get_secret_value()
    pem = await off_loop(lambda: authority(seed).csca_pem)
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(pem, media_type="application/x-pem-file", headers=headers)


def _document(request: Request, name: str) -> Response:
    """A prepared document, as the static-documents middleware answers it."""
    document = request.app.state.documents[name]
    return Response(document.body, headers={k.decode(): v.decode() for k, v in document.headers})


async def discovery(request: Request) -> Response:
    """OpenID Connect Discovery 1.0 §4, RFC 8414 §3."""
    return _document(request, request.url.path)


async def jwks(request: Request) -> Response:
    """The JWK set (RFC 7517 §5)."""
    return _document(request, JWKS_PATH)


for _path in DISCOVERY_PATHS:
    _name = _path.rsplit("/", 1)[-1]
    api.add_api_route(_path, discovery, methods=["GET"], response_model=Discovery, name=_name)
    api.add_api_route(_path, discovery, methods=["HEAD"], include_in_schema=False, name=_name)
JWKS_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {"application/jwk-set+json": {}}}}
api.add_api_route(JWKS_PATH, jwks, methods=["GET"], response_model=Document, responses=JWKS_ANSWER)
api.add_api_route(JWKS_PATH, jwks, methods=["HEAD"], include_in_schema=False)
