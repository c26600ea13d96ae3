"""The phone's signed answers (:mod:`idp.phone.approvals`): only the key bound to the account is
accepted, each answer once, for the request it was made for; activation binds level-2 accounts only."""

import re

from fastapi.testclient import TestClient
from joserfc.jwk import ECKey

from idp.login.qr_login import claim_code
from idp.oidc.server import AuthorizationServer
from idp.phone import approvals
from idp.phone.approvals import Answered
from idp.phone.devices import NotActivated
from idp.phone.devices import activate
from idp.phone.devices import simulated_key
from idp.state import phone_requests
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce

LEVEL2 = "001088999001"


def _server(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def _claimed_request(client: TestClient, pin: str = LEVEL2) -> phone_requests.Request:
    """A login page's QR request, scanned by ``pin``'s phone."""
    _, challenge = pkce()
    _, html = first_page(client.get("/authorize", params=auth_params(code_challenge=challenge)))
    found = re.search(r'id="qr-link" value="[^"]*\\?r=([^"&]+)"', html)
    assert found is not None
    server = _server(client)
    request_id = claim_code(server, found.group(1), pin)
    assert request_id is not None
    request = phone_requests.find(server.engine, request_id)
    assert request is not None
    return request


def _fresh(client: TestClient, request: phone_requests.Request) -> phone_requests.Request:
    found = phone_requests.find(_server(client).engine, request.id)
    assert found is not None
    return found


def _answer(client: TestClient, request: phone_requests.Request, signed: str) -> str:
    return approvals.answer(_server(client), request.id, Answered(signed, PASSCODE, "match"), "ip")


def test_an_answer_signed_by_an_unbound_device_is_refused_and_the_request_waits(
    client: TestClient,
) -> None:
    server, request = _server(client), _claimed_request(client)
    bound = simulated_key(server, LEVEL2)
    assert not isinstance(bound, NotActivated)
    other = ECKey.generate_key("P-256", private=True)  # a second phone, never activated
    forged = approvals.sign_answer(other, bound[1], request, approvals.APPROVE)
    assert _answer(client, request, forged) == "bad_signature"
    assert _fresh(client, request).status == phone_requests.PENDING
    signed = approvals.sign_answer(bound[0], bound[1], _fresh(client, request), approvals.APPROVE)
    assert _answer(client, request, signed) == "approved"


def test_an_answer_is_accepted_once_and_only_for_its_request(client: TestClient) -> None:
    server = _server(client)
    first, second = _claimed_request(client), _claimed_request(client)
    key, device_id = simulated_key(server, LEVEL2)  # type: ignore[misc]
    for_first = approvals.sign_answer(key, device_id, first, approvals.APPROVE)
    assert _answer(client, second, for_first) == "other_request"
    wrong = approvals.answer(server, first.id, Answered(for_first, "000000", "match"), "ip")
    assert wrong == "wrong_passcode"
    assert _answer(client, first, for_first) == "replayed"  # its nonce was spent by the try
    again = approvals.sign_answer(key, device_id, _fresh(client, first), approvals.APPROVE)
    assert _answer(client, first, again) == "approved"
    assert _answer(client, first, again) == "decided"


def test_activating_again_replaces_the_bound_key(client: TestClient) -> None:
    server, request = _server(client), _claimed_request(client)
    old_key, device_id = simulated_key(server, LEVEL2)  # type: ignore[misc]
    new_key = ECKey.generate_key("P-256", private=True)
    bound = activate(server, LEVEL2, new_key.as_dict(private=False))
    assert not isinstance(bound, NotActivated)
    assert bound.device_id == device_id
    stale = approvals.sign_answer(old_key, device_id, request, approvals.APPROVE)
    assert _answer(client, request, stale) == "bad_signature"
    fresh = approvals.sign_answer(new_key, device_id, _fresh(client, request), approvals.APPROVE)
    assert _answer(client, request, fresh) == "approved"


def test_only_a_living_active_level2_account_binds_a_device(client: TestClient) -> None:
    server = _server(client)
    public = ECKey.generate_key("P-256", private=True).as_dict(private=False)
    assert activate(server, "079195999004", public) == NotActivated("level1")
    assert activate(server, "048079999005", public) == NotActivated("no_account")
    assert activate(server, "040183999006", public) == NotActivated("locked")
    private = ECKey.generate_key("P-256", private=True).as_dict(private=True)
    assert activate(server, LEVEL2, private) == NotActivated("bad_key")
    assert activate(server, LEVEL2, {"kty": "EC", "crv": "P-256"}) == NotActivated("bad_key")
