"""The pytest plugin as another project sees it: pytest finds it by its entry point, its fixtures give
a working provider, ``vneid`` undoes each test's changes, ``vneid_isolated`` starts each test with a
provider as new, and ``--vneid-citizens`` seeds more citizens."""

import pytest

pytest_plugins = ["pytester"]

A_PROJECTS_TESTS = """
import pytest

@pytest.fixture(scope="session")
def client(vneid_session):
    return vneid_session.register_client()

def test_changes(vneid, client):
    vneid.citizens.lock("level2-spouse")
    vneid.clock.freeze()
    vneid.clock.advance(86400)
    vneid.scenario("token_500", client=client, times=5)
    vneid.rotate_keys()
    with pytest.raises(Exception, match="access_denied"):
        vneid.login("level2-spouse", client=client)

def test_they_are_undone(vneid, client):
    assert vneid.citizens.get("level2-spouse")["account_status"] == "active"
    pending = vneid._call("GET", "/sandbox/scenarios")["pending"]
    assert pending == []
    assert len(vneid.keys(refresh=True).keys) == 2
    tokens = vneid.login("level2-spouse", client=client, acr="LoA1")
    import time
    assert abs(tokens.id_token_claims["iat"] - time.time()) < 60
    assert [r["endpoint"] for r in vneid.requests] == ["authorization", "token", "userinfo"]

def test_isolated_forgets_clients(vneid_isolated, client):
    with pytest.raises(Exception, match="invalid_client|no_redirect"):
        vneid_isolated.login("level2-full", client=client)
    fresh = vneid_isolated.register_client()
    assert vneid_isolated.login("level2-full", client=fresh).access_token

def test_many_citizens(vneid_session, request):
    count = request.config.getoption("--vneid-citizens")
    stats = vneid_session._http.get(vneid_session.issuer + "/healthz").json()
    assert stats["population"] == count + 9
"""


def test_another_project_uses_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_project=A_PROJECTS_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--vneid-citizens", "50", "-q")
    result.assert_outcomes(passed=4)


def test_the_plugin_is_registered_by_its_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("vneid_mock")
    assert plugin is not None
    assert plugin.__name__ == "idp.testkit.plugin"
