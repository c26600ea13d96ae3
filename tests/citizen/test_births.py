"""Birth registration through the population service, on SQLite and PostgreSQL: the child's PIN by
the real rules, the household, residence and BHYT rows, every field error, the idempotent resubmit
(in turn and racing), concurrent registrations that never share a PIN, the licence, and a clean
population check afterwards."""

import threading
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from idp.citizen.births import register_birth
from idp.cli import app
from idp.oidc.server import AuthorizationServer
from idp.population_db.codes import Sex
from idp.population_db.database import connect
from idp.population_db.invariants import check_population
from idp.population_db.pin import decode_pin
from idp.population_db.pin import validate_pin
from idp.population_db.registrations import remove_citizen
from idp.state.audit import BIRTH_REGISTRATION
from idp.state.audit import events_for
from tests.citizen.population_calls import BIRTHS
from tests.citizen.population_calls import CONTROL
from tests.citizen.population_calls import DECEASED
from tests.citizen.population_calls import FATHER
from tests.citizen.population_calls import FOREIGNER
from tests.citizen.population_calls import LEVEL1
from tests.citizen.population_calls import MOTHER
from tests.citizen.population_calls import SON
from tests.citizen.population_calls import birth
from tests.citizen.population_calls import child
from tests.citizen.population_calls import citizen_token
from tests.citizen.population_calls import population_settings
from tests.citizen.population_calls import post
from tests.citizen.population_calls import service
from tests.citizen.population_calls import service_token

__all__ = ["population_settings", "service"]


def server_of(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def rows(client: TestClient, sql: str, **params: Any) -> list[Any]:
    with server_of(client).engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def codes(response: Any) -> set[tuple[str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    return {(e["field"], e["code"]) for e in body["errors"]}


def test_a_registered_child_has_a_pin_household_residence_and_bhyt(service: TestClient) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    response = post(service, BIRTHS, token, birth(father, child=child(sex="male")))
    assert response.status_code == 201, response.text
    answer = response.json()
    pin = answer["child"]["pin"]
    decoded = decode_pin(pin)
    assert (decoded.province_code, decoded.sex, decoded.birth_year) == (1, Sex.MALE, 2026)
    assert pin[3] == "2"  # a boy born in the 2000s
    assert validate_pin(pin, birth_date=date(2026, 6, 20), sex=Sex.MALE) == []
    assert (answer["child"]["father_pin"], answer["child"]["mother_pin"]) == (FATHER, MOTHER)
    assert answer["household"]["number"] == "0199990001"
    assert answer["household"]["relation_to_head"] == "child"
    insurance = answer["health_insurance"]
    assert (insurance["group"], insurance["benefit_level"]) == ("TE", 1)
    assert insurance["card_number"] == f"TE101{insurance['social_insurance_code']}"
    assert (insurance["valid_from"], insurance["valid_to"]) == ("2026-06-20", "2032-06-19")
    assert answer["registered_on"] == server_of(service).clock.population_day().isoformat()
    (citizen,) = rows(service, "SELECT * FROM citizen WHERE pin = :pin", pin=pin)
    assert (citizen.household_number, citizen.nationality) == ("0199990001", "VN")
    assert (citizen.father_pin, citizen.mother_pin) == (FATHER, MOTHER)
    (home,) = rows(service, "SELECT * FROM residence WHERE pin = :pin", pin=pin)
    assert (home.kind, home.ward_code) == ("permanent", 70)
    (bhyt,) = rows(service, "SELECT * FROM socialinsurance WHERE pin = :pin", pin=pin)
    assert bhyt.bhyt_card_number == insurance["card_number"]
    assert not rows(service, "SELECT pin FROM identitycard WHERE pin = :pin", pin=pin)
    assert not rows(service, "SELECT pin FROM vneidaccount WHERE pin = :pin", pin=pin)
    assert list(check_population(server_of(service).engine)) == []
    for who, part in ((FATHER, "declarant"), (MOTHER, "parent"), (pin, "registered")):
        event = events_for(server_of(service).engine, who, BIRTH_REGISTRATION)[0]  # the newest
        assert (event.outcome, event.detail, event.client_id) == (part, pin, "portal")


def test_a_child_of_a_child_of_the_head_is_a_grandchild(service: TestClient) -> None:
    # The son is 10: only the rules about the parents' age stand between him and a child.
    token = service_token(service)
    mother = citizen_token(service, MOTHER)
    response = post(service, BIRTHS, token, birth(mother, other_parent_pin=None))
    assert response.status_code == 201, response.text
    assert response.json()["child"]["father_pin"] is None
    assert response.json()["child"]["mother_pin"] == MOTHER
    assert response.json()["household"]["relation_to_head"] == "child"
    assert list(check_population(server_of(service).engine)) == []


def test_a_resubmitted_request_finds_the_same_child(service: TestClient) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    body = birth(father)
    first = post(service, BIRTHS, token, body)
    again = post(service, BIRTHS, token, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    pin = first.json()["child"]["pin"]
    assert len(rows(service, "SELECT pin FROM citizen WHERE father_pin = :f", f=FATHER)) == 2
    other = post(service, BIRTHS, token, {**body, "child": child(given_name="Bình")})
    assert other.status_code == 409
    assert other.json()["error"] == "invalid_request"
    assert rows(service, "SELECT count(*) FROM citizen WHERE pin = :pin", pin=pin)[0][0] == 1


def test_a_resubmission_with_a_refreshed_token_finds_the_same_child(service: TestClient) -> None:
    """The relying party refreshed the parent's access token before resubmitting: the same request.
    Another citizen's token under the same key is another request; a token that names nobody is
    refused for what it is."""
    token = service_token(service)
    body = birth(citizen_token(service, FATHER))
    first = post(service, BIRTHS, token, body)
    refreshed = post(
        service, BIRTHS, token, {**body, "declarant_token": citizen_token(service, FATHER)}
    )
    assert (first.status_code, refreshed.status_code) == (201, 200)
    assert refreshed.json() == first.json()
    other = post(
        service, BIRTHS, token, {**body, "declarant_token": citizen_token(service, MOTHER)}
    )
    assert other.status_code == 409, other.text
    assert codes(post(service, BIRTHS, token, {**body, "declarant_token": "forged"})) == {
        ("declarant", "invalid_token")
    }
    assert len(rows(service, "SELECT pin FROM citizen WHERE father_pin = :f", f=FATHER)) == 2


def _race(server: AuthorizationServer, token: str, bodies: list[bytes]) -> list[Any]:
    answers: list[Any] = [None] * len(bodies)
    start = threading.Barrier(len(bodies))

    def call(index: int) -> None:
        start.wait()
        answers[index] = register_birth(server, f"Bearer {token}", bodies[index])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_racing_resubmissions_register_one_child(service: TestClient) -> None:
    import json

    token, father = service_token(service), citizen_token(service, FATHER)
    body = json.dumps(birth(father)).encode()
    answers = _race(server_of(service), token, [body] * 4)
    assert sorted(a.status for a in answers) == [200, 200, 200, 201]
    assert len({a.body for a in answers}) == 1
    assert len(rows(service, "SELECT pin FROM citizen WHERE father_pin = :f", f=FATHER)) == 2


def test_twenty_concurrent_registrations_never_share_a_pin(service: TestClient) -> None:
    import json

    token, father = service_token(service), citizen_token(service, FATHER)
    bodies = [json.dumps(birth(father)).encode() for _ in range(20)]
    answers = _race(server_of(service), token, bodies)
    assert [a.status for a in answers] == [201] * 20
    pins = {json.loads(a.body)["child"]["pin"] for a in answers}
    assert len(pins) == 20
    codes_ = rows(service, "SELECT social_insurance_code FROM socialinsurance")
    assert len({c[0] for c in codes_}) == len(codes_)
    assert list(check_population(server_of(service).engine)) == []


def test_the_reset_removes_registered_children(service: TestClient) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    pin = post(service, BIRTHS, token, birth(father)).json()["child"]["pin"]
    assert (
        service.post(
            "/sandbox/reset", json={}, headers={"Authorization": "Bearer population-sandbox-token"}
        ).status_code
        == 204
    )
    for table in ("citizen", "residence", "socialinsurance"):
        assert not rows(service, f"SELECT pin FROM {table} WHERE pin = :pin", pin=pin)
    assert not rows(service, "SELECT child_pin FROM birthregistration")


def test_the_reset_undoes_a_change_to_a_registered_child_before_removing_it(
    service: TestClient,
) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    pin = post(service, BIRTHS, token, birth(father)).json()["child"]["pin"]
    moved = {"province_code": 1, "ward_code": 70, "street_address": "Số 1 Tràng Tiền"}
    changed = service.patch(f"/sandbox/citizens/{pin}", json={"address": moved}, headers=CONTROL)
    assert changed.status_code == 200, changed.text
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert not rows(service, "SELECT pin FROM citizen WHERE pin = :pin", pin=pin)
    assert not rows(service, "SELECT pin FROM residence WHERE pin = :pin", pin=pin)
    assert list(check_population(server_of(service).engine)) == []


def test_the_reset_passes_over_a_changed_citizen_who_no_longer_exists(
    service: TestClient,
) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    pin = post(service, BIRTHS, token, birth(father)).json()["child"]["pin"]
    moved = {"province_code": 1, "ward_code": 70, "street_address": "Số 1 Tràng Tiền"}
    changed = service.patch(f"/sandbox/citizens/{pin}", json={"address": moved}, headers=CONTROL)
    assert changed.status_code == 200, changed.text
    with server_of(service).engine.begin() as connection:
        remove_citizen(connection, pin)  # gone before the reset undoes the change
    assert service.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert not rows(service, "SELECT child_pin FROM birthregistration")


def test_every_field_error(service: TestClient) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    today = server_of(service).clock.population_day()

    def refused(**members: Any) -> set[tuple[str, str]]:
        return codes(post(service, BIRTHS, token, birth(father, **members)))

    assert refused(other_parent_pin="001000000000") == {("other_parent_pin", "unknown_person")}
    assert refused(other_parent_pin=FATHER) == {("other_parent_pin", "same_person")}
    assert refused(other_parent_pin=SON) == {("other_parent_pin", "same_sex")}
    assert refused(other_parent_pin="12345") == {("other_parent_pin", "invalid")}
    future = date.fromordinal(today.toordinal() + 1).isoformat()
    assert refused(child=child(birth_date=future)) == {("child.birth_date", "in_future")}
    assert refused(child=child(birth_date="2019-01-01")) == {("child.birth_date", "too_old")}
    assert refused(child=child(birth_date="2026-02-30")) == {("child.birth_date", "invalid")}
    assert refused(other_parent_pin=DECEASED, child=child()) == {
        ("child.birth_date", "mother_deceased")
    }
    assert refused(child=child(family_name="  ")) == {("child.family_name", "empty")}
    assert refused(child=child(given_name="A" * 41)) == {("child.given_name", "too_long")}
    assert refused(child=child(given_name="An3")) == {("child.given_name", "invalid_characters")}
    assert refused(child=child(given_name="Ан")) == {("child.given_name", "invalid_characters")}
    assert refused(child=child(sex="other")) == {("child.sex", "invalid")}
    assert refused(child=child(birth_ward_code=999999)) == {
        ("child.birth_ward_code", "unknown_ward")
    }
    assert refused(child="baby") == {("child", "invalid")}
    assert refused(request_id="") == {("request_id", "invalid")}
    bad_token = birth("not-a-token")
    assert codes(post(service, BIRTHS, token, bad_token)) == {("declarant", "invalid_token")}
    # A name is NFC-normalised and its spaces collapsed.
    decomposed = "Nguye\u0302\u0303n"
    accepted = post(service, BIRTHS, token, birth(father, child=child(family_name=decomposed)))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["child"]["family_name"] == "Nguyễn"
    apostrophe = post(service, BIRTHS, token, birth(father, child=child(given_name="H'Hen  Niê")))
    assert apostrophe.json()["child"]["given_name"] == "H'Hen Niê"


def test_a_parent_too_young_or_not_born_is_refused(service: TestClient) -> None:
    token, mother = service_token(service), citizen_token(service, MOTHER)
    # The son, born 2016-05-20, as the father of a child born in 2026: 10 years old.
    assert codes(post(service, BIRTHS, token, birth(mother, other_parent_pin=SON))) == {
        ("child.birth_date", "parent_too_young")
    }


def test_declarants_who_may_not_declare(service: TestClient) -> None:
    token = service_token(service)
    father_loa2 = citizen_token(service, FATHER, acr="LoA2")
    assert codes(post(service, BIRTHS, token, birth(father_loa2))) == {
        ("declarant", "insufficient_acr")
    }
    level1 = citizen_token(service, LEVEL1, acr="LoA2")
    assert ("declarant", "insufficient_acr") in codes(post(service, BIRTHS, token, birth(level1)))
    foreigner = citizen_token(service, FOREIGNER, acr="LoA2")
    assert ("declarant", "insufficient_acr") in codes(
        post(service, BIRTHS, token, birth(foreigner))
    )
    # The account was downgraded after the login: the database decides.
    father = citizen_token(service, FATHER)
    control = {"Authorization": "Bearer population-sandbox-token"}
    changed = service.patch(
        f"/sandbox/citizens/{FATHER}", json={"account_level": 1}, headers=control
    )
    assert changed.status_code == 200, changed.text
    assert codes(post(service, BIRTHS, token, birth(father))) == {("declarant", "account_level")}
    event = events_for(server_of(service).engine, FATHER, BIRTH_REGISTRATION)[0]  # the newest
    assert event.outcome == "refused"
    assert "declarant:account_level" in event.detail


def test_the_licence(service: TestClient) -> None:
    father = citizen_token(service, FATHER)
    assert post(service, BIRTHS, father, birth(father)).status_code == 403
    other = service_token(service, scope="shared_signals")
    refused = post(service, BIRTHS, other, birth(father))
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert post(service, BIRTHS, "nonsense", birth(father)).status_code == 401
    assert service.post(BIRTHS, json=birth(father)).status_code == 401


def test_the_population_check_stays_clean(population_settings: Any) -> None:
    engine = connect(population_settings.database_url)
    try:
        assert list(check_population(engine)) == []
    finally:
        engine.dispose()


def test_population_show_prints_the_registered_child(
    service: TestClient, population_settings: Any
) -> None:
    token, father = service_token(service), citizen_token(service, FATHER)
    answer = post(service, BIRTHS, token, birth(father)).json()
    pin = answer["child"]["pin"]
    database = population_settings.database_url
    result = CliRunner().invoke(app, ["population", "show", pin, "--database", database])
    assert result.exit_code == 0, result.output
    for shown in (
        "Nguyễn Minh An", FATHER, MOTHER, "0199990001", "Hàng Bạc", "Phường Hoàn Kiếm",
        answer["health_insurance"]["card_number"], "TE", "2032-06-19",
    ):  # fmt: skip
        assert shown in result.output, shown
