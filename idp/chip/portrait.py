"""Synthetic portraits (ảnh chân dung giả lập): one drawing per citizen, never a real face.

The drawing is a function of an opaque identifier alone (the portrait id the provider derives from the
PIN, see :mod:`idp.oidc.portraits`): the same features draw the SVG of the ``picture`` claim and the JPEG
that a chip's DG2 carries, so the face on the card is the face relying parties receive. A *live* photo
(what a kiosk's camera takes) is the same drawing shifted, lit differently and noisy, chosen by a number,
so a simulated face match has something to compare.
"""

import base64
import hashlib
import hmac
import io
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

_SKIN = ("#f1c27d", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#d1a37a")
_HAIR = ("#2b1b0e", "#1c1c1c", "#4a3222", "#6b4e31", "#3b3024", "#9a9a9a")
_BACKGROUND = ("#dfe8f2", "#e8eef0", "#eef2e6", "#f2ece0")
WIDTH, HEIGHT = 200, 260


def portrait_id(pin: str, secret: str) -> str:
    """The opaque portrait id of a citizen (24 URL-safe characters): an HMAC of the PIN, never the PIN."""
    digest = hmac.new(secret.encode(), f"portrait:{pin}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


@dataclass(frozen=True, slots=True)
class Features:
    """What tells one drawn face from another."""

    skin: str
    hair: str
    background: str
    face_width: int
    face_height: int
    eye_y: int
    eye_gap: int
    mouth_y: int
    smile: int
    hair_height: int


def features(identifier: str) -> Features:
    """The features chosen by the bytes of ``identifier``'s hash."""
    b = hashlib.sha256(identifier.encode()).digest()
    return Features(
        skin=_SKIN[b[0] % len(_SKIN)],
        hair=_HAIR[b[1] % len(_HAIR)],
        background=_BACKGROUND[b[2] % len(_BACKGROUND)],
        face_width=52 + b[3] % 12,
        face_height=66 + b[4] % 10,
        eye_y=112 + b[5] % 8,
        eye_gap=20 + b[6] % 6,
        mouth_y=150 + b[7] % 6,
        smile=4 + b[8] % 8,
        hair_height=24 + b[9] % 26,
    )


def portrait_svg(identifier: str) -> str:
    """A head-and-shoulders drawing, as SVG."""
    f = features(identifier)
    hair_y = 120 - f.face_height + f.hair_height // 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="SANDBOX synthetic portrait">'
        f'<rect width="200" height="260" fill="{f.background}"/>'
        f'<ellipse cx="100" cy="262" rx="86" ry="58" fill="#34495e"/>'
        f'<rect x="88" y="170" width="24" height="36" fill="{f.skin}"/>'
        f'<ellipse cx="100" cy="120" rx="{f.face_width}" ry="{f.face_height}" fill="{f.skin}"/>'
        f'<ellipse cx="100" cy="{hair_y}" rx="{f.face_width + 4}" '
        f'ry="{f.hair_height}" fill="{f.hair}"/>'
        f'<circle cx="{100 - f.eye_gap}" cy="{f.eye_y}" r="5" fill="#222"/>'
        f'<circle cx="{100 + f.eye_gap}" cy="{f.eye_y}" r="5" fill="#222"/>'
        f'<path d="M{100 - 16} {f.mouth_y} Q100 {f.mouth_y + f.smile} {100 + 16} {f.mouth_y}" '
        'stroke="#7a3b2e" stroke-width="3" fill="none"/>'
        '<text x="100" y="250" font-family="sans-serif" font-size="14" text-anchor="middle" '
        'fill="#fff">SANDBOX</text></svg>'
    )


def _draw(f: Features, dx: int = 0, dy: int = 0) -> "Image.Image":
    # Pillow (and NumPy below) are imported when a picture is first drawn, not at start-up (0.1 s)
    from PIL import Image
    from PIL import ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), f.background)
    pen = ImageDraw.Draw(image)

    def ellipse(cx: int, cy: int, rx: int, ry: int, fill: str) -> None:
        pen.ellipse((cx - rx + dx, cy - ry + dy, cx + rx + dx, cy + ry + dy), fill=fill)

    ellipse(100, 262, 86, 58, "#34495e")
    pen.rectangle((88 + dx, 170 + dy, 112 + dx, 206 + dy), fill=f.skin)
    ellipse(100, 120, f.face_width, f.face_height, f.skin)
    ellipse(100, 120 - f.face_height + f.hair_height // 2, f.face_width + 4, f.hair_height, f.hair)
    ellipse(100 - f.eye_gap, f.eye_y, 5, 5, "#222222")
    ellipse(100 + f.eye_gap, f.eye_y, 5, 5, "#222222")
    pen.arc(
        (84 + dx, f.mouth_y - f.smile + dy, 116 + dx, f.mouth_y + f.smile + dy),
        0,
        180,
        fill="#7a3b2e",
        width=3,
    )
    return image


def _jpeg(image: "Image.Image") -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=False)
    return out.getvalue()


def portrait_jpeg(identifier: str) -> bytes:
    """The drawing as the JPEG a chip's DG2 carries (ICAO 9303 Part 10: JPEG is allowed)."""
    return _jpeg(_draw(features(identifier)))


def live_photo(identifier: str, shot: int) -> bytes:
    """A camera's photo of the person ``identifier`` draws: the drawing moved a little, lit differently and
    with sensor noise, all chosen by ``shot`` (the same shot gives the same bytes)."""
    import numpy as np
    from PIL import Image
    from PIL import ImageEnhance

    rng = random.Random(f"{identifier}:{shot}")
    image = _draw(features(identifier), rng.randint(-1, 1), rng.randint(-1, 1))
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.93, 1.07))
    # sensor noise from the shot's own generator (Pillow's effect_noise is not seeded)
    noise = np.random.default_rng(rng.getrandbits(64)).normal(0.0, 6.0, (HEIGHT, WIDTH, 3))
    noisy = np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return _jpeg(Image.fromarray(noisy, "RGB"))
