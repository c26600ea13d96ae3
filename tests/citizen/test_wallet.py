"""The document wallet of the account page (:mod:`idp.citizen.wallet`): one card per document, the
level-2 documents only for a level-2 account, expiry on the population's day, the BHYT benefit level as the
percentage of the domain reference (Appendix C), each licence class read in its era; and the history's
facts (:func:`idp.citizen.sharing.facts`)."""

from datetime import date

from sqlalchemy import Engine

from idp.citizen.sharing import facts
from idp.citizen.wallet import BENEFIT_PERCENT
from idp.citizen.wallet import Wallet
from idp.citizen.wallet import wallet
from idp.oidc.accounts import find_record
from idp.oidc.assurance import LEVEL2_SCOPES
from idp.oidc.claims import ClaimsContext
from idp.population_db.insurance import GROUP_LEVELS
from idp.population_db.personas import PERSONAS
from idp.state.clock import Clock

CONTEXT = ClaimsContext("http://testserver", "s" * 32)
BY_KEY = {persona.key: persona for persona in PERSONAS}


def _wallet(
    population: Engine, key: str, level: int | None = None, today: date | None = None
) -> Wallet:
    """The persona's wallet on ``today`` (the population's today of an unmoved clock when not
    given: the reference day)."""
    persona = BY_KEY[key]
    record = find_record(population, persona.pin)
    assert record is not None
    day = today or Clock().population_day()
    return wallet(record, CONTEXT, level or persona.account_level or 1, today=day)


def test_a_level_two_account_has_every_document(population: Engine) -> None:
    shown = _wallet(population, "level2-full")
    assert shown.hidden == ()
    assert shown.card is not None
    assert (shown.card.number, shown.card.kind, shown.card.expired) == (
        "001088999001",
        "can_cuoc",
        False,
    )
    assert shown.card.residence is not None
    assert shown.card.residence.street == "Số 12 Hàng Bạc"
    assert shown.background is not None
    assert shown.background.nationality == "VN"
    assert [kind for kind, _ in shown.residence] == ["permanent", "current"]
    assert shown.household is not None
    assert [m.relation for m in shown.household.members] == ["head", "child", "spouse"]
    assert shown.insurance is not None
    assert (shown.insurance.group, shown.insurance.level, shown.insurance.percent) == ("DN", 4, 80)
    assert [(v.plate, v.kind) for v in shown.vehicles] == [
        ("29-Z9 990.01", "motorcycle"),
        ("30Z-990.02", "car"),
    ]


def test_each_licence_class_is_read_in_its_era(population: Engine) -> None:
    motorcycle, car = _wallet(population, "level2-full").licences
    assert (motorcycle.license_class, motorcycle.classes) == ("A1", "licence_class_2008")
    assert (motorcycle.expires_on, motorcycle.expired) == (None, False)  # never expires
    assert (car.license_class, car.classes) == ("B", "licence_class")
    assert car.expires_on == "2035-04-02"


def test_a_document_is_valid_through_its_last_day(population: Engine) -> None:
    """The car licence expires on 2035-04-02: valid on the population's day 2035-04-02, expired on
    the 3rd."""
    for today, expired in ((date(2035, 4, 2), False), (date(2035, 4, 3), True)):
        _, car = _wallet(population, "level2-full", today=today).licences
        assert (car.expires_on, car.expired) == ("2035-04-02", expired), today


def test_the_identity_card_expires_on_the_populations_day(population: Engine) -> None:
    """The level-2 persona's card (born 1988-03-15, issued 2024-09-10) runs to the 40th birthday:
    valid on the reference day, expired ten years later, whatever the calendar says."""
    first = _wallet(population, "level2-full").card
    assert first is not None
    assert (first.expires_on, first.expired) == ("2028-03-15", False)
    later = _wallet(population, "level2-full", today=date(2036, 7, 1)).card
    assert later is not None
    assert (later.expires_on, later.expired) == ("2028-03-15", True)


def test_a_level_one_account_holds_no_level_two_data(population: Engine) -> None:
    shown = _wallet(population, "level1-only")
    assert set(shown.hidden) == set(LEVEL2_SCOPES)
    assert shown.card is None
    assert shown.background is None
    assert shown.residence == ()
    assert shown.household is None
    assert shown.insurance is None
    assert shown.licences == ()
    assert shown.vehicles == ()
    assert (shown.person.name, shown.person.sex) == ("Lê Thị Mai", "female")
    assert shown.contact.phone == "+84909990004"


def test_the_same_citizen_at_level_two_shows_the_documents(population: Engine) -> None:
    shown = _wallet(population, "level1-only", level=2)
    assert shown.hidden == ()
    assert shown.card is not None
    assert shown.insurance is not None


def test_an_expired_card_says_so(population: Engine) -> None:
    shown = _wallet(population, "expired-card")
    assert shown.card is not None
    assert shown.card.expired


def test_a_foreign_resident_has_no_identity_card(population: Engine) -> None:
    shown = _wallet(population, "foreign-resident", level=2)
    assert shown.card is None
    assert shown.background is not None
    assert shown.background.nationality == "KR"
    assert "temporary" in [kind for kind, _ in shown.residence]


def test_every_benefit_level_has_the_reference_percentage() -> None:
    # Appendix C: 1 = 100 % no cap, 2 = 100 % with caps, 3 = 95 %, 4 = 80 %, 5 = 100 % beyond the list
    assert BENEFIT_PERCENT == {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
    assert set(GROUP_LEVELS.values()) <= set(BENEFIT_PERCENT)


def test_the_parts_of_one_fact_are_one_item_of_the_history() -> None:
    disclosed = [
        "SoDinhDanh",
        "account_level",
        "birthdate",
        "email_verified",
        "family_name",
        "given_name",
        "name",
        "phone_number",
        "phone_number_verified",
        "x_custom",
    ]
    assert facts(disclosed) == (
        "account_level",
        "name",
        "birthdate",
        "personal_id_number",
        "phone_number",
        "email",
        "x_custom",
    )
