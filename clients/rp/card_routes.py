"""The routes of an app that reads chip identity cards (the hospital, the bank's counter): the two
pictures of a card check, for its pages and the flow inspector. ``/card-checks/{id}/portrait.jpg`` is
the portrait DG2 holds, ``/card-checks/{id}/camera.jpg`` the camera's photo; only to the browser that
started the check, never cached."""

import base64
import binascii

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from clients.rp.card_pages import CheckId
from clients.rp.card_pages import owned
from clients.rp.chip_files import ChipFileError
from clients.rp.chip_files import portrait_of
from clients.rp.deps import DatabaseDep
from clients.rp.errors import PageError

router = APIRouter()


@router.get("/card-checks/{check_id}/portrait.jpg")
def portrait(request: Request, db: DatabaseDep, check_id: CheckId) -> Response:
    check = owned(request, db, check_id)
    try:
        jpeg = portrait_of(base64.b64decode(str(check.files.get("DG2", ""))))
    except (ChipFileError, binascii.Error, ValueError):
        raise PageError(404, "chip.errors.no_such_check") from None
    return _jpeg(jpeg)


@router.get("/card-checks/{check_id}/camera.jpg")
def camera(request: Request, db: DatabaseDep, check_id: CheckId) -> Response:
    check = owned(request, db, check_id)
    if not check.photo:
        raise PageError(404, "chip.errors.no_such_check")
    return _jpeg(base64.b64decode(check.photo))


def _jpeg(data: bytes) -> Response:
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
