"""The pages of the factors after the password (step-up) and of the endings without a code, as
:class:`~idp.oidc.answer.View` values for the web layer's templates.

One-time code (field ``otp``, ``autocomplete="one-time-code"``), passcode (field ``passcode``), face
match (a submit named ``face``: ``match`` / ``no_match``, beside the citizen's synthetic portrait: the
very drawing relying parties receive as ``picture``, :mod:`idp.oidc.portraits`), the "unmet
requirements" explanation (a level-1 account asked for level 2: register level 2 at the police), and the
refusal page (locked account, deceased citizen). Each factor page says why it is asked (the service, the
level, the purpose or transaction) and carries the SANDBOX hint for its credential: where the SMS code
arrives, the sandbox passcode, that the tester chooses the face match.
"""

from idp.login.pages import Asking
from idp.login.pages import Shown
from idp.oidc.answer import View


def _view(template: str, uid: str, shown: Shown, **values: object) -> View:
    base = f"/interaction/{uid}"
    return View(template, {"base": base, **values}, shown.lang, shown.display, base)


def otp_view(
    uid: str, csrf: str, asking: Asking, shown: Shown, phone: str, notice: str = ""
) -> View:
    """The SMS code page: the masked phone, the mock inbox's link, resend and cancel."""
    masked = phone[:-7] + "****" + phone[-3:] if len(phone) > 7 else phone
    inbox = f"/sandbox/sms?phone={phone.replace('+', '%2B')}"
    return _view(
        "otp.html", uid, shown, csrf=csrf, asking=asking, phone=masked, inbox=inbox, notice=notice
    )


def passcode_view(
    uid: str, csrf: str, asking: Asking, shown: Shown, passcode: str, notice: str = ""
) -> View:
    """The passcode page; ``passcode`` is the sandbox's public passcode, shown as the hint."""
    return _view(
        "passcode.html", uid, shown, csrf=csrf, asking=asking, passcode=passcode, notice=notice
    )


def face_view(
    uid: str, csrf: str, asking: Asking, shown: Shown, portrait: str, notice: str = ""
) -> View:
    """The face match, beside the citizen's portrait (its path on the provider)."""
    return _view(
        "face.html", uid, shown, csrf=csrf, asking=asking, portrait=portrait, notice=notice
    )


def ending_view(uid: str, csrf: str, kind: str, reason: str, shown: Shown) -> View:
    """``kind`` ``unmet`` (reason ``level2`` / ``no_phone``) or ``refused`` (``locked`` /
    ``deceased``): why, what to do, and a continue button back to the service."""
    return _view("ending.html", uid, shown, csrf=csrf, kind=kind, reason=reason)
