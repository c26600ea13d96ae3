"""Check-in with the chip identity card (đăng ký khám bằng thẻ căn cước gắn chip) at the reception
desk, the alternative to a VNeID login: the patient puts their card on the desk's reader and looks at
its camera (:mod:`clients.rp.chip_reading`); once the card is accepted (the hospital's own checks, the
verification service's ``valid`` and the face matched), the patient chooses the department and the
ticket is printed as after a login (:func:`clients.hospital.checkins.check_in_by_card`). The chip holds
no BHYT card: the page says so, and the visit is self-paying.

``POST /checkin/chip`` opens the reader; ``GET /checkin/chip/{id}`` waits for the card (reloading
itself), then shows the card's holder or the refusal with its reasons; ``…/continue`` is the same for
a browser that does not reload; ``…/cancel`` closes the reader; ``…/ticket`` prints the ticket, once.
"""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital.checkins import check_in_by_card
from clients.hospital.pages import DEPARTMENTS
from clients.hospital.pages import PRINTED
from clients.hospital.pages import PRINTED_BY_CARD
from clients.hospital.pages import Department
from clients.rp.card_checks import ACCEPTED
from clients.rp.card_checks import use
from clients.rp.card_pages import CardDeskDep
from clients.rp.card_pages import CheckId
from clients.rp.card_pages import add_waiting_forms
from clients.rp.card_pages import owned
from clients.rp.card_pages import reader_label
from clients.rp.card_pages import start_check
from clients.rp.card_pages import waiting_values
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.errors import PageError
from clients.rp.rendering import render

router = APIRouter()
PURPOSE = "chip_checkin"


def _page(check_id: str) -> str:
    return f"/checkin/chip/{check_id}"


@router.post("/checkin/chip")
async def start(request: Request, db: DatabaseDep, desk: CardDeskDep, csrf: CsrfField) -> Response:
    check_csrf(request.session, csrf)
    check = await start_check(
        request, desk, db, PURPOSE, reader_label(request, "hospital.chip.reader_label")
    )
    return RedirectResponse(_page(check.id), status_code=303)


@router.get("/checkin/chip/{check_id}")
async def check_page(
    request: Request, db: DatabaseDep, desk: CardDeskDep, check_id: CheckId
) -> Response:
    """Waiting for the card (asking the reader once), or what came of it."""
    check = owned(request, db, check_id)
    await desk.advance(request, db, check)
    return render(
        request,
        "hospital/chip.html",
        check=check,
        departments=DEPARTMENTS,
        **waiting_values(check, _page(check.id)),
    )


add_waiting_forms(router, "/checkin/chip", "/")


@router.post("/checkin/chip/{check_id}/ticket")
def ticket(
    request: Request,
    db: DatabaseDep,
    check_id: CheckId,
    csrf: CsrfField,
    department: Annotated[Department, Form()],
) -> Response:
    """The ticket of the accepted card's holder, printed once; shown by the ticket page."""
    check_csrf(request.session, csrf)
    check = owned(request, db, check_id)
    if check.status != ACCEPTED:
        raise PageError(409, "chip.errors.not_accepted")
    if not use(db, check):
        raise PageError(409, "chip.outcome.used")
    printed = check_in_by_card(db, check.holder, department)
    request.session[PRINTED] = printed.id
    request.session[PRINTED_BY_CARD] = True
    return RedirectResponse("/ticket", status_code=303)
