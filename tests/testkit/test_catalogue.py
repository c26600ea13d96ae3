"""Every entry of the scenario catalogue, queued through the test kit, changes what the provider
answers as documented, once, for the client (and citizen) it names only; the kit's login, a strict
relying party, refuses each broken ID token."""

import time

import pytest

from idp.sandbox.catalogue import AUTHORIZATION
from idp.sandbox.catalogue import CATALOGUE
from idp.sandbox.catalogue import ID_TOKEN
from idp.testkit.mock import Client
from idp.testkit.mock import VneidMock
from idp.testkit.tokens import AuthorizationError
from idp.testkit.tokens import InvalidIdTokenError
from idp.testkit.tokens import TokenError

PERSONA = "level2-full"
AUTHORIZATION_ERRORS = sorted(n for n, e in CATALOGUE.items() if e.endpoint == AUTHORIZATION)
BROKEN_ID_TOKENS = sorted(n for n, e in CATALOGUE.items() if e.endpoint == ID_TOKEN)
FAILURES = {
    "token_500": (500, "server_error"),
    "token_503": (503, "temporarily_unavailable"),
    "token_429": (429, "temporarily_unavailable"),
    "userinfo_401": (401, "invalid_token"),
    "userinfo_500": (500, "server_error"),
}


@pytest.fixture(scope="module")
def client(vneid_session: VneidMock) -> Client:
    return vneid_session.register_client()


@pytest.fixture(scope="module")
def other(vneid_session: VneidMock) -> Client:
    return vneid_session.register_client()


@pytest.mark.parametrize("name", AUTHORIZATION_ERRORS)
def test_an_authorization_error_is_redirected_to_the_client_it_names(
    vneid: VneidMock, client: Client, other: Client, name: str
) -> None:
    vneid.scenario(name, client=client)
    assert vneid.login(PERSONA, client=other).access_token  # another client: untouched
    with pytest.raises(AuthorizationError) as raised:
        vneid.login(PERSONA, client=client)
    assert raised.value.error == name
    assert vneid.login(PERSONA, client=client).access_token  # once only


def test_an_authorization_error_for_one_citizen_waits_for_that_citizen(
    vneid: VneidMock, client: Client
) -> None:
    vneid.scenario("access_denied", persona="level2-spouse", times=2)
    assert vneid.login(PERSONA, client=client).access_token
    for _ in range(2):
        with pytest.raises(AuthorizationError, match="access_denied"):
            vneid.login("level2-spouse", client=client)
    assert vneid.login("level2-spouse", client=client).access_token


@pytest.mark.parametrize("name", BROKEN_ID_TOKENS)
def test_a_broken_id_token_is_refused_by_a_strict_relying_party(
    vneid: VneidMock, client: Client, name: str
) -> None:
    vneid.scenario(name, client=client)
    with pytest.raises(InvalidIdTokenError):
        vneid.login(PERSONA, client=client, acr="LoA2")
    tokens = vneid.login(PERSONA, client=client, acr="LoA2")
    assert tokens.id_token_claims["acr"] == "LoA2"


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_failing_endpoint_answers_its_status_once(
    vneid: VneidMock, client: Client, name: str
) -> None:
    status, error = FAILURES[name]
    vneid.scenario(name, client=client, seconds=7 if name == "token_429" else None)
    with pytest.raises(TokenError) as raised:
        vneid.login(PERSONA, client=client)
    assert (raised.value.status, raised.value.error) == (status, error)
    if name == "token_429":
        assert raised.value.retry_after == "7"
    assert vneid.login(PERSONA, client=client).userinfo["sub"]


def test_a_slow_token_endpoint_answers_after_the_delay(vneid: VneidMock, client: Client) -> None:
    vneid.scenario("token_slow", client=client, seconds=1.5)
    started = time.monotonic()
    assert vneid.login(PERSONA, client=client).access_token
    assert time.monotonic() - started >= 1.5


def test_the_jwks_is_unavailable_then_back(vneid: VneidMock) -> None:
    import httpx

    vneid.scenario("jwks_unavailable", times=2)
    jwks_uri = vneid.metadata["jwks_uri"]
    assert [httpx.get(jwks_uri).status_code for _ in range(3)] == [503, 503, 200]


def test_a_key_rotation_signs_with_new_keys_and_a_reset_brings_the_old_back(
    vneid: VneidMock, client: Client
) -> None:
    import httpx

    before = {key["kid"] for key in httpx.get(vneid.metadata["jwks_uri"]).json()["keys"]}
    queued = vneid.scenario("key_rotation")
    new = set(queued["kids"])
    published = {key["kid"] for key in httpx.get(vneid.metadata["jwks_uri"]).json()["keys"]}
    assert published == before | new
    tokens = vneid.login(PERSONA, client=client)  # the kit fetches the JWKS again on a new kid
    assert tokens.id_token is not None
    from jose import jwt as jose_jwt

    assert jose_jwt.get_unverified_header(tokens.id_token)["kid"] in new
    vneid.reset()
    after = {key["kid"] for key in httpx.get(vneid.metadata["jwks_uri"]).json()["keys"]}
    assert after == before


def test_a_death_is_recorded_on_the_populations_day(vneid: VneidMock) -> None:
    """Not on the calendar's day: on the reference day moved as far as the provider's clock."""
    assert vneid.clock.advance_years(5).isoformat() == "2031-07-01"
    assert vneid.citizens.mark_deceased("level2-spouse")["deceased_on"] == "2031-07-01"
