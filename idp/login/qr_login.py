"""QR login (đăng nhập bằng mã QR): the code the login page shows, for the VNeID app to scan.

Each login page shows a QR code for its interaction: a link to the phone's scan page carrying the id of a
``qr`` request (:mod:`idp.state.phone_requests`), short-lived (``qr_ttl``) and single-use (the first phone
that scans it claims it). The page shown again keeps the same code while it has a while to live; an
expired one is replaced. The image is a real, scannable QR code (``segno``, ISO/IEC 18004), inline SVG.
Approving on the phone finishes the interaction; the page, waiting by polling or by its "continue"
button, then answers the client (:func:`idp.login.steps.current_page`).
"""

from dataclasses import dataclass

import segno

from idp.oidc.interaction import Interaction
from idp.oidc.server import AuthorizationServer
from idp.state import phone_requests

REUSE_MARGIN = 20
"""A code with fewer seconds than this left is replaced rather than shown again."""


@dataclass(frozen=True)
class QrOffer:
    """A QR code to show: the link it carries, its SVG and its seconds to live."""

    link: str
    svg: str
    expires_in: int


def scan_link(issuer: str, request_id: str) -> str:
    """What the code carries: the phone's scan page for this request."""
    return f"{issuer}/phone/scan?r={request_id}"


def qr_svg(text: str) -> str:
    """An inline SVG QR code of ``text`` (error correction M, 4 pixels a module, quiet zone kept)."""
    code = segno.make(text, error="m", micro=False)
    svg: str = code.svg_inline(scale=4, dark="#111", light="#fff", omitsize=False)
    return svg


def qr_offer(server: AuthorizationServer, interaction: Interaction) -> QrOffer:
    """The interaction's live QR code, or a new one."""
    now = server.clock.now()
    engine = server.engine
    kept = phone_requests.live_for_interaction(
        engine, interaction.uid, "qr", now=now + REUSE_MARGIN
    )
    if kept is not None:
        request_id, expires_at = kept.id, kept.expires_at
    else:
        expires_at = min(now + server.settings.qr_ttl, interaction.expires_at)
        request_id = phone_requests.open_request(
            engine,
            uid=interaction.uid,
            kind="qr",
            client_id=interaction.client_id,
            pin=None,
            expires_at=expires_at,
            at=now,
        )
    link = scan_link(server.settings.issuer, request_id)
    return QrOffer(link, qr_svg(link), max(0, int(expires_at - now)))
