"""An error the protocol must show the browser rather than send to the client (RFC 6749 §4.1.2.1: the
client or its ``redirect_uri`` cannot be trusted; RP-Initiated Logout 1.0 §4): the error page's content,
which the web layer renders."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorPage:
    error: str
    description: str | None
    status: int = 400
