"""The HTML of the factors after the password, and of the pages that end a login without a code.

One-time code (field ``otp``, ``autocomplete="one-time-code"``), passcode (field ``passcode``), face
match (a submit named ``face``: ``match`` / ``no_match``, beside the citizen's synthetic portrait: the
very drawing relying parties receive as ``picture``, :mod:`idp.oidc.portraits`), the "unmet requirements" explanation (a
level-1 account asked for level 2: register level 2 at the police), and the refusal page (locked
account, deceased citizen). Vietnamese first, English on request; plain forms, each with the hidden
``csrf`` token; every value escaped.
"""

from html import escape

from idp.login.pages import language_switch
from idp.login.pages import layout

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "otp_title": "Mã xác thực OTP",
        "otp_intro": "Mã xác thực gồm 6 chữ số đã được gửi qua SMS tới số điện thoại {phone}. "
        "Mã có hiệu lực trong 3 phút.",
        "otp_label": "Mã OTP (6 chữ số)",
        "inbox": "Mở hộp thư SMS giả lập",
        "resend": "Gửi lại mã",
        "passcode_title": "Mã bảo vệ",
        "passcode_intro": "Nhập mã bảo vệ gồm 6 chữ số của tài khoản định danh điện tử.",
        "passcode_label": "Mã bảo vệ (6 chữ số)",
        "face_title": "Xác thực khuôn mặt",
        "face_intro": "Mô phỏng: đây là ảnh chân dung giả lập của công dân. Người kiểm thử chọn kết "
        "quả so khớp khuôn mặt.",
        "portrait": "Ảnh chân dung giả lập của công dân",
        "match": "Khớp",
        "no_match": "Không khớp",
        "confirm": "Xác nhận",
        "continue": "Tiếp tục",
        "cancel": "Hủy",
        "unmet_title": "Chưa đủ mức xác thực",
        "unmet_level2": "Dịch vụ này yêu cầu tài khoản định danh điện tử mức 2. Tài khoản của bạn "
        "đang ở mức 1. Để nâng lên mức 2, hãy đến cơ quan Công an cấp xã hoặc nơi làm thủ tục cấp "
        "thẻ căn cước, mang theo thẻ căn cước gắn chíp; cán bộ sẽ thu nhận ảnh chân dung và vân tay.",
        "unmet_no_phone": "Dịch vụ này yêu cầu mã OTP gửi qua SMS, nhưng tài khoản không có số điện "
        "thoại chính chủ đã đăng ký.",
        "unmet_after": "Nhấn Tiếp tục để quay lại dịch vụ; dịch vụ sẽ được thông báo rằng yêu cầu "
        "xác thực chưa được đáp ứng.",
        "refused_title": "Không thể đăng nhập",
        "refused_locked": "Tài khoản định danh điện tử này đang bị khóa. Hãy liên hệ cơ quan Công an "
        "để được hướng dẫn mở khóa.",
        "refused_deceased": "Công dân này đã được ghi nhận là đã mất; tài khoản định danh điện tử "
        "không còn được sử dụng.",
        "refused_after": "Nhấn Tiếp tục để quay lại dịch vụ; dịch vụ sẽ được thông báo là đăng nhập "
        "bị từ chối.",
        "too_many": "Quá nhiều lần thử. Vui lòng thử lại sau ít phút.",
    },
    "en": {
        "otp_title": "One-time code",
        "otp_intro": "A 6-digit code was sent by SMS to {phone}. It is valid for 3 minutes.",
        "otp_label": "One-time code (6 digits)",
        "inbox": "Open the mock SMS inbox",
        "resend": "Send a new code",
        "passcode_title": "Passcode",
        "passcode_intro": "Enter the 6-digit passcode of your electronic identification account.",
        "passcode_label": "Passcode (6 digits)",
        "face_title": "Face verification",
        "face_intro": "Simulation: this is the citizen's synthetic portrait. The tester chooses the "
        "result of the face match.",
        "portrait": "The citizen's synthetic portrait",
        "match": "Match",
        "no_match": "No match",
        "confirm": "Confirm",
        "continue": "Continue",
        "cancel": "Cancel",
        "unmet_title": "Authentication level not reached",
        "unmet_level2": "This service requires a level-2 electronic identification account. Your "
        "account is level 1. To upgrade, go to the commune police or an identity-card office with "
        "your chip identity card; an officer takes your portrait and fingerprints.",
        "unmet_no_phone": "This service requires a one-time code by SMS, but the account has no "
        "registered phone number.",
        "unmet_after": "Press Continue to return to the service; it will be told that its "
        "authentication requirements could not be met.",
        "refused_title": "Login not possible",
        "refused_locked": "This electronic identification account is locked. Contact the police "
        "to have it unlocked.",
        "refused_deceased": "This citizen is recorded as deceased; the account can no longer be used.",
        "refused_after": "Press Continue to return to the service; it will be told that the login "
        "was refused.",
        "too_many": "Too many attempts. Please try again in a few minutes.",
    },
}


def _form(action: str, csrf: str, inner: str) -> str:
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">{inner}</form>'
    )


def _alert(error: str | None) -> str:
    return f'<p role="alert">{escape(error)}</p>' if error else ""


def _cancel(base: str, csrf: str, text: dict[str, str]) -> str:
    button = f'<button type="submit" class="secondary">{text["cancel"]}</button>'
    return _form(f"{base}/cancel", csrf, button)


def otp_page(
    base: str, csrf: str, phone: str, error: str | None, lang: str, display: str = "page"
) -> str:
    text = TEXTS[lang]
    masked = phone[:-7] + "****" + phone[-3:] if len(phone) > 7 else phone
    inbox = f"/sandbox/sms?phone={phone.replace('+', '%2B')}"
    field = (
        f'<label for="otp">{text["otp_label"]}</label><input id="otp" name="otp" '
        'inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" '
        f'required autofocus><button type="submit">{text["confirm"]}</button>'
    )
    resend = f'<button type="submit" class="secondary">{text["resend"]}</button>'
    return layout(
        text["otp_title"],
        f"<h1>{text['otp_title']}</h1>{_alert(error)}"
        f"<p>{escape(text['otp_intro'].format(phone=masked))}</p>"
        f'<p class="note"><a href="{escape(inbox)}" target="_blank">{text["inbox"]}</a> (SANDBOX)</p>'
        f"{_form(f'{base}/otp', csrf, field)}{_form(f'{base}/otp/resend', csrf, resend)}"
        f"{_cancel(base, csrf, text)}{language_switch(base, lang)}",
        lang,
        display,
    )


def passcode_page(base: str, csrf: str, error: str | None, lang: str, display: str = "page") -> str:
    text = TEXTS[lang]
    field = (
        f'<label for="passcode">{text["passcode_label"]}</label><input id="passcode" '
        'name="passcode" type="password" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" '
        f'autocomplete="off" required autofocus><button type="submit">{text["confirm"]}</button>'
    )
    return layout(
        text["passcode_title"],
        f"<h1>{text['passcode_title']}</h1>{_alert(error)}<p>{text['passcode_intro']}</p>"
        f"{_form(f'{base}/passcode', csrf, field)}{_cancel(base, csrf, text)}"
        f"{language_switch(base, lang)}",
        lang,
        display,
    )


def face_page(
    base: str, csrf: str, portrait: str, error: str | None, lang: str, display: str = "page"
) -> str:
    """The face match, beside the citizen's portrait (its path on the provider)."""
    text = TEXTS[lang]
    image = (
        f'<img src="{escape(portrait)}" width="200" height="260" alt="{escape(text["portrait"])}">'
    )
    buttons = (
        f'<button type="submit" name="face" value="match">{text["match"]}</button>'
        f'<button type="submit" name="face" value="no_match" class="secondary">'
        f"{text['no_match']}</button>"
    )
    return layout(
        text["face_title"],
        f"<h1>{text['face_title']}</h1>{_alert(error)}<p>{text['face_intro']}</p>"
        f"<figure>{image}</figure>{_form(f'{base}/face', csrf, buttons)}"
        f"{_cancel(base, csrf, text)}{language_switch(base, lang)}",
        lang,
        display,
    )


def ending_page(
    base: str, csrf: str, kind: str, reason: str, lang: str, display: str = "page"
) -> str:
    """``kind`` ``unmet`` (reason ``level2`` / ``no_phone``) or ``refused`` (``locked`` /
    ``deceased``): why, what to do, and a continue button back to the service."""
    text = TEXTS[lang]
    button = f'<button type="submit">{text["continue"]}</button>'
    return layout(
        text[f"{kind}_title"],
        f"<h1>{text[f'{kind}_title']}</h1><p class='note'>{text[f'{kind}_{reason}']}</p>"
        f"<p>{text[f'{kind}_after']}</p>{_form(f'{base}/continue', csrf, button)}"
        f"{language_switch(base, lang)}",
        lang,
        display,
    )


def too_many_page(lang: str) -> str:
    text = TEXTS[lang]
    return layout(text["too_many"], f"<h1>{text['too_many']}</h1>", lang)
