"""The OpenAPI description of the JSON endpoints: request bodies as the specifications define them
(``application/x-www-form-urlencoded`` for RFC 6749, 7009, 7662 and OIDC Core §5.3; ``application/json``
for RFC 7591) and every response they can give, so that a schema-driven run (schemathesis) checks them.

FastAPI cannot infer these: the routes read their bodies themselves (:mod:`idp.oidc.requests`). Each
constant is the keyword arguments of one route decorator; the token and userinfo endpoints are plain
Starlette routes (:mod:`idp.deps` says why), so their operations are added to the schema here, from the
same constants, like the static documents served by :mod:`idp.oidc.static_documents`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
STRING = {"type": "string"}


def _form(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {FORM: {"schema": schema}}}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        400: "invalid_request and the other RFC 6749 §5.2 errors",
        401: "client authentication or the bearer token failed",
        404: "not enabled",
        413: "the body exceeds 64 KiB",
    }
    return {status: _json(ERROR, meaning[status]) for status in statuses}


TOKEN_RESPONSE = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": STRING,
        "token_type": STRING,
        "expires_in": {"type": "integer"},
        "refresh_token": STRING,
        "id_token": STRING,
        "scope": STRING,
    },
}
CLIENT_AUTH = {"client_id": STRING, "client_secret": STRING, "client_assertion": STRING}
CLIENT_AUTH["client_assertion_type"] = STRING

TOKEN: dict[str, Any] = {
    "openapi_extra": _form(
        {
            "grant_type": {
                "type": "string",
                "enum": ["authorization_code", "refresh_token", "client_credentials"],
            },
            "code": STRING,
            "redirect_uri": STRING,
            "code_verifier": STRING,
            "refresh_token": STRING,
            "scope": STRING,
            **CLIENT_AUTH,
        },
        ["grant_type"],
    ),
    "responses": {200: _json(TOKEN_RESPONSE, "the tokens"), **_errors(400, 401, 413)},
}
_BEARER_HEADER = {"name": "Authorization", "in": "header", "required": False, "schema": STRING}
USERINFO_GET: dict[str, Any] = {
    "openapi_extra": {"parameters": [_BEARER_HEADER]},
    "responses": {
        200: {
            "description": "the claims, as JSON or as a JWT per the client's registration",
            "content": {
                JSON: {"schema": {"type": "object", "required": ["sub"]}},
                "application/jwt": {"schema": STRING},
            },
        },
        **_errors(400, 401, 413),
    },
}
USERINFO_POST: dict[str, Any] = {
    **USERINFO_GET,
    "openapi_extra": {
        "parameters": [_BEARER_HEADER],
        "requestBody": {
            "required": False,
            "content": {
                FORM: {"schema": {"type": "object", "properties": {"access_token": STRING}}}
            },
        },
    },
}
TOKEN_PARAMETERS = {"token": STRING, "token_type_hint": STRING, **CLIENT_AUTH}
REVOKE: dict[str, Any] = {
    "openapi_extra": _form(TOKEN_PARAMETERS, ["token"]),
    "responses": {200: {"description": "revoked, or unknown"}, **_errors(400, 401, 413)},
}
INTROSPECT: dict[str, Any] = {
    "openapi_extra": _form(TOKEN_PARAMETERS, ["token"]),
    "responses": {
        200: _json(
            {
                "type": "object",
                "required": ["active"],
                "properties": {"active": {"type": "boolean"}},
            },
            "RFC 7662 §2.2",
        ),
        **_errors(400, 401, 413),
    },
}
CLIENT_METADATA: dict[str, Any] = {
    "type": "object",
    "required": ["redirect_uris"],
    "properties": {
        "redirect_uris": {"type": "array", "items": STRING},
        "token_endpoint_auth_method": STRING,
        "grant_types": {"type": "array", "items": STRING},
        "response_types": {"type": "array", "items": STRING},
        "client_name": STRING,
        "scope": STRING,
        "id_token_signed_response_alg": STRING,
        "access_token_signed_response_alg": STRING,
        "subject_type": STRING,
    },
}
REGISTERED = {
    "type": "object",
    "required": ["client_id", "client_id_issued_at", "redirect_uris"],
    "properties": {
        **CLIENT_METADATA["properties"],
        "client_id": STRING,
        "client_secret": STRING,
        "client_id_issued_at": {"type": "integer"},
        "client_secret_expires_at": {"type": "integer"},
    },
}
REGISTER: dict[str, Any] = {
    "openapi_extra": {
        "requestBody": {"required": True, "content": {JSON: {"schema": CLIENT_METADATA}}}
    },
    "responses": {201: _json(REGISTERED, "RFC 7591 §3.2.1"), **_errors(400, 401, 404, 413)},
    "status_code": 201,
}
DISCOVERY = _json({"type": "object", "required": ["issuer", "jwks_uri"]}, "OIDC Discovery 1.0 §3")
JWKS: dict[str, Any] = {
    "description": "RFC 7517 §5 JWK set",
    "content": {"application/jwk-set+json": {"schema": {"type": "object"}}},
}


def static_document_paths() -> dict[str, Any]:
    """OpenAPI path items of the documents :mod:`idp.oidc.static_documents` serves outside the routes."""

    def get(operation_id: str, response: dict[str, Any]) -> dict[str, Any]:
        return {"get": {"operationId": operation_id, "responses": {"200": response}}}

    return {
        "/.well-known/openid-configuration": get("openid_configuration", DISCOVERY),
        "/.well-known/oauth-authorization-server": get("oauth_authorization_server", DISCOVERY),
        "/jwks": get("jwks", JWKS),
    }


def _operation(operation_id: str, route: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI operation from a route constant (``openapi_extra`` and ``responses``)."""
    responses = {str(status): response for status, response in route["responses"].items()}
    return {"operationId": operation_id, **route.get("openapi_extra", {}), "responses": responses}


def plain_route_paths() -> dict[str, Any]:
    """OpenAPI path items of the JSON endpoints that are plain Starlette routes."""
    return {
        "/token": {"post": _operation("token", TOKEN)},
        "/userinfo": {
            "get": _operation("userinfo_get", USERINFO_GET),
            "post": _operation("userinfo_post", USERINFO_POST),
        },
    }


def document_static_paths(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI schema describe the static documents and the plain routes too."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            extra = {**static_document_paths(), **plain_route_paths()}
            schema["paths"] = {**extra, **schema["paths"]}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
