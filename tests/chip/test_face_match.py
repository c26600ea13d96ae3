"""The simulated face match: a camera's photo of the holder matches the portrait, another citizen's
does not, and an image it cannot read, or one whose header declares a picture too large to decode, is
:class:`UnreadableImageError` before any pixel is decoded."""

import io

import pytest
from PIL import Image

from idp.chip.face_match import UnreadableImageError
from idp.chip.face_match import check_image
from idp.chip.face_match import compare_faces
from idp.chip.portrait import live_photo
from idp.chip.portrait import portrait_jpeg


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_the_holder_matches_and_someone_else_does_not() -> None:
    portrait = portrait_jpeg("holder-portrait")
    assert compare_faces(live_photo("holder-portrait", 1), portrait).matched
    assert not compare_faces(live_photo("someone-else", 1), portrait).matched


def test_a_small_file_declaring_a_huge_picture_is_refused() -> None:
    huge = _png(8000, 8000)  # 64 million pixels in a file of a few KiB
    assert len(huge) < 100_000
    with pytest.raises(UnreadableImageError, match="4000 x 4000"):
        check_image(huge)
    check_image(_png(4000, 4000))


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"])
def test_what_is_not_a_jpeg_or_png_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableImageError):
        check_image(data)
