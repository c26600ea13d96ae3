"""The claims catalogue: every scope filled from the population database, level-2 scopes only in level-2
identity tokens (at release, whatever the authorization step did), the dvcqg profile, the portrait.

Unit tests call :func:`idp.oidc.claims.release` with the token's account level and ``acr`` directly; the
HTTP tests reach a level-2 identity through :func:`tests.oidc.flows.raise_code` (see its docstring: the
step-up to LoA3 is another branch's work). The scope → linked records table
(:func:`idp.oidc.claims.record_parts`, what userinfo looks up) is checked against every citizen of a small
generated population: a lookup of a scope's parts releases exactly what the full record does.
"""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy import text

from idp.oidc.accounts import find_record
from idp.oidc.assurance import LEVEL2_SCOPES
from idp.oidc.catalogue import SCOPES
from idp.oidc.claims import ClaimsContext
from idp.oidc.claims import Recipient
from idp.oidc.claims import record_parts
from idp.oidc.claims import release
from idp.population_db.database import connect
from idp.population_db.lookup import EVERY_PART
from idp.population_db.lookup import CitizenRecord
from idp.population_db.seeding import seed_population
from tests.oidc.conftest import ALL_SCOPES
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.flows import authorize
from tests.oidc.flows import claims_param
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import raise_code
from tests.oidc.flows import redeem
from tests.oidc.flows import userinfo

CONTEXT = ClaimsContext(ISSUER, "test-secret")
LEVEL2_CLAIMS = {
    "eid_card",
    "nationality",
    "ethnicity",
    "religion",
    "picture",
    "residence",
    "household",
    "health_insurance",
    "driving_licenses",
    "vehicle_registrations",
}


@pytest.fixture(scope="module")
def records(env: Env) -> dict[str, CitizenRecord]:
    engine = connect(env.settings.database_url)
    found = {pin: find_record(engine, pin) for pin in (PIN, LEVEL1_PIN)}
    engine.dispose()
    return {pin: record for pin, record in found.items() if record is not None}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[str]]]:
    """The personas and 300 generated citizens (temporary and current residences, licences, vehicles,
    families): the engine and every PIN."""
    root = tmp_path_factory.mktemp("claims-sample")
    engine = connect(f"sqlite:///{root / 'sample.sqlite3'}")
    seed_population(engine, count=300, seed=11, password=PASSWORD, passcode=PASSCODE)
    with engine.connect() as connection:
        pins = list(connection.execute(text("SELECT pin FROM citizen ORDER BY pin")).scalars())
    yield engine, pins
    engine.dispose()


EVERYTHING = Recipient("sub-1", 2, "LoA3", dvcqg=True)
"""A level-2 identity of a dvcqg client: every scope's claims are released."""


def _release(record: CitizenRecord, level: int, acr: str, dvcqg: bool = False) -> dict[str, object]:
    return release(record, CONTEXT, Recipient("sub-1", level, acr, dvcqg), ALL_SCOPES.split())


def test_every_scope_of_the_level2_persona(records: dict[str, CitizenRecord]) -> None:
    info = _release(records[PIN], 2, "LoA3")
    assert info["sub"] == "sub-1"
    assert info["account_level"] == 2
    assert (info["name"], info["family_name"], info["middle_name"], info["given_name"]) == (
        "Nguyễn Văn Bình",
        "Nguyễn",
        "Văn",
        "Bình",
    )
    assert (info["birthdate"], info["gender"]) == ("1988-03-15", "male")
    assert info["personal_id_number"] == PIN
    assert (info["phone_number"], info["phone_number_verified"]) == ("+84919990001", True)
    assert (info["email"], info["email_verified"]) == ("binh.nguyen@example.com", False)
    address = info["address"]
    assert isinstance(address, dict)
    assert address["street_address"] == "Số 12 Hàng Bạc"
    assert address["region"] == "Thành phố Hà Nội"
    assert address["country"] == "VN"
    assert address["formatted"].startswith("Số 12 Hàng Bạc, ")
    card = info["eid_card"]
    assert isinstance(card, dict)
    assert card["number"] == PIN
    assert card["type"] == "can_cuoc"
    assert card["issued_on"] == "2024-09-10"
    assert card["issued_by"]
    assert card["place_of_birth_registration"] == {
        "province_code": "001",
        "province": "Thành phố Hà Nội",
    }
    assert set(card["place_of_origin"]) == {"ward_code", "ward", "province_code", "province"}
    assert (info["nationality"], info["ethnicity"], info["religion"]) == ("VN", "Kinh", "Không")
    assert re.fullmatch(rf"{ISSUER}/portraits/[A-Za-z0-9_-]{{24}}\.svg", str(info["picture"]))
    assert PIN not in str(info["picture"])
    residence = info["residence"]
    assert isinstance(residence, dict)
    assert residence["permanent"]["street_address"] == "Số 12 Hàng Bạc"
    assert residence["permanent"]["province_code"] == "01"
    assert re.fullmatch(r"\d{5}", residence["permanent"]["ward_code"])
    assert "current" in residence
    household = info["household"]
    assert isinstance(household, dict)
    assert household["number"] == "0199990001"
    assert household["head"] == {"personal_id_number": PIN, "name": "Nguyễn Văn Bình"}
    assert household["relation_to_head"] == "head"
    members = {m["personal_id_number"] for m in household["members"]}
    assert {PIN, "031190999002", "001216999003"} <= members
    insurance = info["health_insurance"]
    assert isinstance(insurance, dict)
    assert len(insurance["card_number"]) == 15
    assert insurance["card_number"].startswith("DN4")
    assert insurance["social_insurance_code"] == "0199990001"
    assert insurance["benefit_level"] == 4
    licences, vehicles = info["driving_licenses"], info["vehicle_registrations"]
    assert isinstance(licences, list)
    assert isinstance(vehicles, list)
    assert len(licences) == 2
    assert {"number", "class", "issued_on", "issued_by"} <= set(licences[0])
    assert len(vehicles) == 2
    assert {"plate", "vehicle_type", "brand", "registered_on"} == set(vehicles[0])


def test_no_biometrics_and_only_catalogue_claims(records: dict[str, CitizenRecord]) -> None:
    info = _release(records[PIN], 2, "LoA3")
    catalogue = {claim for entry in SCOPES for claim in entry.claims}
    assert set(info) <= catalogue
    text = str(info).lower()
    for secret in ("fingerprint", "template", "password", "passcode", "device"):
        assert secret not in text


@pytest.mark.parametrize(
    ("pin", "level", "acr"),
    [(PIN, 2, "LoA1"), (PIN, 2, "LoA2"), (LEVEL1_PIN, 1, "LoA2"), (LEVEL1_PIN, 1, "LoA3")],
)
def test_level2_scopes_only_in_level2_identity_tokens(
    records: dict[str, CitizenRecord], pin: str, level: int, acr: str
) -> None:
    info = _release(records[pin], level, acr)
    assert not LEVEL2_CLAIMS & set(info)
    assert info["personal_id_number"] == pin
    assert info["address"]


def test_level1_persona_level1_scopes(records: dict[str, CitizenRecord]) -> None:
    info = _release(records[LEVEL1_PIN], 1, "LoA1")
    assert info["account_level"] == 1
    assert info["name"] == "Lê Thị Mai"
    assert info["phone_number"] == "+84909990004"
    assert info["email"] == "mai.le@example.net"
    assert info["address"]["region"] == "Thành phố Hồ Chí Minh"  # type: ignore[index]


def test_dvcqg_names_and_formats(records: dict[str, CitizenRecord]) -> None:
    info = _release(records[PIN], 2, "LoA1", dvcqg=True)
    assert info["SoDinhDanh"] == PIN
    assert info["HoVaTen"] == "Nguyễn Văn Bình"
    assert info["NgayThangNamSinh"] == "19880315"
    assert info["LoaiTaiKhoan"] == "1"
    assert info["TechID"] == "sub-1"
    assert info["loginIdp"] == "BCA"
    recipient = Recipient("sub-1", 2, "LoA1", dvcqg=True)
    only_openid = release(records[PIN], CONTEXT, recipient, ["openid"])
    assert set(only_openid) == {"sub", "account_level", "LoaiTaiKhoan", "TechID", "loginIdp"}
    assert "SoDinhDanh" not in _release(records[PIN], 2, "LoA1", dvcqg=False)


def test_dvcqg_client_gets_them_at_userinfo(client: TestClient, env: Env) -> None:
    code, verifier = authorize(client, "dvcqg", "openid profile")
    info = userinfo(client, redeem(client, env, "dvcqg", code, verifier)["access_token"])
    assert info["HoVaTen"] == "Nguyễn Văn Bình"
    assert info["NgayThangNamSinh"] == "19880315"
    assert "SoDinhDanh" not in info  # the identity scope was not asked for
    assert info["TechID"] == info["sub"]


def test_level1_token_has_no_level2_claims(client: TestClient, env: Env) -> None:
    """A level-1 account asking for a level-2 scope ends with unmet_authentication_requirements (see
    tests/login/test_step_up.py); asking for level-1 scopes and level-2 claims by name releases none."""
    level1_scopes = " ".join(s for s in ALL_SCOPES.split() if s not in LEVEL2_SCOPES)
    request = claims_param(userinfo={"eid_card": None, "household": None})
    code, verifier = authorize(client, "data", level1_scopes, pin=LEVEL1_PIN, claims=request)
    tokens = redeem(client, env, "data", code, verifier)
    assert set(tokens["scope"].split()) == set(level1_scopes.split())
    info = userinfo(client, tokens["access_token"])
    assert info["personal_id_number"] == LEVEL1_PIN
    assert not LEVEL2_CLAIMS & set(info)


def test_level2_account_at_loa1_gets_no_level2_claims(client: TestClient, env: Env) -> None:
    """Level-2 claims asked for by name (the ``claims`` parameter) without a level-2 scope: the request
    needs no step-up, and the LoA1 tokens carry none of them."""
    level1_scopes = " ".join(s for s in ALL_SCOPES.split() if s not in LEVEL2_SCOPES)
    request = claims_param(id_token={"eid_card": None, "residence": None, "name": None})
    code, verifier = authorize(client, "data", level1_scopes, claims=request)
    tokens = redeem(client, env, "data", code, verifier)
    assert not LEVEL2_SCOPES & set(tokens["scope"].split())
    claims = id_token_claims(client, tokens["id_token"])
    assert claims["name"] == "Nguyễn Văn Bình"
    assert not LEVEL2_CLAIMS & set(claims)
    assert not LEVEL2_CLAIMS & set(userinfo(client, tokens["access_token"]))


def test_release_is_enforced_whatever_the_token_scope_says(client: TestClient, env: Env) -> None:
    """A code carrying level-2 scopes at LoA1 (as if the authorization step had let them through)."""
    request = claims_param(id_token={"eid_card": None})
    code, verifier = authorize(client, "data", ALL_SCOPES, claims=request)
    raise_code(client, code, "LoA1", ALL_SCOPES)
    tokens = redeem(client, env, "data", code, verifier)
    assert "eid_card" in tokens["scope"].split()
    assert "eid_card" not in id_token_claims(client, tokens["id_token"])
    assert not LEVEL2_CLAIMS & set(userinfo(client, tokens["access_token"]))


def test_level2_identity_gets_level2_claims(client: TestClient, env: Env) -> None:
    request = claims_param(id_token={"eid_card": None, "household": None})
    code, verifier = authorize(client, "data", ALL_SCOPES, claims=request)
    raise_code(client, code, "LoA3", ALL_SCOPES)
    tokens = redeem(client, env, "data", code, verifier)
    claims = id_token_claims(client, tokens["id_token"])
    assert claims["eid_card"]["number"] == PIN
    assert claims["household"]["number"] == "0199990001"
    assert "residence" not in claims  # not asked for in the ID token
    info = userinfo(client, tokens["access_token"])
    assert set(info) >= LEVEL2_CLAIMS


def test_a_client_gets_only_its_registered_scopes(client: TestClient, env: Env) -> None:
    code, verifier = authorize(client, "rp", "openid profile identity eid_card")
    tokens = redeem(client, env, "rp", code, verifier)
    assert tokens["scope"] == "openid profile"
    assert "personal_id_number" not in userinfo(client, tokens["access_token"])


def test_portrait_is_a_deterministic_svg(
    client: TestClient, records: dict[str, CitizenRecord]
) -> None:
    url = str(_release(records[PIN], 2, "LoA3")["picture"])
    path = url.removeprefix(ISSUER)
    first, second = client.get(path), client.get(path)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("image/svg+xml")
    assert first.text == second.text
    assert first.text.startswith("<svg")
    assert "SANDBOX" in first.text
    assert "picture" not in _release(records[LEVEL1_PIN], 1, "LoA3")  # a level-2 claim
    assert client.get("/portraits/not-an-id.svg").status_code == 404
    assert client.get(f"/portraits/{PIN}.svg").status_code == 404


def test_discovery_lists_the_catalogue_and_identity_assurance(client: TestClient) -> None:
    metadata = client.get("/.well-known/openid-configuration").json()
    assert set(ALL_SCOPES.split()) <= set(metadata["scopes_supported"])
    assert {"eid_card", "driving_licenses", "SoDinhDanh", "verified_claims"} <= set(
        metadata["claims_supported"]
    )
    assert metadata["claims_parameter_supported"] is True
    assert metadata["verified_claims_supported"] is True
    assert metadata["trust_frameworks_supported"] == ["vn_eid"]
    assert metadata["evidence_supported"] == ["document"]
    assert metadata["documents_supported"] == ["idcard"]
    assert "given_name" in metadata["claims_in_verified_claims_supported"]


def _lookup(engine: Engine, pin: str, parts: frozenset[str] = EVERY_PART) -> CitizenRecord:
    record = find_record(engine, pin, parts)
    assert record is not None
    return record


def test_each_scope_releases_the_same_claims_from_its_parts(
    sample: tuple[Engine, list[str]],
) -> None:
    engine, pins = sample
    scopes = [entry.name for entry in SCOPES]
    for pin in pins:
        full = _lookup(engine, pin)
        for scope in scopes:
            partial = _lookup(engine, pin, record_parts([scope]))
            expected = release(full, CONTEXT, EVERYTHING, [scope])
            assert release(partial, CONTEXT, EVERYTHING, [scope]) == expected, (pin, scope)
        partial = _lookup(engine, pin, record_parts(scopes))
        expected = release(full, CONTEXT, EVERYTHING, scopes)
        assert release(partial, CONTEXT, EVERYTHING, scopes) == expected, pin


def test_a_scope_has_parts_exactly_when_its_claims_read_linked_records(
    sample: tuple[Engine, list[str]],
) -> None:
    """The sample exercises every entry of the table (each scope with parts has a citizen whose claims
    differ without them), and no scope fetches records its claims never read."""
    engine, pins = sample
    scopes = [entry.name for entry in SCOPES]
    reading: set[str] = set()
    for pin in pins:
        full, bare = _lookup(engine, pin), _lookup(engine, pin, frozenset())
        reading |= {
            scope
            for scope in scopes
            if release(full, CONTEXT, EVERYTHING, [scope])
            != release(bare, CONTEXT, EVERYTHING, [scope])
        }
    assert reading == {scope for scope in scopes if record_parts([scope])}
    assert reading == {"address", "residence", "household", "driving_license", "vehicles"}
