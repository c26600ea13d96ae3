"""The scenario catalogue and its queue: names, filters, counting down, refusals."""

import threading

import pytest

from idp.sandbox.catalogue import CATALOGUE
from idp.sandbox.catalogue import ENDPOINTS
from idp.sandbox.scenarios import Scenarios
from idp.sandbox.scenarios import UnknownScenarioError

REQUIRED = {
    "access_denied",
    "login_required",
    "consent_required",
    "interaction_required",
    "temporarily_unavailable",
    "server_error",
    "unmet_authentication_requirements",
    "id_token_bad_signature",
    "id_token_unknown_kid",
    "id_token_alg_none",
    "id_token_wrong_iss",
    "id_token_wrong_aud",
    "id_token_expired",
    "id_token_issued_in_future",
    "id_token_wrong_nonce",
    "id_token_wrong_at_hash",
    "id_token_lower_acr",
    "id_token_sub_mismatch",
    "token_500",
    "token_503",
    "token_429",
    "token_slow",
    "jwks_unavailable",
    "key_rotation",
    "userinfo_401",
    "userinfo_500",
}


def test_the_catalogue_has_every_entry_documented() -> None:
    assert set(CATALOGUE) == REQUIRED
    for entry in CATALOGUE.values():
        assert entry.endpoint in ENDPOINTS
        assert entry.does.endswith(".")
        assert entry.tests.endswith(".")


def test_a_scenario_is_taken_by_matching_requests_only_and_counted_down() -> None:
    queue = Scenarios()
    queue.add("access_denied", client_id="bank", pin="001088999001", times=2)
    assert queue.take("authorization", "portal", "001088999001") is None
    assert queue.take("authorization", "bank", None) is None
    assert queue.take("token", "bank") is None
    first = queue.take("authorization", "bank", "001088999001")
    assert first is not None
    assert first.name == "access_denied"
    assert queue.take("authorization", "bank", "001088999001") is not None
    assert queue.take("authorization", "bank", "001088999001") is None
    assert not queue.queued()


def test_unknown_names_and_filters_an_endpoint_cannot_apply_are_refused() -> None:
    queue = Scenarios()
    with pytest.raises(UnknownScenarioError):
        queue.add("no_such_thing")
    with pytest.raises(UnknownScenarioError):
        queue.add("token_500", pin="001088999001")
    with pytest.raises(UnknownScenarioError):
        queue.add("jwks_unavailable", client_id="bank")
    assert queue.pending() == []


def test_two_requests_never_both_take_the_last_one() -> None:
    queue = Scenarios()
    queue.add("token_500", times=50)
    taken: list[object] = []
    barrier = threading.Barrier(8)

    def take_all() -> None:
        barrier.wait()
        while (found := queue.take("token", "c")) is not None:
            taken.append(found)

    threads = [threading.Thread(target=take_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 50
