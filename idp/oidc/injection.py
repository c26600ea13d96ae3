"""Where a test may make the protocol core answer wrongly on purpose: the two points inside the core that
the sandbox's scenarios (:mod:`idp.sandbox`) reach, as an interface the core calls and never implements.

The core asks :class:`Injections`, when the server has one (only with the sandbox API on), before it
answers an authorization request (an error instead of the answer: RFC 6749 §4.1.2.1, OpenID Connect
Core §3.1.2.6) and after it signs an ID token (a broken token instead: Core §3.1.3.7's checks). Failures
of whole endpoints (a 500, a slow answer) are the web layer's; they need nothing from the core.
"""

from typing import Protocol

from authlib.oauth2.rfc6749 import OAuth2Error


class Injections(Protocol):
    """The sandbox's side of the two injection points."""

    def authorization_error(self, client_id: str, pin: str | None) -> str | None:
        """An error code to answer this client's authorization request with instead (``pin``: the
        citizen of the session at hand, if any), or None."""

    def id_token(self, signed: str, client_id: str, pin: str) -> str | None:
        """A broken ID token to issue instead of ``signed``, or None."""


class InjectedError(OAuth2Error):  # type: ignore[misc]
    """An authorization error a test asked for; ``error`` is set per instance."""

    def __init__(self, error: str, redirect_uri: str) -> None:
        super().__init__(description="Injected by the sandbox.", redirect_uri=redirect_uri)
        self.error = error
