"""The population service's routes (dịch vụ đăng ký dân cư), ``POST /api/population/births`` and
``POST /api/population/deaths`` (JSON): glue only. The body (at most 16 KiB) is read on the event loop;
the checks, the database and the audit rows (:mod:`idp.citizen.births`, :mod:`idp.citizen.deaths`) run
on the thread pool (:mod:`idp.web.blocking`). The request is recorded for the sandbox without its
body: it carries a citizen's access token.
"""

from collections.abc import Callable

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.citizen.births import register_birth
from idp.citizen.deaths import register_death
from idp.citizen.population_service import MAX_BODY
from idp.oidc.answer import Answer
from idp.oidc.server import AuthorizationServer
from idp.web.api_models import BEARER
from idp.web.api_models import JSON
from idp.web.api_models import POPULATION_ANSWERS
from idp.web.api_models import BirthDeclaration
from idp.web.api_models import DeathDeclaration
from idp.web.api_models import body
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.requests import read_body
from idp.web.responses import to_response
from idp.web.sandbox_hooks import record

api = APIRouter(route_class=ApiRoute)


async def _register(
    request: Request,
    endpoint: str,
    register: Callable[[AuthorizationServer, str | None, bytes], Answer],
) -> Response:
    """Record the call (without its body), read the declaration and ``register`` it off the loop."""
    record(request, endpoint, [])
    declared = await read_body(request, MAX_BODY)
    authorization = request.headers.get("authorization")
    answer = await off_loop(register, server_of(request), authorization, declared)
    return to_response(request, answer)


@api.post(
    "/api/population/births",
    status_code=201,
    openapi_extra={"parameters": [BEARER], **body(BirthDeclaration, JSON)},
    responses=POPULATION_ANSWERS,
)
async def births(request: Request) -> Response:
    """Register a birth declared by a parent, for a client licensed with
    ``population_registration`` (docs/population-service.md)."""
    return await _register(request, "population_birth", register_birth)


@api.post(
    "/api/population/deaths",
    status_code=201,
    openapi_extra={"parameters": [BEARER], **body(DeathDeclaration, JSON)},
    responses=POPULATION_ANSWERS,
)
async def deaths(request: Request) -> Response:
    """Register a death declared by a relative, for a client licensed with
    ``population_registration`` (docs/population-service.md)."""
    return await _register(request, "population_death", register_death)
