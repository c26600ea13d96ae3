"""QR login (đăng nhập bằng mã QR): the code the login page shows, for the VNeID app to scan.

Each browser's interaction carries the secret of its QR code (:attr:`Interaction.qr`, made with it):
the code carries ``{issuer}/phone/scan?r={uid}.{secret}``. It is short-lived (``qr_ttl``; the page shown
again with less than :data:`REUSE_MARGIN` seconds left gets a new one) and single-use: the phone that
scans it first claims it, as an approval request (:mod:`idp.state.phone_requests`, its id the secret).
The page costs nothing more than its link: the image is a separate request
(``/interaction/{uid}/qr.svg``), a real, scannable QR code (``segno``, ISO/IEC 18004) drawn only for a
browser that shows it, which also lists the code for the simulated phone's scan screen. Approving on
the phone finishes the interaction; the page, waiting by polling or by its "continue" link, then
answers the client (:func:`idp.login.steps.current_page`).
"""

import hmac
import io
from dataclasses import dataclass

from idp.oidc.interaction import Interaction
from idp.oidc.server import AuthorizationServer
from idp.state import phone_requests

REUSE_MARGIN = 20
"""A code with fewer seconds than this left is replaced rather than shown again."""
QR = "qr"


@dataclass(frozen=True)
class QrOffer:
    """A QR code to show: the link it carries and its seconds to live."""

    link: str
    expires_in: int


def scan_link(issuer: str, uid: str, secret: str) -> str:
    """What the code carries: the phone's scan page for this interaction's code."""
    return f"{issuer}/phone/scan?r={uid}.{secret}"


def qr_offer(server: AuthorizationServer, interaction: Interaction) -> QrOffer:
    """The interaction's live QR code; a new one (saved) when it expired or is about to."""
    now = server.clock.now()
    if not interaction.qr or interaction.qr_expires_at - now < REUSE_MARGIN:
        interaction.qr = phone_requests.new_id()
        interaction.qr_expires_at = min(now + server.settings.qr_ttl, interaction.expires_at)
        server.interactions.save(interaction)
    link = scan_link(server.settings.issuer, interaction.uid, interaction.qr)
    return QrOffer(link, max(0, int(interaction.qr_expires_at - now)))


def qr_svg(text: str) -> bytes:
    """An SVG QR code of ``text`` (error correction M, 4 pixels a module, quiet zone kept)."""
    import segno  # here: a twentieth of a second at start-up, only for the browsers that show a page

    code = segno.make(text, error="m", micro=False)
    image = io.BytesIO()  # a document of its own (with its namespace), not inline SVG
    code.save(image, kind="svg", scale=4, dark="#111", light="#fff", xmldecl=False)
    return image.getvalue()


def qr_image(server: AuthorizationServer, interaction: Interaction) -> bytes | None:
    """The image of the interaction's live code, listed for the phone's scan screen; None once it
    expired or was scanned (the page is shown again for a new one)."""
    if not interaction.qr or interaction.qr_expires_at <= server.clock.now():
        return None
    _listed(server, interaction)
    return qr_svg(scan_link(server.settings.issuer, interaction.uid, interaction.qr))


def _listed(server: AuthorizationServer, interaction: Interaction) -> None:
    phone_requests.open_once(
        server.engine,
        request_id=interaction.qr,
        uid=interaction.uid,
        kind=QR,
        client_id=interaction.client_id,
        expires_at=interaction.qr_expires_at,
        at=server.clock.now(),
    )


def claim_code(server: AuthorizationServer, scanned: str, pin: str) -> str | None:
    """A phone scanned ``{uid}.{secret}``: the request it becomes, now ``pin``'s (once: of two
    phones, one gets it); None for an unknown, expired or already scanned code."""
    uid, _, secret = scanned.partition(".")
    interaction = server.interactions.details(uid) if uid and secret else None
    if interaction is None or not interaction.qr:
        return None
    if not hmac.compare_digest(secret.encode(), interaction.qr.encode()):
        return None
    if interaction.qr_expires_at <= server.clock.now():
        return None
    _listed(server, interaction)
    claimed = phone_requests.claim(server.engine, secret, pin, now=server.clock.now())
    return secret if claimed else None
