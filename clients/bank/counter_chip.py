"""eKYC at the teller counter with the chip identity card (eKYC bằng thẻ căn cước gắn chip), beside the
VNeID approval on the customer's phone (:mod:`clients.bank.counter`): the customer puts their card on
the counter's reader and looks at its camera (:mod:`clients.rp.chip_reading`). The bank reads the
chip, runs Active Authentication with its own challenge, checks the chip's signature itself, then asks
the provider's card verification service with the counter's client (``bank-counter``, the client
credentials grant). On ``valid`` with the face matched: "eKYC hoàn tất" with the customer's data as the
chip holds it; otherwise the refusal and its reasons. The check is kept in the bank's database
(``rp_card_check``) and shown only to the browser that started it.
"""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.bank.counter import OPERATIONS
from clients.bank.settings import BankSettings
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
from clients.rp.rendering import render

router = APIRouter()
PURPOSE = "chip_counter"


def _page(check_id: str) -> str:
    return f"/counter/chip/{check_id}"


@router.post("/counter/chip")
async def start(
    request: Request,
    db: DatabaseDep,
    desk: CardDeskDep,
    csrf: CsrfField,
    operation: Annotated[str, Form(pattern=f"^({'|'.join(OPERATIONS)})$")],
) -> Response:
    """The counter's reader opened for the customer at the counter."""
    check_csrf(request.session, csrf)
    settings: BankSettings = request.app.state.settings
    label = reader_label(request, "bank.counter_chip.reader_label", number=settings.counter_number)
    check = await start_check(request, desk, db, PURPOSE, label, operation=operation)
    return RedirectResponse(_page(check.id), status_code=303)


@router.get("/counter/chip/{check_id}")
async def check_page(
    request: Request, db: DatabaseDep, desk: CardDeskDep, check_id: CheckId
) -> Response:
    """Waiting for the card (asking the reader once), the eKYC result, or the refusal."""
    check = owned(request, db, check_id)
    await desk.advance(request, db, check)
    return render(
        request,
        "bank/counter_chip.html",
        check=check,
        operation=str(check.context.get("operation", OPERATIONS[0])),
        **waiting_values(check, _page(check.id)),
    )


add_waiting_forms(router, "/counter/chip", "/counter")
