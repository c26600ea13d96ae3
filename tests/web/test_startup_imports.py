"""What the provider's start does not load: the libraries that only drawing a picture (Pillow, NumPy,
segno) needs are imported when the first picture is drawn, not by every start (the test kit starts a
provider per test session, and the three cost about 0.15 s)."""

import subprocess
import sys

LAZY = ("numpy", "PIL", "segno")


def test_the_app_starts_without_the_picture_libraries() -> None:
    code = (
        "import sys; import idp.web.app; "
        f"print(' '.join(name for name in {LAZY!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_drawing_a_portrait_loads_them() -> None:
    code = (
        "import sys; from idp.chip.portrait import portrait_jpeg; "
        "assert portrait_jpeg('x').startswith(bytes([0xFF, 0xD8])); "
        "print('PIL' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
