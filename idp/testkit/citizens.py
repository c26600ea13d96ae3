"""``vneid.citizens``: read a citizen and change one through the control API (the provider's citizen
services check and write the change; a reset undoes it)."""

from datetime import date
from typing import Any

from idp.testkit.provider_clock import Call
from idp.testkit.provider_clock import ProviderClock


class Citizens:
    """``vneid.citizens``: read a citizen (a persona key or a PIN) and change one; every change is
    undone when the test ends."""

    def __init__(self, call: Call, clock: ProviderClock) -> None:
        self._call = call
        self._clock = clock

    def get(self, who: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", f"/sandbox/citizens/{who}", None)
        return found

    def change(self, who: str, **changes: Any) -> dict[str, Any]:
        changed: dict[str, Any] = self._call("PATCH", f"/sandbox/citizens/{who}", changes)
        return changed

    def lock(self, who: str) -> dict[str, Any]:
        return self.change(who, account_status="locked")

    def unlock(self, who: str) -> dict[str, Any]:
        return self.change(who, account_status="active")

    def set_phone(self, who: str, phone_number: str | None) -> dict[str, Any]:
        return self.change(who, phone_number=phone_number)

    def set_address(
        self, who: str, province_code: int, ward_code: int, street_address: str
    ) -> dict[str, Any]:
        address = {
            "province_code": province_code,
            "ward_code": ward_code,
            "street_address": street_address,
        }
        return self.change(who, address=address)

    def set_account_level(self, who: str, level: int) -> dict[str, Any]:
        return self.change(who, account_level=level)

    def mark_deceased(self, who: str, on: date | None = None) -> dict[str, Any]:
        """Record a death ``on`` that day, else on the population's today on the provider."""
        day = on or self._clock.population_day()
        return self.change(who, deceased_on=day.isoformat())
