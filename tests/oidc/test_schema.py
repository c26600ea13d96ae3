"""schemathesis over the OpenAPI schema of the JSON endpoints (discovery, JWKS, token, userinfo,
revocation, introspection, registration), in process over ASGI: no 5xx, and every response (status,
content type, body) as the schema documents it; then the same operations with data that breaks the
schema (schemathesis' negative mode): still no 5xx. Every error body has its ``error`` and an
``error_description`` only in RFC 6749 §5.2's charset."""

import re
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis.errors import Unsatisfiable
from pydantic import SecretStr
from schemathesis import Case
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.checks import CheckFunction
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from idp.web.api_models import FORM
from idp.web.app import create_app
from tests.fuzz_strategies import assert_json_error
from tests.oidc.conftest import Env

EXAMPLES = 25
NEGATIVE_EXAMPLES = 25
TOKEN = "schema-token"


def error_body_conformance(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """An error's JSON body names its ``error``; its ``error_description`` is printable ASCII without
    ``"`` or ``\\`` (RFC 6749 §5.2, RFC 6750 §3, RFC 7591 §3.2.2)."""
    content_type = response.headers.get("content-type", [""])[0]
    failed = response.status_code >= 400 and response.status_code not in (404, 405)
    if failed and content_type.startswith("application/json"):
        assert_json_error(response)
    return None


# Not positive_data_acceptance: a schema-valid token request without a real code is rightly refused.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_body_conformance,
]
# Data that breaks the schema may get statuses the schema does not list (413, 415…): no 5xx, and a
# proper error body.
NEGATIVE_CHECKS: list[CheckFunction] = [not_a_server_error, error_body_conformance]
JSON_ENDPOINTS = (
    r"^/(\.well-known/.*|jwks|token|userinfo|revoke|introspect|register|bc-authorize"
    r"|device_authorization|api/biometric-share/.*)$"
)


@pytest.fixture
def api_schema(env: Env) -> BaseSchema:
    update = {"registration_enabled": True, "registration_token": SecretStr(TOKEN)}
    app = create_app(env.settings.model_copy(update=update))
    return schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=JSON_ENDPOINTS)


def test_schema_documents_the_json_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    json_paths = {path for path in paths if re.match(JSON_ENDPOINTS, path)}
    assert {"/token", "/userinfo", "/revoke", "/introspect", "/register", "/jwks"} <= json_paths
    for path in ("/token", "/revoke", "/introspect"):
        assert FORM in paths[path]["post"]["requestBody"]["content"]
        assert {"200", "400", "401"} <= set(paths[path]["post"]["responses"])
    assert "application/json" in paths["/register"]["post"]["requestBody"]["content"]
    assert "/authorize" not in paths  # an HTML interaction, not a JSON endpoint


def test_json_endpoints_conform_to_their_schema(api_schema: BaseSchema) -> None:
    """Each operation's generated cases (pytest 9 breaks schemathesis' lazy fixture, so the operations'
    hypothesis strategies are driven directly)."""
    results = list(api_schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)
    assert len(operations) >= 12  # with the back-channel, device and sharing endpoints

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Case) -> None:  # type: ignore[type-arg]
            headers = {"Authorization": f"Bearer {TOKEN}"} if case.path == "/register" else {}
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()


def test_json_endpoints_never_fail_on_data_that_breaks_their_schema(api_schema: BaseSchema) -> None:
    """schemathesis' negative mode: each operation's parameters and bodies of the wrong type,
    missing, or out of their constraints."""
    results = list(api_schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    fuzzed = set()
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        @settings(
            max_examples=NEGATIVE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Case) -> None:  # type: ignore[type-arg]
            headers = {"Authorization": f"Bearer {TOKEN}"} if case.path == "/register" else {}
            case.call_and_validate(headers=headers, checks=NEGATIVE_CHECKS)

        try:
            check()
        except Unsatisfiable:  # nothing to break: an operation without parameters or body
            continue
        fuzzed.add(operation.path)
    assert {"/token", "/revoke", "/introspect", "/register"} <= fuzzed
