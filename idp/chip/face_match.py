"""A simulated face match (so khớp khuôn mặt giả lập): a live photo against a card's portrait.

Not biometrics: both images are shrunk to 50×65, the live one brought to the portrait's brightness, and
the score is the share of points whose colours agree within a tolerance. A camera's photo of the same
drawing (:func:`idp.chip.portrait.live_photo`) scores about 0.97 (none of 2,000 shots below 0.953);
photos of other citizens' drawings score 0.67 in the median and rarely reach 0.95, the threshold: like a
real matcher it can be fooled by a face that looks alike, about four times in a thousand pairs.
Deterministic: the same two images always give the same score.
"""

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

THRESHOLD = 0.95
_SIZE = (50, 65)
_TOLERANCE = 30
MAX_IMAGE_BYTES = 2_000_000
MAX_PIXELS = 4000 * 4000


class UnreadableImageError(ValueError):
    """The bytes are not an image this matcher reads (JPEG or PNG)."""


@dataclass(frozen=True, slots=True)
class FaceMatch:
    score: float
    threshold: float

    @property
    def matched(self) -> bool:
        return self.score >= self.threshold


def _pixels(data: bytes) -> "NDArray[np.float64]":
    # NumPy and Pillow are imported at the first comparison, not at start-up (0.1 s)
    import numpy as np
    from PIL import Image
    from PIL import UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise UnreadableImageError("the image is larger than 2 MB")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise UnreadableImageError("the image must be a JPEG or a PNG")
            # The size is read from the header: a small file may declare a picture that would take
            # gigabytes once decoded (Pillow only refuses those past about 89 million pixels).
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImageError("the image is larger than 4000 x 4000 pixels")
            small = image.convert("RGB").resize(_SIZE, Image.Resampling.BOX)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnreadableImageError("the bytes are not a readable image") from error
    return np.asarray(small, dtype=np.float64)


def check_image(data: bytes) -> None:
    """Raise :class:`UnreadableImageError` unless :func:`compare_faces` can read ``data``."""
    _pixels(data)


def compare_faces(live: bytes, portrait: bytes) -> FaceMatch:
    """The score of ``live`` against ``portrait``; raises :class:`UnreadableImageError` for bad bytes."""
    import numpy as np

    a, b = _pixels(live), _pixels(portrait)
    a = a * (b.mean() / max(a.mean(), 1.0))
    agree = np.abs(a - b).max(axis=2) <= _TOLERANCE
    return FaceMatch(round(float(agree.mean()), 4), THRESHOLD)
