"""``vneid.phone(persona)``: a scripted VNeID phone app for tests (điện thoại giả lập).

The phone makes its own ES256 key pair (joserfc) and activates the citizen's app with the public key
(``POST /sandbox/phones/{who}/activate``): the private key never leaves the test. It lists the
requests waiting (QR logins it scanned, back-channel requests at a counter, device-flow requests, app
hand-overs), scans a QR code's link, and approves with the passcode and the face, or refuses, each
answer a compact JWS (RFC 7515) it signs over the request id, the request's current nonce and the
decision: the provider checks it against the bound key, as it does for a real device.
``activated=False`` gives a second, unbound phone, whose answers the provider refuses.
"""

import json
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey

from idp.testkit.provider_clock import Call

SANDBOX_PASSCODE = "246810"
APPROVAL_TYPE = "vneid-approval+jws"


class Phone:
    """A citizen's phone with the VNeID app; ``who`` is a persona key or a PIN."""

    def __init__(self, call: Call, who: str, activated: bool = True) -> None:
        self._call = call
        self.who = who
        self.key = ECKey.generate_key("P-256", private=True)
        self.device_id = ""
        self.returned_to: str | None = None
        """Where the app returned to after its last answer to an app's request (the relying
        party's ``redirect_uri`` with the code or the error)."""
        if activated:
            self.activate()

    def activate(self) -> str:
        """Bind this phone's key to the citizen's level-2 account; its device id."""
        body = {"public_jwk": self.key.as_dict(private=False)}
        bound: dict[str, Any] = self._call("POST", f"/sandbox/phones/{self.who}/activate", body)
        self.device_id = str(bound["device_id"])
        return self.device_id

    def pending(self) -> list[dict[str, Any]]:
        """The requests waiting for this citizen, newest first (id, kind, service, scopes,
        binding_message, nonce, …)."""
        found: dict[str, Any] = self._call("GET", f"/sandbox/phones/{self.who}/requests", None)
        return list(found["requests"])

    def scan(self, link: str) -> dict[str, Any]:
        """Scan a login page's QR code (its link): the request, now this citizen's."""
        body = {"link": link}
        scanned: dict[str, Any] = self._call("POST", f"/sandbox/phones/{self.who}/scan", body)
        return scanned

    def open_app_link(self, link: str) -> dict[str, Any]:
        """Open an app link (a mobile app's authorization request at ``/phone/authorize``) on this
        phone: the request it starts (``approve`` / ``refuse`` it, then read :attr:`returned_to`)."""
        body = {"link": link}
        opened: dict[str, Any] = self._call("POST", f"/sandbox/phones/{self.who}/app-link", body)
        return opened

    def approve(
        self,
        request: dict[str, Any] | None = None,
        *,
        passcode: str = SANDBOX_PASSCODE,
        face: str = "match",
        scopes: list[str] | None = None,
    ) -> str:
        """Approve ``request`` (default: the newest waiting) with the passcode and the face,
        sharing ``scopes`` (default: every item asked); the outcome (``approved``, or why not)."""
        return self._answer(request, "approve", passcode, face, scopes)

    def refuse(self, request: dict[str, Any] | None = None) -> str:
        return self._answer(request, "refuse", "", "", None)

    def _answer(
        self,
        request: dict[str, Any] | None,
        decision: str,
        passcode: str,
        face: str,
        scopes: list[str] | None,
    ) -> str:
        current = self._current(request)
        body: dict[str, Any] = {
            "approval": self.sign(current["id"], current["nonce"], decision),
            "passcode": passcode,
            "face": face,
        }
        if scopes is not None:
            body["scopes"] = scopes
        path = f"/sandbox/phones/{self.who}/requests/{current['id']}"
        answered: dict[str, Any] = self._call("POST", path, body)
        self.returned_to = answered.get("return_to")
        return str(answered["outcome"])

    def _current(self, request: dict[str, Any] | None) -> dict[str, Any]:
        """The request as it is now (its nonce changes with every answer)."""
        waiting = self.pending()
        if request is None:
            if not waiting:
                raise LookupError(f"Nothing is waiting on {self.who}'s phone.")
            return waiting[0]
        return next((r for r in waiting if r["id"] == request["id"]), request)

    def sign(self, request_id: str, nonce: str, decision: str) -> str:
        """This phone's signed answer (a compact JWS, ES256, ``kid`` the device id)."""
        header = {"alg": "ES256", "typ": APPROVAL_TYPE, "kid": self.device_id or "unbound"}
        payload = {"rid": request_id, "nonce": nonce, "decision": decision}
        return jws.serialize_compact(header, json.dumps(payload), self.key, algorithms=["ES256"])
