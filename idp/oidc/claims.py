"""Which claims each scope releases, and their values for one citizen (OpenID Connect Core §5.1, §5.4).

The only module that knows claim names; the scope → claims mapping is a table.
"""

from typing import Any

from idp.population_db.lookup import CitizenRecord

SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": ("name", "family_name", "middle_name", "given_name", "birthdate", "gender"),
}


def claim_values(record: CitizenRecord) -> dict[str, Any]:
    citizen = record.citizen
    return {
        "name": citizen.full_name,
        "family_name": citizen.family_name,
        "middle_name": citizen.middle_name,
        "given_name": citizen.given_name,
        "birthdate": citizen.birth_date.isoformat(),
        "gender": citizen.sex,
    }


def userinfo_for(record: CitizenRecord, sub: str, scopes: list[str]) -> dict[str, Any]:
    """``sub``, ``account_level``, and the claims of every granted scope the citizen has a value for."""
    values = claim_values(record)
    info: dict[str, Any] = {"sub": sub}
    if record.account is not None:
        info["account_level"] = record.account.level
    for scope in scopes:
        for name in SCOPE_CLAIMS.get(scope, ()):
            if values.get(name) not in (None, ""):
                info[name] = values[name]
    return info
