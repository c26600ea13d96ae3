"""The simulated card reader (:mod:`idp.card_reader`): its JSON API under ``/api/card-reader/``, which a
kiosk's or a counter's software drives, and its page at ``/card-reader/{reader_id}``, where an operator
taps a card (phone-sized, in Vietnamese and English, every form CSRF-protected and answered with a
redirect).

The API needs no client authentication: a reader is hardware, and what opens a chip is the card and its
access key. Its errors are RFC 6749 §5.2 JSON: an unknown, closed or expired reader is 404
``not_found``; a wrong access key 403 ``access_denied``; too many wrong keys 429
``too_many_attempts``; a card already on the reader 409 ``card_present``; no card 409 ``no_card``.
"""

import base64
import binascii
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Path
from fastapi import Request
from starlette.responses import Response

from idp.card_reader import reader as card_reader
from idp.card_reader import screens
from idp.card_reader.access_keys import AccessKey
from idp.card_reader.reader import Refused
from idp.chip.active_auth import CHALLENGE_BYTES
from idp.oidc.answer import Answer
from idp.oidc.server import AuthorizationServer
from idp.web.api_models import OAuthError
from idp.web.blocking import off_loop
from idp.web.card_reader_models import Challenge
from idp.web.card_reader_models import ReaderOpened
from idp.web.card_reader_models import ReaderRequest
from idp.web.card_reader_models import ReaderState
from idp.web.card_reader_models import Signature
from idp.web.card_reader_models import Tapped
from idp.web.card_reader_models import TapRequest
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.errors import PageRoute
from idp.web.errors import error_answer
from idp.web.requests import read_form
from idp.web.responses import to_response

PREFIX = "/api/card-reader/sessions"
REFUSALS: dict[Refused, tuple[int, str, str]] = {
    Refused.GONE: (404, "not_found", "The card reader is unknown, was closed or expired."),
    Refused.WRONG_KEY: (403, "access_denied", "The chip did not open: wrong access key."),
    Refused.LOCKED: (
        429,
        "too_many_attempts",
        "Too many wrong access keys: remove the card from the reader before another try.",
    ),
    Refused.OCCUPIED: (409, "card_present", "A card is on the reader already: remove it first."),
    Refused.NO_CARD: (409, "no_card", "No card is on the reader."),
    Refused.NO_SUCH_CARD: (400, "invalid_request", "No identity card has this number."),
    Refused.NO_SUCH_PERSON: (400, "invalid_request", "No citizen has this number."),
}


def _answers(*refusals: Refused) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation documents."""
    found: dict[int | str, dict[str, Any]] = {
        400: {"model": OAuthError, "description": "invalid_request"}
    }
    for refused in refusals:
        status, error, _ = REFUSALS[refused]
        described = found.get(status, {}).get("description")
        description = f"{described}, {error}" if described else error
        found[status] = {"model": OAuthError, "description": description}
    return found


api = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["card reader"])
pages = APIRouter(prefix="/card-reader", route_class=PageRoute, include_in_schema=False)
ReaderId = Annotated[str, Path(max_length=64, description="The reader's id.")]


def _refused(request: Request, refused: Refused) -> Response:
    status, error, description = REFUSALS[refused]
    return error_answer(request, error, description, status)


@api.post(
    "",
    status_code=201,
    response_model=ReaderOpened,
    responses=_answers(),
)
async def open_reader(request: Request, body: ReaderRequest | None = None) -> dict[str, Any]:
    """A new reader; its page (``reader_url``) is where a card is tapped."""
    server = server_of(request)
    opened = await off_loop(card_reader.open_reader, server, body.label if body else "")
    return {
        "reader_id": opened.id,
        "reader_url": f"{server.settings.issuer}/card-reader/{opened.id}",
        "expires_in": round(opened.expires_at - server.clock.now()),
    }


def _state(server: AuthorizationServer, reader_id: str) -> dict[str, Any] | Refused:
    reader = card_reader.readers(server).find(reader_id)
    if reader is None:
        return Refused.GONE
    state: dict[str, Any] = {
        "status": "waiting" if reader.card is None else "card_present",
        "label": reader.label,
        "expires_in": max(0, round(reader.expires_at - server.clock.now())),
    }
    if reader.card is not None:
        read = card_reader.files(server, reader)
        state["application_id"] = card_reader.APPLICATION_ID
        state["files"] = {
            name: base64.b64encode(data).decode("ascii") for name, data in read.items()
        }
    return state


@api.get(
    "/{reader_id}",
    response_model=ReaderState,
    response_model_exclude_none=True,
    responses=_answers(Refused.GONE),
)
async def reader_state(request: Request, reader_id: ReaderId) -> Any:
    """``waiting``, or ``card_present`` with the files the reader read from the opened chip."""
    state = await off_loop(_state, server_of(request), reader_id)
    return _refused(request, state) if isinstance(state, Refused) else state


@api.post(
    "/{reader_id}/tap",
    response_model=Tapped,
    responses=_answers(
        Refused.GONE, Refused.WRONG_KEY, Refused.LOCKED, Refused.OCCUPIED, Refused.NO_SUCH_CARD
    ),
)
async def tap(request: Request, reader_id: ReaderId, body: TapRequest) -> Any:
    """A test suite's tap: the card of ``card`` placed on the reader, its chip opened with
    ``access_key`` (the page's tap does the same)."""
    given = body.access_key
    key = AccessKey(given.card_number, given.birth_date, given.expiry_date)
    server = server_of(request)
    tapped = await off_loop(card_reader.tap, server, reader_id, body.card, key, body.face or "")
    return _refused(request, tapped) if isinstance(tapped, Refused) else {"status": "card_present"}


def _challenge(text: str) -> bytes | None:
    try:
        challenge = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return challenge if len(challenge) == CHALLENGE_BYTES else None


@api.post(
    "/{reader_id}/internal-authenticate",
    response_model=Signature,
    responses=_answers(Refused.GONE, Refused.NO_CARD),
)
async def internal_authenticate(request: Request, reader_id: ReaderId, body: Challenge) -> Any:
    """Active Authentication (ICAO 9303 Part 11 §6.1): the opened chip signs the reader's 8-byte
    challenge; check the answer with the key of DG15."""
    challenge = _challenge(body.challenge)
    if challenge is None:
        description = "The challenge must be 8 bytes in standard base64."
        return error_answer(request, "invalid_request", description)
    server = server_of(request)
    answer = await off_loop(card_reader.internal_authenticate, server, reader_id, challenge)
    if isinstance(answer, Refused):
        return _refused(request, answer)
    return {"signature": base64.b64encode(answer).decode("ascii")}


CAMERA_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "A photo of the person at the camera."},
    **_answers(Refused.GONE, Refused.NO_CARD),
}


@api.get("/{reader_id}/camera", response_class=Response, responses=CAMERA_ANSWERS)
async def camera(request: Request, reader_id: ReaderId) -> Response:
    """A photo (JPEG) of the person in front of the reader's camera; each a new shot."""
    taken = await off_loop(card_reader.photo, server_of(request), reader_id)
    if isinstance(taken, Refused):
        return _refused(request, taken)
    return Response(taken, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@api.delete(
    "/{reader_id}/card", status_code=204, response_class=Response, responses=_answers(Refused.GONE)
)
async def remove_card(request: Request, reader_id: ReaderId) -> Response:
    """Take the card off the reader (the wrong access keys are forgotten); the reader waits."""
    removed = await off_loop(card_reader.remove, server_of(request), reader_id)
    return _refused(request, Refused.GONE) if removed is None else Response(status_code=204)


@api.delete(
    "/{reader_id}", status_code=204, response_class=Response, responses=_answers(Refused.GONE)
)
async def close_reader(request: Request, reader_id: ReaderId) -> Response:
    """Close the reader."""
    ended = await off_loop(card_reader.end, server_of(request), reader_id)
    return Response(status_code=204) if ended else _refused(request, Refused.GONE)


# The page


def _browser(request: Request) -> screens.Browser:
    return screens.browser_of(server_of(request), request.cookies.get(screens.READER_COOKIE))


async def _page(request: Request, shown: Any) -> Response:
    answer: Answer = await off_loop(shown)
    return to_response(request, answer)


@pages.api_route("/{reader_id}", methods=["GET", "HEAD"])
async def reader_page(request: Request, reader_id: str) -> Response:
    server, browser = server_of(request), _browser(request)
    return await _page(request, lambda: screens.screen(server, reader_id[:64], browser))


@pages.post("/{reader_id}/card")
async def choose_card(request: Request, reader_id: str) -> Response:
    form = await read_form(request)
    csrf, who = form.get("csrf", 64, ""), form.get("who", 64, "")
    server, browser = server_of(request), _browser(request)
    return await _page(
        request, lambda: screens.choose_card(server, reader_id[:64], browser, csrf, who)
    )


@pages.post("/{reader_id}/tap")
async def tap_card(request: Request, reader_id: str) -> Response:
    form = await read_form(request)
    fields = (
        form.get("csrf", 64, ""),
        form.get("card_number", 20, ""),
        form.get("birth_date", 20, ""),
        form.get("expiry_date", 20, ""),
        form.get("face", 64, ""),
    )
    server, browser = server_of(request), _browser(request)
    return await _page(request, lambda: screens.tap_card(server, reader_id[:64], browser, fields))


@pages.post("/{reader_id}/face")
async def change_face(request: Request, reader_id: str) -> Response:
    form = await read_form(request)
    csrf, who = form.get("csrf", 64, ""), form.get("face", 64, "")
    server, browser = server_of(request), _browser(request)
    return await _page(
        request, lambda: screens.change_face(server, reader_id[:64], browser, csrf, who)
    )


@pages.post("/{reader_id}/remove")
async def remove(request: Request, reader_id: str) -> Response:
    csrf = (await read_form(request)).get("csrf", 64, "")
    server, browser = server_of(request), _browser(request)
    return await _page(request, lambda: screens.remove_card(server, reader_id[:64], browser, csrf))
