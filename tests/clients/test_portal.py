"""The portal end to end: single sign-on at LoA2 (client_secret_basic, dvcqg profile), the judicial-record
request stepping up to a level-2 identity at LoA3, pre-filled, kept in the portal's database."""

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.oidc.conftest import PIN


def test_sign_in_at_loa2_with_the_dvcqg_profile(stack: Stack, browser: Browser) -> None:
    page = browser.get(f"{stack.urls['portal']}/login")
    assert page.status_code == 200, page.text
    assert str(page.url) == f"{stack.urls['portal']}/"
    # The dvcqg attribute, named as a protocol value beside its words.
    assert f"(<code>SoDinhDanh</code>): <strong>{PIN}</strong>" in page.text
    assert "<code>LoA2</code>" in page.text


def test_judicial_record_steps_up_to_loa3_and_prefills(stack: Stack, browser: Browser) -> None:
    portal = stack.urls["portal"]
    browser.get(f"{portal}/login")
    form = browser.get(f"{portal}/judicial-record")
    assert form.status_code == 200, form.text
    assert str(form.url) == f"{portal}/judicial-record"
    # The step-up asked only the missing factors, inside the same session.
    assert any("/passcode" in url or "/interaction/" in url for url in browser.visited)
    assert "Nguyễn Văn Bình" in form.text
    assert PIN in form.text
    assert "Nơi thường trú" in form.text
    assert "Thành viên hộ gia đình" in form.text
    flows = browser.inspector("portal")
    step_up = flows[-1]
    params = step_up["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["acr_values"] == "LoA3"
    assert "household" in params["scope"].split()
    submitted = browser.post(
        f"{portal}/judicial-record",
        {
            "csrf": browser.csrf("portal"),
            "certificate_type": "2",
            "copies": "2",
            "purpose": "Xin việc",
        },
    )
    assert submitted.status_code == 200
    assert str(submitted.url) == f"{portal}/requests"
    assert "Xin việc" in submitted.text
    assert "LoA3" in submitted.text


def test_judicial_record_refuses_a_forged_form(stack: Stack, browser: Browser) -> None:
    portal = stack.urls["portal"]
    browser.get(f"{portal}/judicial-record")
    data = {"csrf": "forged", "certificate_type": "1", "copies": "1", "purpose": "Xin việc"}
    assert browser.http.post(f"{portal}/judicial-record", data=data).status_code == 403
    bad = {**data, "csrf": browser.csrf("portal"), "copies": "99"}
    response = browser.http.post(f"{portal}/judicial-record", data=bad)
    assert response.status_code == 400
    assert "copies" in response.text


def test_denied_consent_is_a_clear_page(stack: Stack, browser: Browser) -> None:
    page = browser.get(f"{stack.urls['portal']}/login", decision="deny")
    assert page.status_code == 400
    assert "access_denied" in page.text
    assert "từ chối" in page.text
    assert browser.http.get(f"{stack.urls['portal']}/requests").status_code == 302
