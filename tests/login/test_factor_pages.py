"""The face-match page shows the citizen's synthetic portrait: the very drawing relying parties receive
as ``picture`` (one generator, :mod:`idp.oidc.portraits`), loaded from the provider's own origin."""

import re

from fastapi.testclient import TestClient

from tests.login.conftest import landed
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.flows import redeem
from tests.oidc.flows import userinfo

SPOUSE_PIN = "031190999002"


def _face_page(client: TestClient, pin: str) -> tuple[str, str, str]:
    """A LoA3 login of ``pin`` for the card scope (which carries ``picture``) up to the face match
    (password, passcode): the interaction's path, the face page and the PKCE verifier. The login
    form is asked for (``prompt=login``) even when the browser's session is another citizen's."""
    verifier, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, scope="openid eid_card", prompt="login")
    page, html = first_page(client.get("/authorize", params={**params, "acr_values": "LoA3"}))
    data = {"username": pin, "password": PASSWORD, "csrf": csrf_of(html)}
    html = landed(client, client.post(f"{page}/login", data=data), page).text
    assert 'name="passcode"' in html
    data = {"passcode": PASSCODE, "csrf": csrf_of(html)}
    html = landed(client, client.post(f"{page}/passcode", data=data), page).text
    assert 'name="face"' in html
    return page, html, verifier


def _portrait_shown(client: TestClient, html: str) -> tuple[str, str]:
    """The face page's image as the browser loads it: its path and the SVG."""
    found = re.search(r'<figure><img src="([^"]+)"[^>]* alt="[^"]+"', html)
    assert found is not None, html
    location = found.group(1)
    drawing = client.get(location)
    assert drawing.status_code == 200
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    return location, drawing.text


def test_the_face_page_shows_the_portrait_relying_parties_receive(
    client: TestClient, env: Env
) -> None:
    page, html, verifier = _face_page(client, PIN)
    assert "<svg" not in html  # one drawing, served by the portrait route only
    location, drawing = _portrait_shown(client, html)
    final = complete(
        client, client.post(f"{page}/face", data={"face": "match", "csrf": csrf_of(html)})
    )
    code = query_of(final.headers["location"])["code"]
    tokens = redeem(client, env, "data", code, verifier)
    picture = str(userinfo(client, tokens["access_token"])["picture"])
    assert picture == f"{ISSUER}{location}"
    assert client.get(picture.removeprefix(ISSUER)).text == drawing
    assert PIN not in location


def test_each_citizen_sees_their_own_portrait(client: TestClient) -> None:
    _, html, _ = _face_page(client, PIN)
    mine, drawing = _portrait_shown(client, html)
    _, html, _ = _face_page(client, SPOUSE_PIN)  # another citizen logs in on the same browser
    hers, other_drawing = _portrait_shown(client, html)
    assert mine != hers
    assert drawing != other_drawing
