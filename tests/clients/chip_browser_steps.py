"""What the chip card's browser tests share (Playwright driving Debian's Chromium): numbered screenshots
of either page, and the operator's part on the provider's simulated reader, opened from the app's page
in a new tab: the citizen's card placed, its access key typed as printed on the card's face (a wrong one
first, if asked), who stands at the camera, and the tap."""

import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.clients.card_steps import card_of
from tests.clients.conftest import Stack


class Shots:
    """Numbered screenshots of one scenario, whichever page they show."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.count = 0

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


def open_reader(app: Page) -> Page:
    """The reader's page, opened by the app's link in a new tab."""
    with app.context.expect_page() as opened:
        app.click("#reader-link")
    reader = opened.value
    reader.set_default_timeout(20_000)
    reader.wait_for_selector("#who")
    return reader


def _printed(iso: str | None) -> str:
    """A date as the card's face prints it (``DD/MM/YYYY``)."""
    return "" if iso is None else f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def tap_card(
    reader: Page,
    stack: Stack,
    shots: Shots,
    who: str,
    face: str = "",
    wrong_key_first: bool = False,
) -> None:
    """The operator places ``who``'s card, types its access key and taps; ``face`` at the camera
    (the holder when empty)."""
    card: dict[str, Any] = card_of(stack, who)
    reader.fill("#who", who)
    reader.click("form:has(#who) button[type=submit]")
    reader.wait_for_selector("#tap")
    shots.take(reader, "reader-card-placed")
    if wrong_key_first:
        _type_key(reader, who, "01/01/2000", _printed(card["expires_on"]) or "<<<<<<", face)
        reader.click("#tap")
        reader.wait_for_selector("#tap")  # still closed: the key is asked again
        shots.take(reader, "reader-wrong-key")
    _type_key(
        reader, who, _printed(card["birth_date"]), _printed(card["expires_on"]) or "<<<<<<", face
    )
    reader.click("#tap")
    reader.wait_for_selector("#chip-open")
    shots.take(reader, "reader-chip-open")


def _type_key(reader: Page, who: str, birth: str, expiry: str, face: str) -> None:
    reader.fill("#card_number", who)
    reader.fill("#birth_date", birth)
    reader.fill("#expiry_date", expiry)
    reader.fill("#face", face)
