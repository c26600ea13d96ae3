"""The JSON API's request bodies and answers as models, from which FastAPI generates the OpenAPI document:
``application/x-www-form-urlencoded`` bodies for RFC 6749, 7009, 7662 and OIDC Core §5.3,
``application/json`` for RFC 7591, and every answer each endpoint can give, so that a schema-driven run
(schemathesis) checks them. The routes read their bodies themselves (strictly: repeated parameters, NUL,
sizes; :mod:`idp.web.requests`), so the bodies are described here rather than inferred from parameters.
"""

from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class OAuthError(BaseModel):
    """RFC 6749 §5.2."""

    error: str
    error_description: str | None = None


class ClientAuthentication(BaseModel):
    client_id: str | None = None
    client_secret: str | None = None
    client_assertion: str | None = None
    client_assertion_type: str | None = None


class TokenRequest(ClientAuthentication):
    grant_type: Literal[
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
    ]
    code: str | None = None
    device_code: str | None = None
    redirect_uri: str | None = None
    code_verifier: str | None = None
    refresh_token: str | None = None
    scope: str | None = None


class TokenResponse(BaseModel):
    """RFC 6749 §5.1, OIDC Core §3.1.3.3."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None = None
    id_token: str | None = None
    scope: str | None = None


class DeviceAuthorizationRequest(ClientAuthentication):
    """RFC 8628 §3.1 (``acr_values`` as at the authorization endpoint)."""

    scope: str | None = None
    acr_values: str | None = None


class DeviceAuthorization(BaseModel):
    """RFC 8628 §3.2."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


class TokenParameters(ClientAuthentication):
    """RFC 7009 §2.1, RFC 7662 §2.1."""

    token: str
    token_type_hint: str | None = None


class BackchannelRequest(ClientAuthentication):
    """OpenID Connect CIBA Core 1.0 §7.1 (``login_hint_token`` and ``user_code`` are refused)."""

    scope: str
    login_hint: str | None = None
    id_token_hint: str | None = None
    binding_message: str | None = None
    requested_expiry: str | None = None
    acr_values: str | None = None
    client_notification_token: str | None = None


class BackchannelAuthentication(BaseModel):
    """OpenID Connect CIBA Core 1.0 §7.3."""

    auth_req_id: str
    expires_in: int
    interval: int


class ShareInit(ClientAuthentication):
    """A bank's sharing transaction (idp.oidc.biometric_share)."""

    pin: str
    return_uri: str
    scope: str | None = None
    purpose: str | None = None


class ShareStarted(BaseModel):
    transactionId: str  # noqa: N815 (the banks' API's names)
    expiresIn: int  # noqa: N815
    appLink: str  # noqa: N815


class ShareFetch(ClientAuthentication):
    transactionId: str  # noqa: N815
    consentId: str  # noqa: N815


class ShareResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    transactionId: str  # noqa: N815
    faceMatch: dict[str, Any]  # noqa: N815
    citizen: dict[str, Any]


class Introspection(BaseModel):
    """RFC 7662 §2.2."""

    model_config = ConfigDict(extra="allow")
    active: bool


class UserinfoForm(BaseModel):
    access_token: str | None = None


class Claims(BaseModel):
    """OIDC Core §5.3.2."""

    model_config = ConfigDict(extra="allow")
    sub: str


class ClientMetadata(BaseModel):
    """RFC 7591 §2, OIDC Registration 1.0 §2 (the fields most clients send; others are accepted)."""

    model_config = ConfigDict(extra="allow")
    redirect_uris: list[str]
    application_type: Literal["web", "native"] | None = None
    token_endpoint_auth_method: str | None = None
    grant_types: list[str] | None = None
    response_types: list[str] | None = None
    client_name: str | None = None
    scope: str | None = None
    id_token_signed_response_alg: str | None = None
    access_token_signed_response_alg: str | None = None
    subject_type: str | None = None


class RegisteredClient(ClientMetadata):
    """RFC 7591 §3.2.1."""

    client_id: str
    client_secret: str | None = None
    client_id_issued_at: int
    client_secret_expires_at: int | None = None


class Document(BaseModel):
    """A JSON document (discovery, a JWK set)."""

    model_config = ConfigDict(extra="allow")


class Discovery(Document):
    issuer: str
    jwks_uri: str


class Inbox(BaseModel):
    messages: list[dict[str, Any]]


class Health(BaseModel):
    status: str
    issuer: str
    population: int | None


class CardFiles(BaseModel):
    """The chip's files as read, each in standard base64 (ICAO 9303 Part 10)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    ef_sod: str = Field(alias="EF.SOD")
    dg1: str = Field(alias="DG1")
    dg13: str = Field(alias="DG13")
    dg2: str | None = Field(None, alias="DG2")
    dg14: str | None = Field(None, alias="DG14")
    dg15: str | None = Field(None, alias="DG15")
    ef_com: str | None = Field(None, alias="EF.COM")


class ActiveAuthenticationExchange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge: str = Field(description="The 8 random bytes sent to the chip, base64.")
    signature: str = Field(description="The chip's INTERNAL AUTHENTICATE answer, base64.")


class CardPresentation(BaseModel):
    """What a verifier read from a chip card (idp.citizen.card_presentation)."""

    model_config = ConfigDict(extra="forbid")
    files: CardFiles
    active_authentication: ActiveAuthenticationExchange | None = None
    face_image: str | None = Field(None, description="A live photo, JPEG or PNG, base64.")


class PassiveAuthenticationResult(BaseModel):
    valid: bool
    signer: str
    chain: bool
    signature: bool
    data_groups: dict[str, bool]


class ActiveAuthenticationResult(BaseModel):
    performed: bool
    valid: bool | None


class FaceMatchResult(BaseModel):
    score: float
    threshold: float
    matched: bool


class CardVerification(BaseModel):
    """The answer of the card verification service (docs/card-verification.md)."""

    status: Literal["valid", "not_genuine", "revoked", "replaced", "expired", "mismatch"]
    reasons: list[str]
    card_number: str | None
    issued_on: str | None
    expires_on: str | None
    passive_authentication: PassiveAuthenticationResult
    active_authentication: ActiveAuthenticationResult
    face_match: FaceMatchResult | None
    verification_id: str
    checked_at: str


MEANING = {
    400: "invalid_request and the other RFC 6749 §5.2 errors",
    401: "client authentication or the bearer token failed",
    403: "the access token was not issued for the 'openid' scope",
    404: "not enabled",
    413: "the body exceeds 64 KiB",
    503: "the database is unreachable or not seeded",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of an endpoint, every one RFC 6749 §5.2 JSON."""
    return {status: {"model": OAuthError, "description": MEANING[status]} for status in statuses}


def body(model: type[BaseModel], media_type: str = FORM, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` describing a request body of ``model``."""
    content = {media_type: {"schema": model.model_json_schema()}}
    return {"requestBody": {"required": required, "content": content}}


BEARER = {"name": "Authorization", "in": "header", "required": False, "schema": {"type": "string"}}
USERINFO_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "model": Claims,
        "description": "the claims, as JSON or as a JWT per the client's registration",
        "content": {"application/jwt": {"schema": {"type": "string"}}},
    },
    **errors(400, 401, 403, 413),
}


CARD_VERIFICATION_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": CardVerification, "description": "the status of the card, with its reasons"},
    **errors(400, 401, 503),
    403: {"model": OAuthError, "description": "the token was not issued for card_verification"},
    404: {
        "model": OAuthError,
        "description": "unknown_card: no card of the database has its number",
    },
    413: {"model": OAuthError, "description": "the body exceeds 1 MiB"},
}


class DeclaredChild(BaseModel):
    """The child of a birth registration (docs/population-service.md)."""

    family_name: str
    middle_name: str = ""
    given_name: str
    sex: Literal["male", "female"]
    birth_date: str = Field(description="YYYY-MM-DD, on or before the population's day.")
    birth_ward_code: int = Field(description="The 2025 commune-level unit of the place of birth.")


class BirthDeclaration(BaseModel):
    """A birth registration (đăng ký khai sinh)."""

    request_id: str = Field(description="The client's idempotency key, 1 to 64 characters.")
    declarant_token: str = Field(description="The declaring parent's access token (LoA3+).")
    child: DeclaredChild
    other_parent_pin: str | None = None


class DeathDeclaration(BaseModel):
    """A death registration (đăng ký khai tử)."""

    request_id: str = Field(description="The client's idempotency key, 1 to 64 characters.")
    declarant_token: str = Field(description="A relative's access token (LoA3+).")
    deceased_pin: str
    died_on: str = Field(description="YYYY-MM-DD, on or before the population's day.")


POPULATION_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"description": "registered: the new record (docs/population-service.md)"},
    200: {"description": "the same request_id again: the first answer"},
    **errors(400, 401, 503),
    403: {
        "model": OAuthError,
        "description": "the token was not issued for population_registration",
    },
    409: {"model": OAuthError, "description": "the request_id was used with another body"},
    413: {"model": OAuthError, "description": "the body exceeds 16 KiB"},
}
