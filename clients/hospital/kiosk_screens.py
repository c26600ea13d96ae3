"""What the self-service kiosk's screens share, whichever way the patient checked in (a VNeID code or
the chip identity card): the session key of what the screen shows, how long an outcome stays, the
way back to the start, and the ticket screen."""

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.hospital.checkins import queue_number
from clients.hospital.models import CheckIn
from clients.rp.deps import DatabaseDep
from clients.rp.rendering import render

KIOSK = "hospital_kiosk"
"""The session key of what the kiosk's screen shows."""
TICKET_SECONDS = 20
"""How long the ticket stays on the screen before the next patient's start."""
ENDED_SECONDS = 30
"""How long a refusal or an expiry stays on the screen."""
NEXT = "/kiosk/next"


def start_again(request: Request) -> Response:
    """The start screen for the next patient."""
    request.session.pop(KIOSK, None)
    return RedirectResponse("/kiosk", status_code=303)


def ticket_screen(request: Request, db: DatabaseDep, screen: dict[str, Any]) -> Response:
    """The ticket of the patient just checked in (``by_card``: from their chip identity card)."""
    ticket_id = screen.get("ticket")
    ticket = db.get(CheckIn, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None:
        return start_again(request)
    return render(
        request,
        "hospital/kiosk/ticket.html",
        ticket=ticket,
        number=queue_number(db, ticket),
        shared=bool(screen.get("shared")),
        by_card=bool(screen.get("by_card")),
        refresh=TICKET_SECONDS,
        refresh_to=NEXT,
    )
