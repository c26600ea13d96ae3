"""The error a page raises to be answered with the app's error page: an HTTP status and the catalogue key
of the message that tells the person what went wrong (with the message's values)."""

from fastapi import HTTPException


class PageError(HTTPException):
    """Stop and show the error page: ``status_code``, and the message ``key`` filled with ``values``."""

    def __init__(self, status_code: int, key: str, **values: object) -> None:
        super().__init__(status_code, key)
        self.key = key
        self.values = values
