"""The plain routes' dispatcher: full matches answered ahead of FastAPI's router, with the application's
exception handlers; partial matches and other paths left to FastAPI."""

from pathlib import Path
from typing import cast

import pytest
from authlib.oauth2.rfc6749 import InvalidRequestError
from fastapi import APIRouter
from fastapi import FastAPI
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.responses import Response
from starlette.routing import Route

from idp.app import create_app
from idp.deps import plain_route
from idp.oidc.requests import database_error_response
from idp.oidc.requests import oauth2_error_response
from idp.plain_routes import PlainRoutes
from idp.plain_routes import plain_routes
from idp.settings import IdPSettings

HOT_PATHS = {
    "/authorize",
    "/authorize/resume/{uid}",
    "/token",
    "/userinfo",
    "/interaction/{uid}",
    "/interaction/{uid}/login",
    "/interaction/{uid}/consent",
}


def _app() -> FastAPI:
    """A plain route per behaviour, dispatched by PlainRoutes; FastAPI's router holds them as well."""
    router = APIRouter()
    seen: list[str] = []

    @plain_route(router, "/echo/{name}", ["GET"])
    async def echo(request: Request) -> Response:
        seen.append("router" if "router" in request.scope else "plain")
        return PlainTextResponse(request.path_params["name"])

    @plain_route(router, "/oauth-error", ["GET"])
    async def oauth_error(request: Request) -> Response:
        raise InvalidRequestError("Bad thing.")

    @plain_route(router, "/database-error", ["GET"])
    async def database_error(request: Request) -> Response:
        raise OperationalError("SELECT 1", {}, Exception("gone"))

    @plain_route(router, "/http-error", ["GET"])
    async def http_error(request: Request) -> Response:
        raise HTTPException(418, "Teapot.")

    @plain_route(router, "/crash", ["GET"])
    async def crash(request: Request) -> Response:
        raise RuntimeError("secret detail")

    @router.get("/fastapi")
    async def fastapi_route() -> dict[str, str]:
        return {"served_by": "fastapi"}

    app = FastAPI()
    app.add_exception_handler(InvalidRequestError, oauth2_error_response)
    app.add_exception_handler(OperationalError, database_error_response)
    app.add_middleware(
        PlainRoutes, routes=plain_routes(router.routes), handlers=app.exception_handlers
    )
    app.include_router(router)
    app.state.seen = seen
    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(_app(), raise_server_exceptions=False)


def _dispatched(app: object) -> set[str]:
    assert isinstance(app, FastAPI)
    (dispatcher,) = [m for m in app.user_middleware if m.cls is PlainRoutes]  # type: ignore[comparison-overlap]
    routes = cast(list[Route], dispatcher.kwargs["routes"])
    return {route.path for route in routes}


def test_only_the_plain_routes_are_picked(client: TestClient) -> None:
    assert _dispatched(client.app) == {
        "/echo/{name}", "/oauth-error", "/database-error", "/http-error", "/crash"
    }  # fmt: skip


def test_a_full_match_skips_the_router_and_gets_its_path_parameters(client: TestClient) -> None:
    response = client.get("/echo/minh")
    assert response.status_code == 200
    assert response.text == "minh"
    assert isinstance(client.app, FastAPI)
    # Starlette's router puts itself in the scope; the dispatcher answers before it runs.
    assert client.app.state.seen == ["plain"]


def test_other_paths_and_methods_go_on_to_fastapi(client: TestClient) -> None:
    assert client.get("/fastapi").json() == {"served_by": "fastapi"}
    wrong_method = client.post("/echo/minh")
    assert wrong_method.status_code == 405
    assert "GET" in wrong_method.headers["allow"]
    assert client.get("/echo/minh/more").status_code == 404


def test_head_reaches_the_method_guard(client: TestClient) -> None:
    response = client.head("/echo/minh")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_exceptions_get_the_application_handlers(client: TestClient) -> None:
    oauth = client.get("/oauth-error")
    assert oauth.status_code == 400
    assert oauth.json() == {"error": "invalid_request", "error_description": "Bad thing."}
    database = client.get("/database-error")
    assert database.status_code == 503
    assert database.json()["error"] == "temporarily_unavailable"
    teapot = client.get("/http-error")  # FastAPI's own (async) handler for HTTPException
    assert teapot.status_code == 418
    assert teapot.json() == {"detail": "Teapot."}


def test_an_unhandled_exception_is_a_bare_500(client: TestClient) -> None:
    response = client.get("/crash")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text


def test_the_provider_dispatches_every_route_on_the_flow_path(tmp_path: Path) -> None:
    settings = IdPSettings(database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}", keys_dir=tmp_path)
    assert _dispatched(create_app(settings)) == HOT_PATHS
