"""Rows of the population database as plain tuples, for bulk loading.

Generating a million citizens as ORM objects would cost more than writing them; the generator builds
tuples in the column order declared here, and :mod:`idp.population_db.loading` writes them in batches.
"""

from dataclasses import dataclass
from dataclasses import field
from typing import Any

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "household": ("number", "head_pin", "province_code", "ward_code", "street_address"),
    "citizen": (
        "pin", "family_name", "middle_name", "given_name", "birth_date", "sex", "nationality",
        "ethnicity_code", "religion", "birth_registration_province", "origin_ward_code",
        "deceased_on", "household_number", "relation_to_head", "father_pin", "mother_pin",
        "spouse_pin", "marital_status", "occupation", "phone_number", "email",
    ),
    "residence": (
        "pin", "kind", "province_code", "ward_code", "street_address", "registered_on", "expires_on",
    ),
    "identitycard": ("pin", "generation", "issued_on", "expires_on", "issued_by"),
    "socialinsurance": (
        "pin", "social_insurance_code", "bhyt_card_number", "beneficiary_group", "benefit_level",
        "registered_facility", "valid_from", "valid_to",
    ),
    "drivinglicense": ("number", "pin", "license_class", "issued_on", "expires_on", "issued_by"),
    "vehicleregistration": ("plate", "pin", "vehicle_type", "brand", "registered_on"),
    "vneidaccount": (
        "pin", "level", "status", "lock_reason", "activated_on", "registered_by_pin",
        "password_hash", "passcode_hash", "device_id",
    ),
}  # fmt: skip
"""Table name -> column order of its rows; the order tables are written in respects foreign keys."""


@dataclass(slots=True)
class Batch:
    """The rows of a run of whole households."""

    households: list[Row] = field(default_factory=list)
    citizens: list[Row] = field(default_factory=list)
    residences: list[Row] = field(default_factory=list)
    cards: list[Row] = field(default_factory=list)
    insurance: list[Row] = field(default_factory=list)
    licences: list[Row] = field(default_factory=list)
    vehicles: list[Row] = field(default_factory=list)
    accounts: list[Row] = field(default_factory=list)
    copy_text: dict[str, bytes] | None = None
    """The rows rendered for PostgreSQL's COPY, when a generator process did it."""
    citizen_count: int = 0

    def drop_rows(self) -> None:
        """Forget the rows once rendered, keeping their count for progress reports."""
        self.citizen_count = len(self.citizens)
        for rows in self.by_table().values():
            rows.clear()

    @property
    def size(self) -> int:
        """How many citizens this batch holds."""
        return len(self.citizens) or self.citizen_count

    def by_table(self) -> dict[str, list[Row]]:
        return {
            "household": self.households,
            "citizen": self.citizens,
            "residence": self.residences,
            "identitycard": self.cards,
            "socialinsurance": self.insurance,
            "drivinglicense": self.licences,
            "vehicleregistration": self.vehicles,
            "vneidaccount": self.accounts,
        }
