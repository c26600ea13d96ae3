"""RFC 9207's ``iss`` on every authorization response redirect (:func:`idp.oidc.server.with_issuer`)."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from idp.oidc.server import with_issuer

ISSUER = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "location",
    [
        "https://rp.example/cb?code=abc&state=x%20y",
        "https://rp.example/cb?kiss=1&code=abc",  # a parameter whose name ends in "iss"
        "https://rp.example/cb?error=access_denied",
        "https://rp.example/cb",
    ],
)
def test_the_issuer_is_added_once_and_the_query_kept(location: str) -> None:
    added = with_issuer(location, ISSUER)
    query = parse_qs(urlsplit(added).query)
    assert query["iss"] == [ISSUER]
    before = parse_qs(urlsplit(location).query)
    assert {k: v for k, v in query.items() if k != "iss"} == before
    assert added.startswith(location)


def test_a_location_that_has_iss_already_is_left_alone() -> None:
    location = f"https://rp.example/cb?code=abc&iss={ISSUER}"
    assert with_issuer(location, ISSUER) == location


def test_a_fragment_stays_last() -> None:
    added = with_issuer("https://rp.example/cb?code=abc#frag", ISSUER)
    parts = urlsplit(added)
    assert parts.fragment == "frag"
    assert parse_qs(parts.query) == {"code": ["abc"], "iss": [ISSUER]}
