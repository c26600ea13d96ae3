"""The card verification service fuzzed: a real chip's presentation with its files dropped, cut, with
bytes flipped or replaced, its members of the wrong type, random Active Authentication exchanges and
broken images (hypothesis), and the endpoint's OpenAPI description (schemathesis, data that fits it and
data that breaks it). Never a 5xx: a status of the service, or a JSON error whose description is in
RFC 6749 §5.2's charset."""

import base64
import io
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from PIL import Image
from schemathesis import Case
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from idp.chip.card import Chip
from idp.citizen.card_verification import STATUSES
from idp.web.app import create_app
from tests.fuzz_strategies import NASTY
from tests.fuzz_strategies import assert_api_answer
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents
from tests.web.test_card_verification import ENDPOINT
from tests.web.test_card_verification import chip_of
from tests.web.test_card_verification import encoded
from tests.web.test_card_verification import photo

__all__ = ["client", "env", "forget_consents"]  # the provider fixtures of tests/oidc
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def service(env: Env) -> Iterator[tuple[TestClient, str]]:
    """The provider, and the licensed client's token."""
    with TestClient(create_app(env.settings), follow_redirects=False) as test_client:
        data = {"grant_type": "client_credentials", "scope": "card_verification"}
        auth = ("verifier", env.secrets["verifier"])
        token = test_client.post("/token", data=data, auth=auth).json()["access_token"]
        yield test_client, token


@pytest.fixture(scope="module")
def chip(env: Env) -> Chip:
    return chip_of(env, PIN)


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` cut short, with bytes flipped or inserted, or replaced by random bytes."""
    how = draw(st.sampled_from(["cut", "flip", "flip", "insert", "random", "empty_tail"]))
    if how == "random":
        return draw(st.binary(min_size=1, max_size=300))
    if how == "cut":
        return data[: draw(st.integers(1, max(1, len(data) - 1)))]
    if how == "empty_tail":
        return data + draw(st.binary(min_size=1, max_size=8))
    position = draw(st.integers(0, len(data) - 1))
    byte = draw(st.integers(0, 255))
    if how == "insert":
        return data[:position] + bytes([byte]) + data[position:]
    return data[:position] + bytes([data[position] ^ (byte or 1)]) + data[position + 1 :]


@st.composite
def presentations(draw: st.DrawFn, chip: Chip, face: str) -> Any:
    """A presentation of ``chip`` with some of its parts broken."""
    files: dict[str, Any] = {}
    for name, data in chip.files.items():
        fate = draw(st.sampled_from(["keep", "keep", "keep", "drop", "damage", "text"]))
        if fate == "keep":
            files[name] = base64.b64encode(data).decode()
        elif fate == "damage":
            files[name] = base64.b64encode(draw(damaged(data))).decode()
        elif fate == "text":
            files[name] = draw(st.one_of(st.sampled_from(NASTY), st.integers(), st.none()))
    body: dict[str, Any] = {"files": files}
    if draw(st.booleans()):
        challenge = draw(st.binary(min_size=0, max_size=12))
        signature = draw(
            st.one_of(st.binary(max_size=80), st.just(chip.internal_authenticate(b"12345678")))
        )
        body["active_authentication"] = {
            "challenge": base64.b64encode(challenge).decode(),
            "signature": base64.b64encode(signature).decode(),
        }
    if draw(st.booleans()):
        live = base64.b64decode(face)
        image = draw(
            st.sampled_from([live, _png((3, 3)), _png((1, 4001)), b"GIF89a", b"\x89PNG\r\n\x1a\n"])
        )
        if draw(st.booleans()):
            image = draw(damaged(image))
        body["face_image"] = base64.b64encode(image).decode()
    if draw(st.integers(0, 9)) == 0:
        body = draw(st.sampled_from([[], "x", 5, None, {"files": []}, {**body, "more": 1}]))
    return body


def test_no_broken_presentation_makes_the_service_fail(
    service: tuple[TestClient, str], chip: Chip, env: Env
) -> None:
    test_client, token = service
    headers = {"Authorization": f"Bearer {token}"}

    @given(body=presentations(chip, photo(env, PIN)))
    @FUZZ
    def check(body: Any) -> None:
        response = test_client.post(ENDPOINT, json=body, headers=headers)
        assert_api_answer(response)
        assert response.status_code in (200, 400, 404), response.text
        if response.status_code == 200:
            assert response.json()["status"] in STATUSES

    check()


def test_a_whole_presentation_still_verifies(service: tuple[TestClient, str], chip: Chip) -> None:
    """The fuzzing's starting point is a valid card: what it breaks, it breaks from there."""
    test_client, token = service
    body = {"files": encoded(chip.files)}
    response = test_client.post(ENDPOINT, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.json()["status"] == "valid"


def test_no_input_the_schema_allows_or_breaks_makes_it_fail(
    service: tuple[TestClient, str], env: Env
) -> None:
    """schemathesis over the endpoint's OpenAPI description, with the licensed client's token."""
    _, token = service
    app = create_app(env.settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(
        path_regex=r"^/api/card-verification$"
    )
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    assert len(operations) == 1
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(case=operations[0].as_strategy(generation_mode=mode))
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Case) -> None:  # type: ignore[type-arg]
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, response.text
            assert response.headers["content-type"][0].startswith("application/json")

        try:
            check()
        except Unsatisfiable:
            continue
