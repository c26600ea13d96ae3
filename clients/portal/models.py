"""The portal's own records: judicial-record certificate requests (tờ khai yêu cầu cấp Phiếu lý lịch tư
pháp, Law on Judicial Records 2009 Art. 45), table ``portal_judicial_request``."""

import time

from sqlmodel import Field
from sqlmodel import SQLModel


class JudicialRecordRequest(SQLModel, table=True):
    """One submitted request; identity fields come from VNeID, the rest from the form."""

    __tablename__ = "portal_judicial_request"

    id: int | None = Field(default=None, primary_key=True)
    sub: str = Field(index=True)
    acr: str
    full_name: str
    personal_id_number: str
    birthdate: str
    gender: str
    nationality: str = ""
    ethnicity: str = ""
    card_issued_on: str = ""
    card_issued_by: str = ""
    place_of_origin: str = ""
    permanent_address: str = ""
    current_address: str = ""
    household_number: str = ""
    certificate_type: int
    """1: Phiếu số 1 (for a person or organisation); 2: Phiếu số 2 (the full record, to the person)."""
    copies: int
    purpose: str
    created_at: float = Field(default_factory=time.time)
