"""What the pages of a card reading share (the hospital's check-in and kiosk, the bank's counter): the
app's :class:`~clients.rp.chip_reading.CardDesk`, opening a check (a reader that cannot be opened is
the error page), a check of this browser by its id, the values of the waiting screen and its two
forms."""

import math
import time
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Path
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.rp.card_checks import CardCheck
from clients.rp.card_checks import owned_check
from clients.rp.card_reader import ReaderError
from clients.rp.catalogue import catalogue
from clients.rp.chip_reading import CardDesk
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.errors import PageError
from clients.rp.language import language_of

REFRESH = 2
"""Seconds between two looks at the reader while a page waits for the card."""
CheckId = Annotated[str, Path(min_length=16, max_length=64, pattern="^[A-Za-z0-9_-]+$")]


def card_desk(request: Request) -> CardDesk:
    desk: CardDesk = request.app.state.cards
    return desk


CardDeskDep = Annotated[CardDesk, Depends(card_desk)]


def reader_label(request: Request, key: str, **values: object) -> str:
    """The words the reader's page shows for the app's reader (message ``key``)."""
    return catalogue().text(language_of(request), key, **values)


async def start_check(
    request: Request, desk: CardDesk, db: Session, purpose: str, label: str, **context: Any
) -> CardCheck:
    """A new check on a reader labelled ``label``; the error page (502) when the reader cannot be
    opened."""
    try:
        return await desk.open(request, db, purpose, label, context)
    except ReaderError as error:
        raise PageError(502, "chip.errors.reader_unavailable", error=error.error) from None


def owned(request: Request, db: Session, check_id: str) -> CardCheck:
    """This browser's check ``check_id``; 404 otherwise."""
    check = owned_check(db, request.session, check_id)
    if check is None:
        raise PageError(404, "chip.errors.no_such_check")
    return check


def waiting_values(check: CardCheck, forms: str) -> dict[str, Any]:
    """What the waiting screen shows: when it reloads, how long the reader still waits, and where its
    two forms go (``forms/continue``, ``forms/cancel``)."""
    return {
        "refresh": REFRESH,
        "minutes": max(1, math.ceil((check.expires_at - time.time()) / 60)),
        "continue_action": f"{forms}/continue",
        "cancel_action": f"{forms}/cancel",
    }


def add_waiting_forms(router: APIRouter, page: str, home: str) -> None:
    """The waiting page's two forms, for the checks at ``page/{id}``: ``continue`` shows the page again
    (which asks the reader), for a browser that does not reload itself; ``cancel`` closes the reader
    and goes back ``home``."""

    @router.post(page + "/{check_id}/continue")
    def continue_(
        request: Request, db: DatabaseDep, check_id: CheckId, csrf: CsrfField
    ) -> Response:
        check_csrf(request.session, csrf)
        return RedirectResponse(f"{page}/{owned(request, db, check_id).id}", status_code=303)

    @router.post(page + "/{check_id}/cancel")
    async def cancel(
        request: Request, db: DatabaseDep, desk: CardDeskDep, check_id: CheckId, csrf: CsrfField
    ) -> Response:
        check_csrf(request.session, csrf)
        await desk.cancel(db, owned(request, db, check_id))
        return RedirectResponse(home, status_code=303)
