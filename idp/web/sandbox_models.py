"""The JSON bodies of the sandbox's control API (:mod:`idp.web.routes.sandbox_control`), as pydantic
models: FastAPI checks requests against them (a wrong type or range is 400 ``invalid_request``) and
describes them in the OpenAPI document."""

from typing import Any
from typing import Literal

from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioRequest(_Strict):
    name: str = Field(
        max_length=64, description="A name of the catalogue (GET /sandbox/scenarios)."
    )
    client_id: str | None = Field(None, max_length=200, description="Only for this client.")
    persona: str | None = Field(
        None, max_length=64, description="Only for this citizen: a persona key or a PIN."
    )
    times: int = Field(1, ge=1, le=1000, description="How many matching requests get it.")
    seconds: float | None = Field(
        None, ge=0, le=120, description="token_slow: the delay; token_429: Retry-After."
    )


class ScenarioEntry(BaseModel):
    name: str
    endpoint: str
    does: str
    tests: str


class PendingScenario(BaseModel):
    name: str
    endpoint: str
    client_id: str | None
    pin: str | None
    remaining: int
    seconds: float | None


class Scenarios(BaseModel):
    catalogue: list[ScenarioEntry]
    pending: list[PendingScenario]


class ClockChange(_Strict):
    action: Literal["freeze", "advance", "set", "reset"]
    seconds: float | None = Field(
        None, ge=-10 * 365 * 86400, le=10 * 365 * 86400, description="advance: by how much."
    )
    at: AwareDatetime | None = Field(
        None, description="freeze (optional) and set: the moment, ISO 8601 with its offset."
    )


class ClockState(BaseModel):
    now: float = Field(description="Seconds since the epoch.")
    iso: str
    frozen: bool


class Address(_Strict):
    province_code: int
    ward_code: int
    street_address: str = Field(max_length=120)


Reason = Literal["lost", "damaged", "withdrawn"]


class CardRenewal(_Strict):
    """A new card issued today (the provider's day in Vietnam)."""

    action: Literal["renew"]


class CardRevocation(_Strict):
    """The current card stops being valid today: reported lost, damaged, or withdrawn."""

    action: Literal["revoke"]
    reason: Reason


class Revoked(_Strict):
    reason: Reason
    revoked_on: str = Field(max_length=10, description="YYYY-MM-DD.")


class CardState(_Strict):
    """A card as ``GET /sandbox/citizens/{who}`` shows it: the card is set to it exactly (how a reset
    puts a renewed or revoked card back)."""

    generation: Literal["cccd_chip", "can_cuoc"]
    issued_on: str = Field(max_length=10, description="YYYY-MM-DD.")
    expires_on: str | None = Field(max_length=10, description="YYYY-MM-DD, or null: for life.")
    issued_by: str = Field(max_length=80)
    revoked: Revoked | None


class CitizenChanges(_Strict):
    """Only the fields given are changed; ``null`` clears the phone or the date of death."""

    account_status: Literal["active", "locked"] | None = None
    account_level: Literal[1, 2] | None = None
    phone_number: str | None = Field(None, max_length=10)
    address: Address | None = None
    deceased_on: str | None = Field(None, max_length=10, description="YYYY-MM-DD, or null.")
    card: CardRenewal | CardRevocation | CardState | None = Field(
        None,
        description="Renew the identity card, revoke it, or set it (docs/card-verification.md).",
    )


class Citizen(BaseModel):
    pin: str
    name: str
    account_status: str | None
    account_level: int | None
    phone_number: str | None
    address: dict[str, Any] | None
    deceased_on: str | None
    card: dict[str, Any] | None = Field(
        description="generation, issued_on, expires_on, issued_by, revoked (null or reason and "
        "revoked_on); null without a card."
    )


class CardChip(BaseModel):
    """A card's chip (:func:`idp.chip.export.chip_document`)."""

    card_number: str
    document_number: str
    name: str
    birth_date: str
    issued_on: str
    expires_on: str | None
    application_id: str
    access_key: str = Field(description="The MRZ information that opens the chip.")
    mrz: list[str]
    qr: str = Field(description="The string of the QR code printed on the card.")
    files: dict[str, str] = Field(description="Each file's bytes, standard base64.")
    sha256: dict[str, str]
    csca_pem: str = Field(description="The country signing CA's certificate.")


class MintRequest(_Strict):
    kind: Literal["access_token", "id_token", "logout_token"] = "access_token"
    claims: dict[str, Any] = Field(
        default_factory=dict, description="Added to or replacing the defaults."
    )
    client_id: str | None = Field(None, max_length=200, description="aud (and client_id).")
    persona: str | None = Field(
        None, max_length=64, description="sub: this citizen's subject for the client."
    )
    expires_in: int = Field(600, ge=-86400 * 365, le=86400 * 365)
    alg: Literal["RS256", "PS256", "ES256"] = "RS256"
    kid: str | None = Field(None, max_length=100, description="One of the provider's keys.")


class Minted(BaseModel):
    token: str


class Kids(BaseModel):
    kids: list[str]


class ResetRequest(_Strict):
    everything: bool = Field(
        False,
        description="Also forget sessions, codes, tokens, consents, the audit trail, lockouts, "
        "the SMS inbox and registered clients.",
    )


class ReceivedRequest(BaseModel):
    endpoint: str
    method: str
    client_id: str | None
    parameters: dict[str, list[str]]
    authorization: str | None
    at: float


class Received(BaseModel):
    requests: list[ReceivedRequest]


class SignalEvent(BaseModel):
    jti: str
    stream_id: str
    client_id: str
    pin: str | None
    event_type: str
    sub_id: dict[str, Any]
    event: dict[str, Any]
    txn: str
    created_at: float
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    last_status: int | None
    last_answer: str | None
    delivered_at: float | None


class SignalEvents(BaseModel):
    events: list[SignalEvent]


class Delivered(BaseModel):
    delivered: int


class Activation(_Strict):
    public_jwk: dict[str, Any] = Field(
        description="The phone's public ES256 key (a P-256 JWK without its private part)."
    )


class Activated(BaseModel):
    pin: str
    device_id: str


class Scan(_Strict):
    link: str = Field(max_length=2048, description="The QR code's link (or the request id).")


class PhoneRequest(BaseModel):
    id: str
    kind: str = Field(description="qr, ciba, device or app.")
    client_id: str | None
    service: str | None
    purpose: str
    acr: str
    scopes: list[str]
    binding_message: str
    nonce: str = Field(description="The server nonce the next signed answer must carry.")
    expires_at: float


class PhoneRequests(BaseModel):
    requests: list[PhoneRequest]


class PhoneAnswer(_Strict):
    approval: str = Field(
        max_length=4096,
        description="A compact JWS (ES256, kid: the device id) over {rid, nonce, decision}.",
    )
    passcode: str = Field("", max_length=16)
    face: Literal["match", "no_match", ""] = ""
    scopes: list[str] | None = Field(
        None, max_length=20, description="The optional items left ticked (absent: all)."
    )


class AppLink(_Strict):
    link: str = Field(
        max_length=8192, description="An app link: /phone/authorize with an authorization request."
    )


class PhoneOutcome(BaseModel):
    return_to: str | None = Field(
        None, description="For an app's request once decided: where the app returns to."
    )
    outcome: str = Field(
        description="approved, refused, unmet; or why the answer was not accepted: not_found, "
        "expired, decided, no_app, bad_signature, other_request, replayed, wrong_passcode, "
        "too_many, no_match."
    )
