"""A provider over a tiny seeded SQLite population, with test clients and throw-away keys."""

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import delete

from idp.login.sms_inbox import e164
from idp.oidc.clients import add_client
from idp.oidc.device_flow import DEVICE_CODE_GRANT
from idp.population_db.database import connect
from idp.population_db.personas import PERSONAS
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.state.clock import Clock
from idp.state.consents import CONSENTS
from idp.state.consents import create_consent_table
from idp.web.app import create_app

ISSUER = "http://testserver"
REDIRECT = "https://rp.example/cb"
PASSWORD = "Vneid@2025"
PASSCODE = "246810"
PIN = "001088999001"
POST_LOGOUT = "https://rp.example/logged-out"
BCL_URI = "https://rp.example/backchannel"
LEVEL1_PIN = "079195999004"
ALL_SCOPES = (
    "openid profile identity phone email address eid_card residence household health_insurance "
    "driving_license vehicles"
)


@dataclass
class Env:
    settings: IdPSettings
    secrets: dict[str, str]


def _hand_edit(path: Path, client_id: str, **metadata: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    for entry in document["clients"]:
        if entry["client_id"] == client_id:
            entry.update(metadata)
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    root = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{root / 'db.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    clients = root / "clients.json"
    common = {"redirect_uris": [REDIRECT], "scope": "openid profile"}
    found = {
        "rp": add_client(clients, "rp", {**common, "client_name": "RP"}),
        "post": add_client(
            clients, "post", {**common, "token_endpoint_auth_method": "client_secret_post"}
        ),
        "es": add_client(clients, "es", {**common, "id_token_signed_response_alg": "ES256"}),
        "es-at": add_client(
            clients, "es-at", {**common, "access_token_signed_response_alg": "ES256"}
        ),
        "rs-at": add_client(
            clients, "rs-at", {**common, "access_token_signed_response_alg": "RS256"}
        ),
        "ps-at": add_client(clients, "ps-at", common),
        "pairwise": add_client(clients, "pairwise", {**common, "subject_type": "pairwise"}),
        "svc": add_client(
            clients, "svc", {"grant_types": ["client_credentials"], "scope": "openid"}
        ),
        "verifier": add_client(  # licensed for the card verification service
            clients,
            "verifier",
            {
                "grant_types": ["client_credentials"],
                "scope": "card_verification",
                "client_name": "Cơ quan xác thực (thử nghiệm)",
                "client_name#en": "Verifying agency (test)",
            },
        ),
    }
    # as a hand-edited clients file could say; `clients add` and registration refuse it
    _hand_edit(clients, "ps-at", access_token_signed_response_alg="PS256")
    add_client(clients, "spa", {**common, "token_endpoint_auth_method": "none"})
    found["l2"] = add_client(
        clients,
        "l2",
        {**common, "client_name": "Ứng dụng mức 2", "scope": "openid profile eid_card"},
    )
    logout = {**common, "post_logout_redirect_uris": [POST_LOGOUT]}
    found["logout"] = add_client(clients, "logout", {**logout, "backchannel_logout_uri": BCL_URI})
    found["logout-es"] = add_client(
        clients,
        "logout-es",
        {
            **logout,
            "backchannel_logout_uri": BCL_URI + "-es",
            "id_token_signed_response_alg": "ES256",
        },
    )
    found["data"] = add_client(
        clients,
        "data",
        {
            **common,
            "scope": ALL_SCOPES,
            "client_name": "Ngân hàng <Thử nghiệm>",
            "purpose": "Mở tài khoản thanh toán (eKYC).",
            "backchannel_logout_uri": BCL_URI + "-data",
        },
    )
    found["dvcqg"] = add_client(
        clients, "dvcqg", {**common, "scope": "openid profile identity", "claims_profile": "dvcqg"}
    )
    device = {"grant_types": [DEVICE_CODE_GRANT], "token_endpoint_auth_method": "none"}
    tv = {**device, "scope": "openid profile", "client_name": "Ti vi phòng khách"}
    add_client(clients, "tv", {**tv, "client_name#en": "Living-room TV"})  # RFC 8628, public
    add_client(clients, "tv-other", tv)
    found["stb"] = add_client(
        clients,
        "stb",
        {"grant_types": [DEVICE_CODE_GRANT, "refresh_token"], "scope": "openid profile"},
    )
    settings = IdPSettings(
        database_url=url,
        issuer=ISSUER,
        keys_dir=root / "keys",
        clients_file=clients,
        # Every test logs in from the TestClient's one address; rate limits have their own tests.
        login_rate_per_ip=1_000_000,
        login_rate_per_account=1_000_000,
    )
    return Env(settings, {k: v for k, v in found.items() if v})


@pytest.fixture(autouse=True)
def forget_consents(env: Env) -> None:
    """Consent is remembered in the database across sessions: every test starts with none."""
    engine = connect(env.settings.database_url)
    create_consent_table(engine)
    with engine.begin() as connection:
        connection.execute(delete(CONSENTS))
    engine.dispose()


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    with TestClient(create_app(env.settings), follow_redirects=False) as test_client:
        yield test_client


def clock_of(client: TestClient) -> Clock:
    """The provider's clock (``server.clock``) of the app ``client`` speaks to: moving it moves only
    that provider's time."""
    clock: Clock = client.app.state.oauth2_server.clock  # type: ignore[attr-defined]
    return clock


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def auth_params(client_id: str = "rp", **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "st-1",
        "nonce": f"n-{secrets.token_hex(8)}",
        "code_challenge_method": "S256",
        **extra,
    }


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def shows_consent(response: Any) -> bool:
    """Whether a page is the consent page (after a form: :func:`follow` its redirect first)."""
    return bool(response.status_code == 200 and 'name="decision"' in response.text)


def follow(client: TestClient, response: Response) -> Response:
    """Where a browser ends up after a form of the interaction: the provider answers every form with
    a 303 (Post/Redirect/Get); a 303 to one of the provider's own pages is followed, one to the
    client (an absolute URL) is not. The form's answer must be a 303 (or an error page)."""
    if response.status_code != 303:
        assert response.status_code >= 400, (response.status_code, response.text[:300])
        return response
    location = response.headers["location"]
    return client.get(location) if location.startswith("/") else response


def first_page(response: Any) -> tuple[str, str]:
    """An authorization response that started an interaction (answered with its first page): the
    interaction's path (``/interaction/{uid}``) and the page."""
    assert response.status_code == 200, response.text
    page = interaction_of(response.text)
    assert page is not None, response.text
    return page, str(response.text)


def interaction_of(html: str) -> str | None:
    """The interaction path (``/interaction/{uid}``) a page's first form posts to, or None."""
    found = re.search(r'<form method="post" action="(/interaction/[^/"]+)/', html)
    return found.group(1) if found else None


def consent_form(
    html: str, decision: str = "approve", untick: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What a browser posts from the consent page: the CSRF token, ``decision`` and every ticked
    ``scope`` checkbox (all are ticked by default) except those in ``untick``."""
    ticked = re.findall(r'type="checkbox" name="scope" value="([^"]+)"[^>]* checked', html)
    scopes = [scope for scope in ticked if scope not in untick]
    return {"decision": decision, "csrf": csrf_of(html), "scope": scopes}


def login_and_consent(
    client: TestClient, params: dict[str, str], pin: str = PIN, untick: tuple[str, ...] = ()
) -> str:
    """Drive authorize → login → every factor the request needs → consent (unless remembered, and with
    ``untick`` left unticked); the final redirect's Location."""
    response = client.get("/authorize", params=params)
    assert response.status_code == 200, response.text  # the interaction's first page
    final = complete(client, response, pin, untick=untick)
    assert final.status_code in (302, 303), final.text  # 303 after the consent form
    return str(final.headers["location"])


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client: TestClient, client_id: str = "rp") -> tuple[str, str]:
    verifier, challenge = pkce()
    location = login_and_consent(client, auth_params(client_id, code_challenge=challenge))
    return query_of(location)["code"], verifier


def get_tokens(client: TestClient, env: Env, client_id: str = "rp") -> dict[str, str]:
    """A full login and code redemption for ``client_id``: the token response."""
    code, verifier = get_code(client, client_id)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    secret = env.secrets[client_id]
    if client_id == "post":  # the client_secret_post client
        response = client.post(
            "/token", data={**data, "client_id": "post", "client_secret": secret}
        )
    else:
        response = client.post("/token", data=data, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


PERSONA_PHONES = {p.pin: e164(p.phone_number) for p in PERSONAS if p.phone_number}


def sms_code(client: TestClient, pin: str = PIN) -> str:
    """The newest one-time code in the mock inbox of the citizen's registered phone."""
    response = client.get("/sandbox/sms.json", params={"phone": PERSONA_PHONES[pin]})
    assert response.status_code == 200, response.text
    code: str = response.json()["messages"][0]["code"]
    return code


def complete(
    client: TestClient,
    response: Any,
    pin: str = PIN,
    consent: bool = True,
    untick: tuple[str, ...] = (),
) -> Any:
    """Walk an interaction from an authorization response: every page the citizen is shown is
    answered (password, OTP from the inbox, passcode, face match, consent) until the browser leaves
    the interaction; the response that leaves it (the client's redirect, or an ending page)."""
    for _ in range(12):
        location = response.headers.get("location", "")
        if response.status_code in (302, 303):
            if not location.startswith("/"):
                return response
            response = client.get(location)
            continue
        page = interaction_of(response.text)
        if response.status_code != 200 or page is None:
            return response
        html = response.text
        data = {"csrf": csrf_of(html)}
        if 'name="password"' in html:
            data |= {"username": pin, "password": PASSWORD}
            response = client.post(f"{page}/login", data=data)
        elif 'name="otp"' in html:
            response = client.post(f"{page}/otp", data={**data, "otp": sms_code(client, pin)})
        elif 'name="passcode"' in html:
            response = client.post(f"{page}/passcode", data={**data, "passcode": PASSCODE})
        elif 'name="face"' in html:
            response = client.post(f"{page}/face", data={**data, "face": "match"})
        elif 'name="decision"' in html and consent:
            response = client.post(f"{page}/consent", data=consent_form(html, untick=untick))
        else:
            return response
    raise AssertionError("the interaction did not end")


def login_at(
    client: TestClient, level: str, pin: str = PIN, client_id: str = "rp", **extra: str
) -> tuple[str, str]:
    """A full flow at ``acr_values=level``: the client's redirect Location and the PKCE verifier."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge, acr_values=level, **extra)
    final = complete(client, client.get("/authorize", params=params), pin)
    assert final.status_code in (302, 303), final.text  # 303 after the consent form
    return str(final.headers["location"]), verifier


def redeem(
    client: TestClient, env: Env, location: str, verifier: str, client_id: str = "rp"
) -> dict[str, Any]:
    """The ID token claims (unverified: the signature has its own tests) of a code redemption."""
    data = {
        "grant_type": "authorization_code",
        "code": query_of(location)["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    response = client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    payload = response.json()["id_token"].split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims
