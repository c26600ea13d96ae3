"""Synthetic portraits (ảnh chân dung giả lập): a deterministic SVG drawing per citizen, never a real face.

The ``picture`` claim (OpenID Connect Core §5.1) is the URL ``{issuer}/portraits/{id}.svg``, where ``id`` is
an HMAC of the PIN under the subject secret: opaque, stable, and never the PIN. The drawing is a function of
that id alone, so serving it needs no lookup and reveals nothing; any well-formed id draws some face.

This is the one portrait generator: the face-match page shows the citizen's drawing from
:func:`portrait_path`, so the citizen sees at the face match exactly the picture relying parties receive.
"""

import base64
import hashlib
import hmac
import re

_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")
_SKIN = ("#f1c27d", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#d1a37a")
_HAIR = ("#2b1b0e", "#1c1c1c", "#4a3222", "#6b4e31", "#3b3024", "#9a9a9a")
_BACKGROUND = ("#dfe8f2", "#e8eef0", "#eef2e6", "#f2ece0")


def portrait_id(pin: str, secret: str) -> str:
    """The opaque portrait id of a citizen (24 URL-safe characters)."""
    digest = hmac.new(secret.encode(), f"portrait:{pin}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def portrait_path(pin: str, secret: str) -> str:
    """The path of a citizen's portrait on the provider."""
    return f"/portraits/{portrait_id(pin, secret)}.svg"


def portrait_url(issuer: str, pin: str, secret: str) -> str:
    return f"{issuer}{portrait_path(pin, secret)}"


def portrait_svg(identifier: str) -> str:
    """A head-and-shoulders drawing chosen by the bytes of ``identifier``'s hash."""
    b = hashlib.sha256(identifier.encode()).digest()
    skin, hair = _SKIN[b[0] % len(_SKIN)], _HAIR[b[1] % len(_HAIR)]
    background = _BACKGROUND[b[2] % len(_BACKGROUND)]
    face_width, face_height = 52 + b[3] % 12, 66 + b[4] % 10
    eye_y, eye_gap = 112 + b[5] % 8, 20 + b[6] % 6
    mouth_y, smile = 150 + b[7] % 6, 4 + b[8] % 8
    hair_height = 24 + b[9] % 26
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="260" viewBox="0 0 200 260" '
        'role="img" aria-label="SANDBOX synthetic portrait">'
        f'<rect width="200" height="260" fill="{background}"/>'
        f'<ellipse cx="100" cy="262" rx="86" ry="58" fill="#34495e"/>'
        f'<rect x="88" y="170" width="24" height="36" fill="{skin}"/>'
        f'<ellipse cx="100" cy="120" rx="{face_width}" ry="{face_height}" fill="{skin}"/>'
        f'<ellipse cx="100" cy="{120 - face_height + hair_height // 2}" rx="{face_width + 4}" '
        f'ry="{hair_height}" fill="{hair}"/>'
        f'<circle cx="{100 - eye_gap}" cy="{eye_y}" r="5" fill="#222"/>'
        f'<circle cx="{100 + eye_gap}" cy="{eye_y}" r="5" fill="#222"/>'
        f'<path d="M{100 - 16} {mouth_y} Q100 {mouth_y + smile} {100 + 16} {mouth_y}" '
        'stroke="#7a3b2e" stroke-width="3" fill="none"/>'
        '<text x="100" y="250" font-family="sans-serif" font-size="14" text-anchor="middle" '
        'fill="#fff">SANDBOX</text></svg>'
    )


def is_portrait_id(identifier: str) -> bool:
    """Whether ``identifier`` has the shape of a portrait id (any such id draws some face)."""
    return bool(_ID.match(identifier))
