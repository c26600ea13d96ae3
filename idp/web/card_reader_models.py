"""The JSON bodies of the card reader's API (:mod:`idp.web.routes.card_reader`), as pydantic models:
FastAPI checks requests against them (a wrong type, shape or length is 400 ``invalid_request``) and
describes them in the OpenAPI document. The access key has the shapes of ICAO 9303 Part 11 §4.3's MRZ
information (:mod:`idp.card_reader.access_keys`)."""

from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from idp.state.card_readers import LABEL_LENGTH

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReaderRequest(_Strict):
    label: str = Field(
        "", max_length=LABEL_LENGTH, pattern=PRINTABLE, description="Shown on the reader's page."
    )


class ReaderOpened(BaseModel):
    reader_id: str
    reader_url: str = Field(description="The reader's page, where an operator taps a card.")
    expires_in: int = Field(description="Seconds the reader lives.")


class AccessKeyBody(_Strict):
    """ICAO 9303 Basic Access Control's MRZ information."""

    card_number: str = Field(
        pattern=r"^([0-9]{9}|[0-9]{12})$", description="The 12-digit PIN or the 9-digit number."
    )
    birth_date: str = Field(pattern=r"^[0-9]{6}$", description="YYMMDD.")
    expiry_date: str = Field(
        pattern=r"^([0-9]{6}|<{6})$", description="YYMMDD, or <<<<<< for a card valid for life."
    )


class TapRequest(_Strict):
    card: str = Field(max_length=64, description="A persona key or a PIN: whose card is tapped.")
    access_key: AccessKeyBody
    face: str | None = Field(
        None,
        max_length=64,
        description="A persona key or a PIN: who stands in front of the camera (the card holder "
        "unless given).",
    )


class Tapped(BaseModel):
    status: Literal["card_present"]


class ReaderState(BaseModel):
    status: Literal["waiting", "card_present"]
    label: str
    expires_in: int
    application_id: str | None = Field(None, description="With a card: the application selected.")
    files: dict[str, str] | None = Field(
        None,
        description="With a card: each file of the chip, standard base64, in the chip's order.",
    )


class Challenge(_Strict):
    challenge: str = Field(max_length=64, description="8 bytes, standard base64.")


class Signature(BaseModel):
    signature: str = Field(description="The chip's ECDSA P-256 signature r || s, standard base64.")
