"""The simulated face match: a camera's photos of the card holder match the card's portrait; photos of
other citizens do not; the answer is the same every time; bad images are refused, a picture too large
to decode before any pixel is."""

import io

import pytest
from PIL import Image

from idp.chip.face_match import THRESHOLD
from idp.chip.face_match import UnreadableImageError
from idp.chip.face_match import check_image
from idp.chip.face_match import compare_faces
from idp.chip.portrait import live_photo
from idp.chip.portrait import portrait_id
from idp.chip.portrait import portrait_jpeg
from idp.population_db.personas import PERSONAS

SECRET = "vneid-mock sandbox subject secret"
IDS = [portrait_id(p.pin, SECRET) for p in PERSONAS]


@pytest.mark.parametrize("shot", range(4))
def test_the_holder_matches(shot: int) -> None:
    for identifier in IDS:
        result = compare_faces(live_photo(identifier, shot), portrait_jpeg(identifier))
        assert result.matched, (identifier, result)
        assert result.threshold == THRESHOLD


def test_other_citizens_do_not_match() -> None:
    for index, identifier in enumerate(IDS):
        impostor = IDS[(index + 1) % len(IDS)]
        result = compare_faces(live_photo(impostor, 0), portrait_jpeg(identifier))
        assert not result.matched, (identifier, impostor, result)


def test_the_same_images_give_the_same_score() -> None:
    live, portrait = live_photo(IDS[0], 7), portrait_jpeg(IDS[0])
    assert live == live_photo(IDS[0], 7)
    assert live != live_photo(IDS[0], 8)
    assert compare_faces(live, portrait) == compare_faces(live, portrait)


def test_a_png_is_read_too() -> None:
    out = io.BytesIO()
    Image.open(io.BytesIO(live_photo(IDS[1], 0))).save(out, format="PNG")
    assert compare_faces(out.getvalue(), portrait_jpeg(IDS[1])).matched


@pytest.mark.parametrize("data", [b"", b"not an image", b"GIF89a" + b"\0" * 40])
def test_unreadable_images_are_refused(data: bytes) -> None:
    with pytest.raises(UnreadableImageError):
        compare_faces(data, portrait_jpeg(IDS[0]))


def test_a_gif_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(UnreadableImageError, match="JPEG or a PNG"):
        compare_faces(out.getvalue(), portrait_jpeg(IDS[0]))


def _blank_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_small_file_declaring_a_huge_picture_is_refused_before_decoding() -> None:
    huge = _blank_png(8000, 8000)  # 64 million pixels, under Pillow's own limit, in a few KiB
    assert len(huge) < 100_000
    with pytest.raises(UnreadableImageError, match="4000 x 4000"):
        check_image(huge)
    check_image(_blank_png(4000, 4000))
