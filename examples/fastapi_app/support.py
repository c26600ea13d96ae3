"""What the example's tests share: the client's registration at the test provider and the
application's timeout."""

from collections.abc import Callable
from urllib.parse import urlsplit

import httpx2

REDIRECT_URI = "http://127.0.0.1:8000/callback"
SCOPE = "openid profile"
TIMEOUT = 2.0
"""The application's timeout for the provider's answers, in seconds."""

LogIn = Callable[..., httpx2.Response]
"""``log_in(persona, acr="LoA2")``: the application's answer at its callback."""


def path_of(url: str) -> str:
    """The path and query of ``url``: where the application is asked, whatever its host."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
