"""Synthetic portraits (ảnh chân dung giả lập): a deterministic SVG drawing per citizen, never a real face.

The ``picture`` claim (OpenID Connect Core §5.1) is the URL ``{issuer}/portraits/{id}.svg``, where ``id`` is
an HMAC of the PIN under the subject secret: opaque, stable, and never the PIN. The drawing is a function of
that id alone, so serving it needs no lookup and reveals nothing; any well-formed id draws some face.

The drawing is :mod:`idp.chip.portrait`'s (``portrait_svg`` is re-exported for the route), the one the
chip's DG2 carries too. This is the one portrait id: the face-match page shows the citizen's drawing from
:func:`portrait_path`, so the citizen sees at the face match exactly the picture relying parties receive.
"""

import re

from idp.chip.portrait import portrait_id
from idp.chip.portrait import portrait_svg

__all__ = ["is_portrait_id", "portrait_id", "portrait_path", "portrait_svg", "portrait_url"]

_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")


def portrait_path(pin: str, secret: str) -> str:
    """The path of a citizen's portrait on the provider."""
    return f"/portraits/{portrait_id(pin, secret)}.svg"


def portrait_url(issuer: str, pin: str, secret: str) -> str:
    return f"{issuer}{portrait_path(pin, secret)}"


def is_portrait_id(identifier: str) -> bool:
    """Whether ``identifier`` has the shape of a portrait id (any such id draws some face)."""
    return bool(_ID.match(identifier))
