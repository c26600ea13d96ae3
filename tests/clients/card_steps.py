"""Steps the chip card tests share: the card of a citizen as the provider's sandbox API describes it (its
access key as an operator types it from the card), a scripted tap on the provider's simulated reader
(``POST /api/card-reader/sessions/{id}/tap``, as the reader's page does), the reader of an app's
waiting page, and the app's page reloaded until the card was read; a citizen's card revoked or renewed
or their address changed through the sandbox API (``PATCH /sandbox/citizens/{who}``), put back as they
were afterwards."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any

import httpx

from idp.testkit.card_reader import access_key_of
from tests.clients.conftest import SANDBOX_TOKEN
from tests.clients.conftest import Stack

READER_LINK = re.compile(r'id="reader-link" href="([^"]+)"')
SANDBOX = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


def card_of(stack: Stack, who: str) -> dict[str, Any]:
    """The sandbox's document of ``who``'s card (files, MRZ, dates, the CSCA)."""
    answer = httpx.get(f"{stack.idp}/sandbox/cards/{who}", headers=SANDBOX)
    assert answer.status_code == 200, answer.text
    card: dict[str, Any] = answer.json()
    return card


def access_key(stack: Stack, who: str) -> dict[str, str]:
    """The access key of ``who``'s card: its number, birth date and expiry date (``YYMMDD``)."""
    return access_key_of(card_of(stack, who))


def change_citizen(stack: Stack, who: str, **changes: Any) -> None:
    """``PATCH /sandbox/citizens/{who}``: a ``card`` (an action, or a card as it was), an
    ``address``."""
    changed = httpx.patch(f"{stack.idp}/sandbox/citizens/{who}", json=changes, headers=SANDBOX)
    assert changed.status_code == 200, changed.text


@contextmanager
def citizen_kept(stack: Stack, who: str) -> Iterator[dict[str, Any]]:
    """``who``'s card and address are put back as they were when the block ends; the citizen as
    they were."""
    shown = httpx.get(f"{stack.idp}/sandbox/citizens/{who}", headers=SANDBOX)
    assert shown.status_code == 200, shown.text
    before: dict[str, Any] = shown.json()
    address = {k: before["address"][k] for k in ("province_code", "ward_code", "street_address")}
    try:
        yield before
    finally:
        change_citizen(stack, who, card=before["card"], address=address)


def reader_of(page: httpx.Response) -> str:
    """The reader id of an app's waiting page (the end of its reader link)."""
    found = READER_LINK.search(page.text)
    assert found is not None, page.text
    link = unescape(found.group(1))
    assert "/card-reader/" in link
    return link.rsplit("/", 1)[1]


def tap(
    stack: Stack,
    reader_id: str,
    who: str,
    key: dict[str, str] | None = None,
    face: str | None = None,
) -> httpx.Response:
    """``who``'s card on the reader, opened with ``key`` (its own unless given); ``face`` at the
    camera (the card holder unless given)."""
    body: dict[str, Any] = {"card": who, "access_key": key or access_key(stack, who)}
    if face is not None:
        body["face"] = face
    return httpx.post(f"{stack.idp}/api/card-reader/sessions/{reader_id}/tap", json=body)


def reader_state(stack: Stack, reader_id: str) -> httpx.Response:
    return httpx.get(f"{stack.idp}/api/card-reader/sessions/{reader_id}")


def wait_for_outcome(http: httpx.Client, url: str, limit: float = 20) -> httpx.Response:
    """The app's page, reloaded as its ``<meta http-equiv="refresh">`` asks, until the card was read
    (the page names its outcome)."""
    deadline = time.monotonic() + limit
    while True:
        page = http.get(url)
        assert page.status_code == 200, page.text
        if "data-outcome=" in page.text or 'id="queue-number"' in page.text:
            return page
        assert 'http-equiv="refresh"' in page.text, page.text
        assert time.monotonic() < deadline, "the card was not read"
        time.sleep(0.2)


def outcome_of(page: httpx.Response) -> str:
    found = re.search(r'data-outcome="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def reasons_of(page: httpx.Response) -> list[str]:
    return re.findall(r'data-reason="([^"]+)"', page.text)
