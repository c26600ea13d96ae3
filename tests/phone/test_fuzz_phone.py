"""The phone's forms and links, fuzzed: opening the app, scanning, answering a request, an app link
and a sharing link with mutated fields answer a page or a redirect, never a server error; an answer
that is not a valid approval leaves the request waiting."""

import re
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from idp.state import phone_requests
from tests.fuzz_strategies import assert_not_server_error
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import note
from tests.fuzz_strategies import raw_query
from tests.fuzz_strategies import values
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.phone.test_qr_login import _login_page
from tests.phone.test_qr_login import _phone
from tests.phone.test_qr_login import _qr_link
from tests.phone.test_qr_login import _scan

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
FUZZED = "031190999002"
"""The citizen whose phone is fuzzed: wrong passcodes lock her passcode for a while, so not the
citizen the other phone tests approve as (the provider's database is shared by the session)."""


def _waiting_request(client: TestClient) -> tuple[TestClient, str]:
    """A phone opened as the fuzzed citizen and the path of a request it scanned."""
    _, html, _ = _login_page(client)
    phone = _phone(client, FUZZED)
    return phone, _scan(phone, _qr_link(html)).headers["location"]


@given(data=st.data())
@fuzz_settings(60)
def test_fuzzed_phone_forms_never_answer_a_server_error(
    client: TestClient, data: st.DataObject
) -> None:
    phone, request_path = _waiting_request(client)
    screen = phone.get(request_path).text
    valid = {
        "csrf": csrf_of(screen),
        "decision": "approve",
        "passcode": PASSCODE,
        "face": "match",
        "scope": "profile",
    }
    form: Any = data.draw(mutated(valid), label="answer")
    answered = phone.post(request_path, content=raw_query(form), headers=FORM)
    note("answer", answered)
    assert_not_server_error(answered)
    who: Any = data.draw(mutated({"csrf": valid["csrf"], "who": FUZZED}), label="open")
    assert_not_server_error(phone.post("/phone/open", content=raw_query(who), headers=FORM))
    link = data.draw(values("http://testserver/phone/scan?r=a.b", request_path), label="link")[
        :4000
    ]
    assert_not_server_error(phone.get("/phone/scan", params={"link": link}))
    assert_not_server_error(phone.get("/phone/scan", params={"r": link}))
    transaction = quote(data.draw(values("x"), label="transaction")[:200], safe="")
    assert_not_server_error(phone.get(f"/phone/share/{transaction}"))


@given(data=st.data())
@fuzz_settings(60)
def test_fuzzed_app_links_never_answer_a_server_error(
    client: TestClient, data: st.DataObject
) -> None:
    phone = _phone(client, FUZZED)
    items: Any = data.draw(mutated(auth_params(code_challenge="x" * 43)), label="app link")
    answered = phone.get(f"/phone/authorize?{raw_query(items)}")
    note("app link", answered)
    assert_not_server_error(answered)


def test_a_forged_answer_leaves_the_request_waiting(client: TestClient) -> None:
    phone, request_path = _waiting_request(client)
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    request_id = request_path.rsplit("/", 1)[1]
    for field, value in (("csrf", "forged"), ("passcode", "1" * 16), ("face", "maybe")):
        screen = phone.get(request_path).text
        data = {"csrf": csrf_of(screen), "decision": "approve", "passcode": PASSCODE}
        data |= {"face": "match", field: value}
        phone.post(request_path, data=data)
        found = phone_requests.find(server.engine, request_id)
        assert found is not None
        assert found.status == phone_requests.PENDING, field
    assert re.search(r"name=\"passcode\"", phone.get(request_path).text)
