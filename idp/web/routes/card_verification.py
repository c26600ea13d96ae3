"""The card verification service's route, ``POST /api/card-verification`` (JSON): glue only. The body
(at most 1 MiB) is read on the event loop; the checks, the database and the audit row
(:mod:`idp.citizen.card_verification`) run on the thread pool (:mod:`idp.web.blocking`). The request
is recorded for the sandbox without its body: a chip's files are no test's business there.
"""

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.citizen.card_presentation import MAX_BODY
from idp.citizen.card_verification import card_verification
from idp.web.api_models import BEARER
from idp.web.api_models import CARD_VERIFICATION_ANSWERS
from idp.web.api_models import JSON
from idp.web.api_models import CardPresentation
from idp.web.api_models import body
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.requests import media_type
from idp.web.requests import read_body
from idp.web.responses import to_response
from idp.web.sandbox_hooks import record

api = APIRouter(route_class=ApiRoute)


@api.post(
    "/api/card-verification",
    openapi_extra={"parameters": [BEARER], **body(CardPresentation, JSON)},
    responses=CARD_VERIFICATION_ANSWERS,
)
async def verify_card(request: Request) -> Response:
    """Verify a chip identity card's files (and a live photo) for a client licensed with
    ``card_verification``: genuine, current, its holder (docs/card-verification.md)."""
    server = server_of(request)
    authorization = request.headers.get("authorization")
    record(request, "card_verification", [])
    presented = await read_body(request, MAX_BODY)
    answer = await off_loop(
        card_verification, server, authorization, presented, media_type(request)
    )
    return to_response(request, answer)
