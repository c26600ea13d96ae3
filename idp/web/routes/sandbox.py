"""The sandbox's mock SMS inbox (:mod:`idp.login.sandbox`): ``/sandbox/sms`` (a page) and
``/sandbox/sms.json`` (the JSON API, for tests)."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.login.sandbox import inbox_json
from idp.login.sandbox import inbox_view
from idp.oidc.answer import page
from idp.web.api_models import Inbox
from idp.web.api_models import errors
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.errors import PageRoute
from idp.web.responses import to_response

api = APIRouter(prefix="/sandbox", route_class=ApiRoute, include_in_schema=False)
pages = APIRouter(prefix="/sandbox", route_class=PageRoute, include_in_schema=False)
PhoneQuery = Annotated[str, Query(max_length=20)]


@api.api_route(
    "/sms.json", methods=["GET", "HEAD"], responses={200: {"model": Inbox}, **errors(400)}
)
async def sms_json(request: Request, phone: PhoneQuery = "") -> Response:
    engine = server_of(request).engine
    return JSONResponse(await off_loop(inbox_json, engine, phone))


@pages.api_route("/sms", methods=["GET", "HEAD"])
async def sms_page(request: Request, phone: PhoneQuery = "") -> Response:
    engine = server_of(request).engine
    return to_response(request, page(await off_loop(inbox_view, engine, phone)))
