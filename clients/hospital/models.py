"""The hospital's own records: check-ins (table ``hospital_checkin``)."""

import time

from sqlmodel import Field
from sqlmodel import SQLModel


class CheckIn(SQLModel, table=True):
    __tablename__ = "hospital_checkin"

    id: int | None = Field(default=None, primary_key=True)
    sub: str = Field(index=True)
    patient: str
    card_number: str
    """The BHYT card number (15 characters)."""
    registered_facility: str
    benefit_level: str = ""
    department: str
    created_at: float = Field(default_factory=time.time)
