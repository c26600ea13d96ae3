"""The interaction's public API (:mod:`idp.oidc.interaction`): whatever completes an interaction finishes
it with results, from anywhere; the browser binding guards only the browser's resume. Here the test
finishes the interaction through the API, with no cookie and no request at all, and the browser that
started it then comes back and receives the code, and the session."""

import time

from fastapi.testclient import TestClient

from idp.oidc.interaction import Consented
from idp.oidc.interaction import Denied
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import LoggedIn
from idp.oidc.interaction import Result
from idp.oidc.interaction import Unmet
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.web.app import create_app
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import redeem
from tests.oidc.flows import userinfo


def _server(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def _started(client: TestClient, **extra: str) -> tuple[str, str]:
    """An interaction started by the browser ``client``: its uid, and the PKCE verifier."""
    verifier, challenge = pkce()
    params = auth_params(code_challenge=challenge, **extra)
    page, _ = first_page(client.get("/authorize", params=params))
    return page.rsplit("/", 1)[1], verifier


def _details(server: AuthorizationServer, uid: str) -> Interaction:
    interaction = server.interactions.details(uid)
    assert interaction is not None
    return interaction


def test_finished_elsewhere_the_browser_resumes_and_gets_the_code(
    client: TestClient, env: Env
) -> None:
    uid, verifier = _started(client)
    server = _server(client)
    interaction = _details(server, uid)
    assert (interaction.client_id, interaction.scope.split()) == ("rp", ["openid", "profile"])
    assert interaction.binding  # bound to the browser that started it
    now = int(time.time())
    server.interactions.finish(interaction, LoggedIn(PIN, 2, (Factor("pwd", now),), fresh=True))
    server.interactions.finish(interaction, Consented(("openid", "profile")))
    assert env.settings.session_cookie not in client.cookies  # the browser did nothing yet

    answer = client.get(f"/interaction/{uid}")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(REDIRECT)
    assert answer.cookies.get(env.settings.session_cookie)  # the browser now holds the session
    tokens = redeem(client, env, "rp", query_of(answer.headers["location"])["code"], verifier)
    claims = id_token_claims(client, tokens["id_token"])
    assert (claims["acr"], claims["amr"], claims["auth_time"]) == ("LoA1", ["pwd"], now)
    assert userinfo(client, tokens["access_token"])["name"]

    # single sign-on from that session: the next request is answered at once
    _, challenge = pkce()
    again = client.get("/authorize", params=auth_params(code_challenge=challenge, prompt="none"))
    assert "code" in query_of(again.headers["location"])


def test_another_browser_cannot_resume_it(client: TestClient, env: Env) -> None:
    uid, _ = _started(client)
    server = _server(client)
    interaction = _details(server, uid)
    server.interactions.finish(interaction, LoggedIn(PIN, 2, (Factor("pwd", 1),), fresh=True))
    server.interactions.finish(interaction, Consented(("openid",)))
    with TestClient(create_app(env.settings), follow_redirects=False) as other:
        refused = other.get(f"/interaction/{uid}")
    assert refused.status_code == 400
    assert "location" not in refused.headers
    assert client.get(f"/interaction/{uid}").status_code == 303  # its own browser still can


def test_denied_and_unmet_reach_the_client(client: TestClient) -> None:
    server = _server(client)
    outcomes: list[tuple[Result, str]] = [
        (Denied("the citizen refused on the phone"), "access_denied"),
        (Unmet("level2"), "unmet_authentication_requirements"),
    ]
    for result, error in outcomes:
        uid, _ = _started(client, state=f"s-{error}")
        server.interactions.finish(_details(server, uid), result)
        answer = client.get(f"/interaction/{uid}")
        assert answer.status_code == 303
        query = query_of(answer.headers["location"])
        assert (query["error"], query["state"]) == (error, f"s-{error}")


def test_a_step_up_finished_elsewhere_keeps_the_session(client: TestClient, env: Env) -> None:
    """A factor without ``fresh`` steps up the interaction's session: same ``sid``."""
    uid, _ = _started(client)
    server = _server(client)
    interaction = _details(server, uid)
    first = server.interactions.finish(interaction, LoggedIn(PIN, 2, (Factor("pwd", 1),), True))
    assert first is not None
    stepped = server.interactions.finish(interaction, LoggedIn(PIN, 2, (Factor("otp", 2),)))
    assert stepped is not None
    assert stepped.sid == first.sid
    assert stepped.methods == {"pwd", "otp"}
    assert stepped.acr == "LoA2"


def test_an_interaction_without_a_browser_is_never_resumed_by_one(client: TestClient) -> None:
    """Device and back-channel requests will start interactions with no browser: none can take them."""
    server = _server(client)
    started = server.interactions.start(
        client_id="rp",
        scope="openid",
        params=[],
        requirement=_details(server, _started(client)[0]).requirement,
        force_consent=False,
        sid=None,
        browser=False,
    )
    assert started.binding is None
    assert server.interactions.take_for_browser(started.uid, "") is None
    assert server.interactions.details(started.uid) is not None
