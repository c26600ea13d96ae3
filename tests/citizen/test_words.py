"""Every code the population can hold, and every scope and claim the account page can list, has its
words in both catalogues (``values.toml``, ``account.toml``): the page never shows a code for want of a
label. Both catalogues hold the same keys."""

import pytest

from idp.citizen.sharing import CLAIM_WORDS
from idp.oidc.catalogue import DVCQG_CLAIMS
from idp.oidc.catalogue import PROTOCOL_CLAIMS
from idp.oidc.catalogue import SCOPES
from idp.population_db.codes import CardGeneration
from idp.population_db.codes import MaritalStatus
from idp.population_db.codes import RelationToHead
from idp.population_db.codes import ResidenceKind
from idp.population_db.codes import Sex
from idp.population_db.codes import VehicleType
from idp.population_db.demography import RELIGIONS
from idp.population_db.insurance import GROUP_LEVELS
from idp.population_db.licences import CURRENT_CLASSES
from idp.population_db.licences import LEGACY_CLASSES
from idp.population_db.personas import PERSONAS
from idp.web.translations import CATALOGUES

RELIGIONS_OF_GROUPS = {"Phật giáo", "Hồi giáo", "Bà-la-môn"}  # Khmer and Chăm (the generator)
CODES: dict[str, set[str]] = {
    "sex": {str(code) for code in Sex},
    "relation": {str(code) for code in RelationToHead},
    "marital_status": {str(code) for code in MaritalStatus},
    "card_type": {str(code) for code in CardGeneration},
    "residence_kind": {str(code) for code in ResidenceKind},
    "vehicle_type": {str(code) for code in VehicleType},
    "religion": {r for mix in RELIGIONS.values() for r in mix} | RELIGIONS_OF_GROUPS,
    "country": {persona.nationality for persona in PERSONAS},
    "bhyt_group": set(GROUP_LEVELS),
    "licence_class": set(CURRENT_CLASSES),
    "licence_class_2008": set(LEGACY_CLASSES),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", sorted(CODES))
def test_every_code_has_words(lang: str, kind: str) -> None:
    missing = [c for c in CODES[kind] if f"values.{kind}.{c.lower()}" not in CATALOGUES[lang]]
    assert missing == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_scope_and_claim_has_words(lang: str) -> None:
    catalogue = CATALOGUES[lang]
    assert [s.name for s in SCOPES if f"account.scope.{s.name}" not in catalogue] == []
    claims = {claim for s in SCOPES for claim in s.claims} | set(DVCQG_CLAIMS) | {"verified_claims"}
    listed = {CLAIM_WORDS.get(claim, claim) for claim in claims - PROTOCOL_CLAIMS}
    assert sorted(c for c in listed if f"account.claim.{c}" not in catalogue) == []


def test_both_catalogues_hold_the_same_keys() -> None:
    mine = ("account.", "values.")
    vietnamese = {key for key in CATALOGUES["vi"] if key.startswith(mine)}
    english = {key for key in CATALOGUES["en"] if key.startswith(mine)}
    assert vietnamese == english
