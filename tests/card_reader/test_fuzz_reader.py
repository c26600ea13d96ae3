"""The card reader fuzzed: schemathesis over its API's OpenAPI operations (data that fits the schema and
data that breaks it: no 5xx, every answer as documented, every error RFC 6749 JSON), hypothesis over the
bodies of a live reader's tap and INTERNAL AUTHENTICATE (fuzzed fields, JSON values, raw bodies of any
content type) and over its page's forms: never a server error, and nothing that is not the right key
opens the chip."""

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case
from schemathesis import GenerationMode
from schemathesis import openapi
from schemathesis.checks import CheckFunction
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from idp.web.app import create_app
from tests.card_reader.readers import API
from tests.card_reader.readers import key_of
from tests.card_reader.readers import open_reader
from tests.card_reader.readers import state
from tests.fuzz_strategies import assert_api_answer
from tests.fuzz_strategies import assert_browser_answer
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import json_values
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import note
from tests.fuzz_strategies import on_the_wire
from tests.fuzz_strategies import raw_bodies
from tests.fuzz_strategies import raw_query
from tests.fuzz_strategies import values
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import csrf_of
from tests.oidc.test_schema import error_body_conformance

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_body_conformance,
]
NEGATIVE_CHECKS: list[CheckFunction] = [not_a_server_error, error_body_conformance]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _fuzz(operation: Any, mode: GenerationMode, checks: list[CheckFunction]) -> bool:
    """Run ``operation``'s generated cases; False when there is nothing to generate."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Case) -> None:  # type: ignore[type-arg]
        case.call_and_validate(checks=checks)

    try:
        check()
    except Unsatisfiable:  # nothing to break: no parameter, no body
        return False
    return True


def test_the_api_conforms_to_its_schema_and_never_fails(env: Env) -> None:
    schema = openapi.from_asgi("/openapi.json", create_app(env.settings)).include(
        path_regex=r"^/api/card-reader/"
    )
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    assert len(operations) == 7
    fuzzed = [
        (operation.method, operation.path, mode)
        for operation in operations
        for mode, checks in (
            (GenerationMode.POSITIVE, CHECKS),
            (GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
        )
        if _fuzz(operation, mode, checks)
    ]
    assert len(fuzzed) >= 12


def _tap_body(draw: st.DrawFn, key: dict[str, str]) -> Any:
    """A tap's JSON body: the right one with a field or two fuzzed, or any JSON value."""
    if draw(st.booleans()):
        return draw(json_values)
    fields = dict(draw(mutated(key)))
    body: dict[str, Any] = {"card": draw(values(PIN, "level2-full")), "access_key": fields}
    if draw(st.booleans()):
        body["face"] = draw(values("level2-spouse", PIN) | json_values)
    return body


@given(data=st.data())
@fuzz_settings(80)
def test_fuzzed_taps_never_fail_and_only_the_right_key_opens(
    client: TestClient, data: st.DataObject
) -> None:
    reader_id = open_reader(client)
    right = key_of(client, PIN)
    body = data.draw(st.composite(lambda draw: _tap_body(draw, right))(), label="tap")
    if data.draw(st.booleans(), label="raw"):
        raw, content_type = data.draw(raw_bodies(list(right.items())), label="raw body")
        headers = on_the_wire({"Content-Type": content_type})
        answered = client.post(f"{API}/{reader_id}/tap", content=raw, headers=headers)
    else:
        answered = client.post(f"{API}/{reader_id}/tap", content=json.dumps(body).encode())
    note("tap", answered)
    assert_api_answer(answered)
    if state(client, reader_id)["status"] == "card_present":
        assert answered.status_code == 200
        typed = body["access_key"]
        assert typed["card_number"][-9:] == PIN[-9:]
        assert (typed["birth_date"], typed["expiry_date"]) == (
            right["birth_date"],
            right["expiry_date"],
        )


@given(data=st.data())
@fuzz_settings(60)
def test_fuzzed_challenges_never_fail(client: TestClient, data: st.DataObject) -> None:
    reader_id = open_reader(client)
    assert client.post(
        f"{API}/{reader_id}/tap", json={"card": PIN, "access_key": key_of(client, PIN)}
    ).is_success
    body = data.draw(
        st.fixed_dictionaries({"challenge": values("MTIzNDU2Nzg=")}) | json_values, label="body"
    )
    # json.dumps writes Infinity for an infinite float, which is not JSON: the API must refuse it too
    answered = client.post(
        f"{API}/{reader_id}/internal-authenticate", content=json.dumps(body).encode()
    )
    note("internal-authenticate", answered)
    assert_api_answer(answered)
    assert answered.status_code in (200, 400)


@given(data=st.data())
@fuzz_settings(60)
def test_fuzzed_page_forms_never_fail(client: TestClient, data: st.DataObject) -> None:
    reader_id = open_reader(client)
    base = f"/card-reader/{reader_id}"
    csrf = csrf_of(client.get(base).text)
    chosen: Any = data.draw(mutated({"csrf": csrf, "who": PIN}), label="card")
    assert_browser_answer(client.post(f"{base}/card", content=raw_query(chosen), headers=FORM))
    key = {"card_number": PIN, "birth_date": "880315", "expiry_date": "280315"}
    typed: Any = data.draw(mutated({"csrf": csrf, **key, "face": ""}), label="tap")
    tapped = client.post(f"{base}/tap", content=raw_query(typed), headers=FORM)
    note("tap", tapped)
    assert_browser_answer(tapped)
    faced: Any = data.draw(mutated({"csrf": csrf, "face": "level2-spouse"}), label="face")
    assert_browser_answer(client.post(f"{base}/face", content=raw_query(faced), headers=FORM))
    shown = client.get(base)
    assert_browser_answer(shown)
    removed: Any = data.draw(mutated({"csrf": csrf}), label="remove")
    assert_browser_answer(client.post(f"{base}/remove", content=raw_query(removed), headers=FORM))
    path = data.draw(values(reader_id), label="reader id")[:300]
    assert_browser_answer(client.get(f"/card-reader/{quote(path, safe='')}"))
