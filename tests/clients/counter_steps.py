"""Steps the bank counter's tests share: a citizen's VNeID app on the provider's simulated phone
(``/phone``: opened as the citizen, which activates the app on a bound device; a request found by its
binding message, approved with the passcode and the face, or refused), and the teller's side (the form
posted, the waiting page reloaded as its ``Refresh`` header says until the request ends)."""

import re
import time

import httpx

from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import csrf_of

BINDING_MESSAGE = re.compile(r'<p id="binding-message" translate="no">(QUAY-\d+ \d{4})</p>')


class PhoneApp:
    """The VNeID app of citizen ``pin`` on the provider's simulated phone."""

    def __init__(self, idp: str, pin: str) -> None:
        self.http = httpx.Client(base_url=idp, follow_redirects=False, timeout=20)
        home = self.http.get("/phone")
        opened = self.http.post("/phone/open", data={"csrf": csrf_of(home.text), "who": pin})
        assert opened.status_code == 303, opened.text
        # The home screen is what makes and binds the app's device key (on first use).
        assert "/phone/scan" in self.http.get("/phone").text

    def close(self) -> None:
        self.http.close()

    def request_showing(self, binding_message: str) -> str:
        """The path of the waiting request that shows ``binding_message`` (on the home screen)."""
        home = self.http.get("/phone").text
        pattern = rf'<a href="(/phone/requests/[^"]+)">[^\n]*«{re.escape(binding_message)}»'
        found = re.search(pattern, home)
        assert found is not None, f"{binding_message} is not waiting on the phone"
        return found.group(1)

    def decide(self, binding_message: str, decision: str = "approve") -> httpx.Response:
        """Approve (passcode, face, every item ticked) or refuse the request of ``binding_message``."""
        path = self.request_showing(binding_message)
        screen = self.http.get(path)
        assert binding_message in screen.text  # the phone shows the code the counter shows
        scopes = re.findall(r'name="scope" value="([^"]+)"', screen.text)
        data = {"csrf": csrf_of(screen.text), "decision": decision, "passcode": PASSCODE}
        answered = self.http.post(path, data={**data, "face": "match", "scope": scopes})
        assert answered.status_code == 303, answered.text  # Post/Redirect/Get: to the outcome
        answer = self.http.get(answered.headers["location"])
        assert answer.status_code == 200, answer.text
        return answer


def start_at_counter(
    http: httpx.Client, bank: str, pin: str, operation: str = "open_account"
) -> httpx.Response:
    """The teller's form, filled and sent: the answer (the waiting page's redirect, or the form)."""
    form = http.get(f"{bank}/counter", follow_redirects=True)
    assert form.status_code == 200, form.text
    data = {"csrf": csrf_of(form.text), "pin": pin, "operation": operation}
    return http.post(f"{bank}/counter", data=data, follow_redirects=True)


def binding_message_of(page: httpx.Response) -> str:
    found = BINDING_MESSAGE.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def wait_for_the_end(http: httpx.Client, url: str, limit: float = 30) -> httpx.Response:
    """The visit page, reloaded as its ``Refresh`` header asks (a browser's way), until the request
    has ended."""
    deadline = time.monotonic() + limit
    while True:
        page = http.get(url)
        assert page.status_code == 200, page.text
        refresh = page.headers.get("refresh")
        if refresh is None:
            return page
        assert time.monotonic() < deadline, "the request did not end"
        time.sleep(int(refresh))
