"""``vneid.phone(persona)``: the scripted phone app. QR login at LoA4 with the phone's own key,
refusal, a second unbound device, partial consent, a level-1 account; the requests listed with what
the approval screen shows."""

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx
import pytest

from idp.testkit.flow import Flow
from idp.testkit.mock import VneidMock
from idp.testkit.phone import Phone
from idp.testkit.tokens import AuthorizationError
from idp.testkit.tokens import TokenError


def test_a_qr_login_approved_on_the_phone_is_loa4_with_the_device_key(vneid: VneidMock) -> None:
    client = vneid.register_client()
    phone = vneid.phone("level2-full")
    tokens = vneid.qr_login(phone, client=client, scope="openid profile")
    assert tokens.id_token_claims["acr"] == "LoA4"
    assert tokens.id_token_claims["amr"] == ["face", "hwk", "mfa", "pin"]
    assert tokens.token_response["scope"].split() == ["openid", "profile"]


def test_the_phone_sees_what_it_is_asked_and_may_untick_items(vneid: VneidMock) -> None:
    client = vneid.register_client(client_name="Dịch vụ thử")
    phone = vneid.phone("level2-full")
    seen: list[dict[str, object]] = []

    def untick_phone(p: Phone, request: dict[str, object]) -> str:
        seen.append(request)
        return p.approve(request, scopes=["profile"])

    tokens = vneid.qr_login(phone, client=client, scope="openid profile phone", decide=untick_phone)
    assert seen[0]["service"] == "Dịch vụ thử"
    assert seen[0]["scopes"] == ["openid", "profile", "phone"]
    assert seen[0]["kind"] == "qr"
    assert tokens.token_response["scope"].split() == ["openid", "profile"]


def test_refusing_answers_access_denied(vneid: VneidMock) -> None:
    client = vneid.register_client()
    phone = vneid.phone("level2-full")
    with pytest.raises(AuthorizationError) as refused:
        vneid.qr_login(phone, client=client, decide=lambda p, r: p.refuse(r))
    assert refused.value.error == "access_denied"


def test_a_second_unbound_phone_is_refused(vneid: VneidMock) -> None:
    client = vneid.register_client()
    bound = vneid.phone("level2-full")
    second = vneid.phone("level2-full", activated=False)
    second.device_id = bound.device_id  # it claims to be the bound device; its key says otherwise
    outcomes: list[str] = []

    def try_unbound(p: Phone, request: dict[str, object]) -> str:
        outcomes.append(p.approve(request))
        return outcomes[-1]

    with pytest.raises(AuthorizationError) as unfinished:  # the login page is shown again
        vneid.qr_login(second, client=client, decide=try_unbound)
    assert unfinished.value.error == "no_redirect"
    assert outcomes == ["bad_signature"]


def test_a_level1_account_cannot_activate_and_its_approval_is_unmet(vneid: VneidMock) -> None:
    with pytest.raises(TokenError) as refused:
        vneid.phone("level1-only")
    assert refused.value.status == 400
    client = vneid.register_client()
    phone = vneid.phone("level1-only", activated=False)
    with pytest.raises(AuthorizationError) as unmet:
        vneid.qr_login(phone, client=client)
    assert unmet.value.error == "unmet_authentication_requirements"


def test_an_app_link_on_the_phone_returns_to_the_app_with_a_code(vneid: VneidMock) -> None:
    client = vneid.register_client()
    phone = vneid.phone("level2-full")
    flow = Flow.start(client, "openid profile", None, {})
    link = vneid.authorization_url(client, flow.params).replace("/authorize", "/phone/authorize")
    request = phone.open_app_link(link)
    assert request["kind"] == "app"
    assert phone.approve(request) == "approved"
    assert phone.returned_to is not None
    assert phone.returned_to.startswith(client.redirect_uri)
    answer = parse_qs(urlsplit(phone.returned_to).query)
    assert answer["state"] == [flow.state]
    tokens = vneid.redeem(answer["code"][0], client=client, flow=flow)
    assert tokens.id_token_claims["acr"] == "LoA4"


def test_a_kiosk_code_scanned_by_the_phone_is_approved_there(vneid: VneidMock) -> None:
    device = "urn:ietf:params:oauth:grant-type:device_code"
    kiosk = vneid.register_client(grant_types=[device], token_endpoint_auth_method="none")
    started = httpx.post(
        vneid.metadata["device_authorization_endpoint"],
        data={"client_id": kiosk.client_id, "scope": "openid profile"},
    ).json()
    phone = vneid.phone("level2-full")
    request = phone.scan(started["verification_uri_complete"])
    assert request["kind"] == "device"
    with pytest.raises(TokenError):  # the same code cannot be claimed twice
        vneid.phone("level2-spouse").scan(started["verification_uri_complete"])
    assert phone.approve(request) == "approved"
    tokens = httpx.post(
        f"{vneid.issuer}/token",
        data={
            "grant_type": device,
            "device_code": started["device_code"],
            "client_id": kiosk.client_id,
        },
    )
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["scope"] == "openid profile"


def test_a_bank_sharing_transaction_on_the_scripted_phone(vneid: VneidMock) -> None:
    bank = vneid.register_client(redirect_uris=["https://bank.example/vneid-return"])
    phone = vneid.phone("level2-full")
    auth = (bank.client_id, bank.client_secret or "")
    form = {"pin": "001088999001", "return_uri": bank.redirect_uri, "scope": "openid profile"}
    started = httpx.post(f"{vneid.issuer}/api/biometric-share/init", data=form, auth=auth).json()
    (request,) = [r for r in phone.pending() if r["kind"] == "share"]
    assert phone.approve(request) == "approved"
    assert phone.returned_to is not None
    back = parse_qs(urlsplit(phone.returned_to).query)
    assert back["transactionId"] == [started["transactionId"]]
    fetched = httpx.post(
        f"{vneid.issuer}/api/biometric-share/transaction",
        data={"transactionId": started["transactionId"], "consentId": back["consentId"][0]},
        auth=auth,
    )
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["citizen"]["name"]
