"""The self-service kiosk with the chip identity card (ki-ốt đọc thẻ căn cước gắn chip), for a patient
without a phone: they touch their department under "the chip card", put their card on the kiosk's
reader and look at its camera (:mod:`clients.rp.chip_reading`). The screen reloads itself while the
reader waits; once the card is accepted the patient is checked in at once, as after a VNeID approval,
from the card's data (:func:`clients.hospital.checkins.check_in_by_card`), and the ticket is shown;
a refused card is said in words, with its reasons, and the screen returns to its start by itself.
"""

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital.checkins import check_in_by_card
from clients.hospital.kiosk_screens import ENDED_SECONDS
from clients.hospital.kiosk_screens import KIOSK
from clients.hospital.kiosk_screens import NEXT
from clients.hospital.kiosk_screens import start_again
from clients.hospital.kiosk_screens import ticket_screen
from clients.hospital.pages import Department
from clients.rp.card_checks import ACCEPTED
from clients.rp.card_checks import owned_check
from clients.rp.card_checks import use
from clients.rp.card_pages import CardDeskDep
from clients.rp.card_pages import reader_label
from clients.rp.card_pages import start_check
from clients.rp.card_pages import waiting_values
from clients.rp.chip_reading import CardDesk
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.rendering import render

router = APIRouter()
PURPOSE = "chip_kiosk"


@router.post("/kiosk/chip")
async def start(
    request: Request,
    db: DatabaseDep,
    desk: CardDeskDep,
    csrf: CsrfField,
    department: Annotated[Department, Form()],
) -> Response:
    """The kiosk's reader opened for the patient at the screen."""
    check_csrf(request.session, csrf)
    await abandon(request, db, desk)
    check = await start_check(
        request, desk, db, PURPOSE, reader_label(request, "hospital.chip.kiosk_label")
    )
    request.session[KIOSK] = {"screen": "chip", "department": department, "check": check.id}
    return RedirectResponse("/kiosk", status_code=303)


@router.post("/kiosk/chip/continue")
def continue_(request: Request, csrf: CsrfField) -> Response:
    """The screen again (which asks the reader), for a browser that does not reload itself."""
    check_csrf(request.session, csrf)
    return RedirectResponse("/kiosk", status_code=303)


@router.post("/kiosk/chip/cancel")
async def cancel(request: Request, db: DatabaseDep, desk: CardDeskDep, csrf: CsrfField) -> Response:
    check_csrf(request.session, csrf)
    await abandon(request, db, desk)
    return start_again(request)


async def abandon(request: Request, db: DatabaseDep, desk: CardDesk) -> None:
    """Close the reader of the screen's card check, if it still waits for a card."""
    screen = request.session.get(KIOSK)
    if isinstance(screen, dict) and screen.get("screen") == "chip":
        check = owned_check(db, request.session, str(screen.get("check")))
        if check is not None:
            await desk.cancel(db, check)


async def chip_screen(
    request: Request, db: DatabaseDep, desk: CardDesk, screen: dict[str, Any]
) -> Response:
    """Waiting for the card (asking the reader once), the ticket once it is accepted, or the refusal."""
    check = owned_check(db, request.session, str(screen.get("check")))
    if check is None:
        return start_again(request)
    await desk.advance(request, db, check)
    if check.status == ACCEPTED and use(db, check):
        ticket = check_in_by_card(db, check.holder, str(screen["department"]))
        request.session[KIOSK] = {"screen": "ticket", "ticket": ticket.id, "by_card": True}
        return ticket_screen(request, db, request.session[KIOSK])
    values: dict[str, Any] = waiting_values(check, "/kiosk/chip")
    if check.ended:
        values |= {"refresh": ENDED_SECONDS, "refresh_to": NEXT}
    return render(
        request,
        "hospital/kiosk/chip.html",
        check=check,
        department=screen["department"],
        **values,
    )
