"""The login pages' tests run against the same provider fixtures as the protocol's.

Every form of the interaction is answered with a 303 (Post/Redirect/Get): :func:`landed` checks that a
form sent the browser back to the interaction's own page and shows the page the browser then gets, where
a failed form's message is shown once, with the status the form used to answer with."""

from typing import Any

from fastapi.testclient import TestClient

from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents

__all__ = ["client", "env", "forget_consents", "landed"]


def landed(client: TestClient, response: Any, page: str) -> Any:
    """The page a browser shows after a form of the interaction at ``page`` (``/interaction/{uid}``):
    the form's answer must be a 303 to that page itself, never a page; the page is then fetched."""
    assert response.status_code == 303, (response.status_code, response.text[:300])
    assert response.headers["location"] == page, response.headers["location"]
    assert not response.text, response.text[:300]  # a redirect, never a page
    return client.get(page)
