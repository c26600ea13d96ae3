"""The card reader's page (màn hình đầu đọc thẻ) at ``/card-reader/{reader_id}``, as
:class:`~idp.oidc.answer.View` values the web layer renders from ``idp/web/templates/card_reader``.

Three screens follow the reader's state: no card (choose a persona, or type a PIN: the card is placed
on the reader), a card placed but not opened (the card as printed, the access-key form, who stands in
front of the camera; after too many wrong keys, only "remove the card"), and an opened card (what the
reader read, the camera's subject). Every form carries a CSRF token bound to this browser (an HMAC of a
random HttpOnly cookie and the reader's id, under the subject secret) and is answered with a redirect
to the screen (Post/Redirect/Get); a form that did not go through leaves its message in the reader,
shown once by the next showing of the screen with the status the form earned.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from dataclasses import replace
from datetime import date

from idp.card_reader import reader as card_reader
from idp.card_reader.access_keys import typed_key
from idp.card_reader.reader import Refused
from idp.chip.card import CardHolder
from idp.chip.portrait import portrait_id
from idp.login.pages import error_view
from idp.login.pages import personas
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import View
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.state.card_readers import MAX_WRONG_KEYS
from idp.state.card_readers import Reader

READER_COOKIE = "vneid_card_reader"
BASE = "/card-reader"
COOKIE_TTL = 24 * 3600
STATUS: dict[str, int] = {
    Refused.WRONG_KEY: 403,
    Refused.LOCKED: 429,
    Refused.OCCUPIED: 409,
    Refused.NO_SUCH_CARD: 400,
    Refused.NO_SUCH_PERSON: 400,
    Refused.NO_CARD: 409,
}
BAD_KEY = "bad_key"
BAD_FORM = "bad_form"


@dataclass(frozen=True)
class Printed:
    """A card as its face and back print it."""

    pin: str
    name: str
    birth_date: date
    sex: str
    nationality: str
    expires_on: date | None
    portrait: str | None
    """The photo's address; None: the card has no photo (a child under 6 when it was made)."""
    mrz: tuple[str, str, str]


@dataclass(frozen=True)
class Person:
    """Who stands in front of the camera."""

    pin: str
    name: str
    portrait: str


@dataclass(frozen=True)
class Browser:
    """This browser's token (its cookie) on the reader's pages; ``cookie`` set when it is new."""

    token: str
    cookie: Cookie | None = None


def browser_of(server: AuthorizationServer, token: str | None) -> Browser:
    if token:
        return Browser(token[:64])
    fresh = secrets.token_urlsafe(24)
    secure = server.settings.issuer.startswith("https://")
    return Browser(fresh, Cookie(READER_COOKIE, fresh, COOKIE_TTL, path=BASE, secure=secure))


def csrf_of(server: AuthorizationServer, browser: Browser, reader_id: str) -> str:
    """The forms' CSRF token: bound to this browser and this reader, unguessable without the secret."""
    key = server.settings.subject_secret.get_secret_value().encode()
    text = f"card-reader-csrf:{browser.token}:{reader_id}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:43]


def _portrait(identifier: str) -> str:
    return f"/portraits/{identifier}.svg"


def printed(server: AuthorizationServer, holder: CardHolder) -> Printed:
    portrait = _portrait(holder.portrait_id) if holder.portrait_id else None
    mrz = card_reader.chip_of(server, holder).mrz
    return Printed(
        holder.pin,
        holder.full_name,
        holder.birth_date,
        holder.sex,
        holder.nationality,
        holder.expires_on,
        portrait,
        mrz,
    )


def gone() -> Answer:
    """The page of a reader that is unknown, ended or expired."""
    description = "The card reader is unknown, was closed or expired."
    return page(error_view("not_found", description, "card_reader_gone"), 404)


def screen(server: AuthorizationServer, reader_id: str, browser: Browser) -> Answer:
    """The reader's screen for its state, with the message of the last form, once."""
    readers = card_reader.readers(server)
    reader = readers.find(reader_id)
    if reader is None:
        return gone()
    if reader.notice:
        readers.change(reader_id, lambda r: replace(r, notice="", notice_status=200))
    return _with_cookie(_shown(server, reader, browser), browser)


def _with_cookie(answer: Answer, browser: Browser) -> Answer:
    return answer if browser.cookie is None else answer.with_cookie(browser.cookie)


def _shown(
    server: AuthorizationServer, reader: Reader, browser: Browser, notice: str = ""
) -> Answer:
    status = 400 if notice else reader.notice_status if reader.notice else 200
    notice = notice or reader.notice
    values: dict[str, object] = {
        "reader": reader,
        "base": f"{BASE}/{reader.id}",
        "csrf": csrf_of(server, browser, reader.id),
        "notice": f"card_reader.{notice}" if notice else "",
        "personas": personas(),
    }
    switch = f"{BASE}/{reader.id}"
    if reader.card is not None:
        values |= _present_values(server, reader)
        return page(View("card_reader/present.html", values, switch=switch), status)
    if reader.chosen is not None:
        values |= {
            "card": printed(server, reader.chosen),
            "locked": reader.locked,
            "tries_left": max(0, MAX_WRONG_KEYS - reader.wrong_keys),
        }
        return page(View("card_reader/key.html", values, switch=switch), status)
    return page(View("card_reader/waiting.html", values, switch=switch), status)


def _present_values(server: AuthorizationServer, reader: Reader) -> dict[str, object]:
    assert reader.card is not None
    holder, face = reader.card.holder, reader.card.face
    found = card_reader.citizen_name(server, face)
    secret = server.settings.subject_secret.get_secret_value()
    person = Person(face, found[1] if found else face, _portrait(portrait_id(face, secret)))
    read = card_reader.files(server, reader)
    return {
        "card": printed(server, holder),
        "files": [(name, len(data)) for name, data in read.items()],
        "application_id": card_reader.APPLICATION_ID,
        "face": person,
        "impostor": face != holder.pin,
    }


def _after(server: AuthorizationServer, reader_id: str, outcome: Reader | str) -> Answer:
    """The form's redirect back to the screen, its message (a :class:`Refused`, or why the form was
    not read) left in the reader for the screen."""
    if outcome == Refused.GONE:
        return gone()
    if isinstance(outcome, str):
        notice, status = str(outcome), STATUS.get(outcome, 400)
        card_reader.readers(server).change(
            reader_id, lambda r: replace(r, notice=notice, notice_status=status)
        )
    return redirect(f"{BASE}/{reader_id}")


def _checked(
    server: AuthorizationServer, reader_id: str, browser: Browser, csrf: str
) -> Reader | Answer:
    """The reader, if the form's CSRF token is this browser's; else the screen saying so."""
    reader = card_reader.readers(server).find(reader_id)
    if reader is None:
        return gone()
    if browser.cookie is not None or not same_token(csrf, csrf_of(server, browser, reader_id)):
        return _with_cookie(_shown(server, reader, browser, BAD_FORM), browser)
    return reader


def choose_card(
    server: AuthorizationServer, reader_id: str, browser: Browser, csrf: str, who: str
) -> Answer:
    """The operator put the card of ``who`` (a persona key or a PIN) on the reader."""
    checked = _checked(server, reader_id, browser, csrf)
    if isinstance(checked, Answer):
        return checked
    holder = card_reader.holder_of(server, who)
    if holder is None:
        return _after(server, reader_id, Refused.NO_SUCH_CARD)
    return _after(server, reader_id, card_reader.choose(server, reader_id, holder))


def tap_card(
    server: AuthorizationServer,
    reader_id: str,
    browser: Browser,
    form: tuple[str, str, str, str, str],
) -> Answer:
    """The access key typed (``form``: CSRF token, card number, birth date, expiry, the camera's
    subject): the chip of the card placed opens, or not."""
    csrf, number, birth, expiry, face = form
    checked = _checked(server, reader_id, browser, csrf)
    if isinstance(checked, Answer):
        return checked
    if checked.card is not None or checked.chosen is None:
        return _after(server, reader_id, Refused.OCCUPIED if checked.card else Refused.NO_CARD)
    key = typed_key(number, birth, expiry)
    if key is None:
        return _after(server, reader_id, BAD_KEY)
    person = card_reader.citizen_name(server, face) if face.strip() else None
    if face.strip() and person is None:
        return _after(server, reader_id, Refused.NO_SUCH_PERSON)
    placed = card_reader.place(
        server, reader_id, checked.chosen, key, person[0] if person else None
    )
    if placed == Refused.WRONG_KEY:  # the last key the reader takes says so at once
        after = card_reader.readers(server).find(reader_id)
        placed = Refused.LOCKED if after is not None and after.locked else placed
    return _after(server, reader_id, placed)


def change_face(
    server: AuthorizationServer, reader_id: str, browser: Browser, csrf: str, who: str
) -> Answer:
    """Someone else stands in front of the camera (empty ``who``: the card holder again)."""
    checked = _checked(server, reader_id, browser, csrf)
    if isinstance(checked, Answer):
        return checked
    if checked.card is None:
        return _after(server, reader_id, Refused.NO_CARD)
    person = card_reader.citizen_name(server, who) if who.strip() else None
    if who.strip() and person is None:
        return _after(server, reader_id, Refused.NO_SUCH_PERSON)
    pin = person[0] if person else checked.card.holder.pin
    return _after(server, reader_id, card_reader.face_at_camera(server, reader_id, pin))


def remove_card(server: AuthorizationServer, reader_id: str, browser: Browser, csrf: str) -> Answer:
    """The card taken off the reader."""
    checked = _checked(server, reader_id, browser, csrf)
    if isinstance(checked, Answer):
        return checked
    removed = card_reader.remove(server, reader_id)
    return _after(server, reader_id, Refused.GONE if removed is None else removed)
