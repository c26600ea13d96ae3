"""The one failure of a login or of a protected request: an HTTP status and a short message for
the person in front of the page (never a stack trace)."""


class LoginFailedError(Exception):
    """The login, or a call to the provider, failed; ``status`` is the page's status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
