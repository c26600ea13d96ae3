"""The bank's pages: eKYC account opening (a level-2 identity at LoA3+, data from ``eid_card`` and
``phone``, the portrait), the account with its transfers, and transfers. A transfer above the threshold,
or one taking the day's total above the daily threshold (:mod:`clients.bank.thresholds`), goes only after
a fresh LoA3 authentication (``max_age=0``) of the account holder: the request carries their ID token as
``id_token_hint`` and their PIN as ``login_hint``, and the transfer is refused, with no money moved, if
another citizen authenticates (the provider's ``login_required``, or another ``sub``)."""

import secrets
import time
from html import escape
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import HTTPException
from fastapi import Query
from sqlmodel import Session
from sqlmodel import col
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.bank.models import BankAccount
from clients.bank.models import Transfer
from clients.bank.settings import BankSettings
from clients.bank.thresholds import needs_fresh_authentication
from clients.bank.thresholds import sent_on_the_day
from clients.rp.csrf import check_csrf
from clients.rp.csrf import csrf_field
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.explanations import ERRORS
from clients.rp.explanations import Gloss
from clients.rp.explanations import gloss
from clients.rp.id_tokens import CLOCK_SKEW
from clients.rp.logins import Login
from clients.rp.pages import facts
from clients.rp.pages import render
from clients.rp.relying_party import ANOTHER_CITIZEN

router = APIRouter()
PENDING = "bank_pending_transfer"
EXPIRED = "expired"
REFUSALS: dict[str, Gloss] = {
    **ERRORS,
    EXPIRED: (
        "Yêu cầu chuyển tiền đã hết hạn; hãy thực hiện lại.",
        "The transfer request expired; please make it again.",
    ),
}


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def _account_of(db: Session, login: Login | None) -> BankAccount | None:
    if login is None:
        return None
    return db.exec(select(BankAccount).where(BankAccount.sub == login.sub)).first()


@router.get("/")
def home(request: Request, login: LoginDep, db: DatabaseDep) -> Response:
    if _account_of(db, login) is not None:
        return RedirectResponse("/account", status_code=303)
    body = (
        "<h1>Mở tài khoản trực tuyến bằng VNeID / Open an account with VNeID</h1>"
        "<p class='note'>eKYC: cần tài khoản định danh điện tử mức 2 và xác thực mức LoA3 (mã bảo vệ + "
        "khuôn mặt). <span lang='en'>Needs a level-2 e-ID account and LoA3 (passcode + face).</span>"
        "</p><p><a href='/open'>Mở tài khoản / Open an account</a></p>"
    )
    return render(request, "Mở tài khoản", body)


@router.get("/open")
async def open_form(request: Request, rp: RPDep, login: LoginDep, db: DatabaseDep) -> Response:
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(request, return_to="/open", purpose="eKYC (LoA3)")
    if _account_of(db, login) is not None:
        return RedirectResponse("/account", status_code=303)
    card: dict[str, Any] = login.claim("eid_card") or {}
    picture = str(login.claim("picture") or "")
    body = (
        "<h1>Xác nhận thông tin eKYC / Confirm your eKYC data</h1>"
        + (
            f"<img src='{escape(picture)}' alt='Ảnh chân dung / portrait' width='120'>"
            if picture
            else ""
        )
        + facts(
            [
                ("Họ và tên / Name", login.claim("name")),
                ("Số định danh / PIN", login.claim("personal_id_number")),
                ("Ngày sinh / Date of birth", login.claim("birthdate")),
                ("Số thẻ căn cước / Card number", card.get("number")),
                ("Ngày cấp / Issued on", card.get("issued_on")),
                ("Có giá trị đến / Expires on", card.get("expires_on")),
                ("Số điện thoại / Phone", login.claim("phone_number")),
                ("Mức xác thực / acr", login.acr),
            ]
        )
        + f"<form method='post' action='/open'>{csrf_field(request.session)}"
        "<p><input type='checkbox' id='terms' name='terms' value='accept' required>"
        "<label for='terms' style='display:inline'> Tôi đồng ý điều khoản / I accept the terms</label>"
        "</p><button type='submit'>Mở tài khoản / Open</button></form>"
    )
    return render(request, "eKYC", body)


@router.post("/open")
def open_account(
    request: Request,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    terms: Annotated[str, Form(pattern="^accept$")],
) -> Response:
    check_csrf(request.session, csrf)
    if login is None or not login.reaches("LoA3", account_level=2):
        return RedirectResponse("/open", status_code=303)
    if _account_of(db, login) is None:
        settings: BankSettings = request.app.state.settings
        card: dict[str, Any] = login.claim("eid_card") or {}
        db.add(
            BankAccount(
                number="9704" + "".join(secrets.choice("0123456789") for _ in range(8)),
                sub=login.sub,
                holder=str(login.claim("name") or ""),
                personal_id_number=str(login.claim("personal_id_number") or ""),
                card_number=str(card.get("number", "")),
                phone_number=str(login.claim("phone_number") or ""),
                picture=str(login.claim("picture") or ""),
                balance=settings.opening_balance,
                acr=login.acr,
            )
        )
        db.commit()
    return RedirectResponse("/account", status_code=303)


@router.get("/account")
async def account_page(request: Request, rp: RPDep, login: LoginDep, db: DatabaseDep) -> Response:
    account = _account_of(db, login)
    if account is None:
        return RedirectResponse("/", status_code=303)
    transfers = db.exec(
        select(Transfer).where(Transfer.account_id == account.id).order_by(col(Transfer.id).desc())
    )
    rows = "".join(
        f"<tr><td>{escape(t.to_account)}</td><td>{_vnd(t.amount)}</td><td>{escape(t.note)}</td>"
        f"<td><code>{escape(t.acr)}</code></td></tr>"
        for t in transfers
    )
    settings: BankSettings = request.app.state.settings
    body = (
        "<h1>Tài khoản của bạn / Your account</h1>"
        + (
            f"<img src='{escape(account.picture)}' alt='portrait' width='90'>"
            if account.picture
            else ""
        )
        + facts(
            [
                ("Số tài khoản / Account number", account.number),
                ("Chủ tài khoản / Holder", account.holder),
                ("Số dư / Balance", _vnd(account.balance)),
                ("Mở bằng / Opened at", account.acr),
            ]
        )
        + "<h2>Chuyển tiền / Transfer</h2>"
        f"<p class='note'>Một lần trên {_vnd(settings.fresh_auth_threshold)}, hoặc tổng trong ngày "
        f"trên {_vnd(settings.fresh_auth_daily_threshold)}: xác thực lại bằng khuôn mặt (LoA3). "
        f"<span lang='en'>Above {_vnd(settings.fresh_auth_threshold)} at once, or above "
        f"{_vnd(settings.fresh_auth_daily_threshold)} in a day: authenticate again with your face "
        "(LoA3).</span></p>"
        f"<form method='post' action='/transfer'>{csrf_field(request.session)}"
        "<label for='to_account'>Tài khoản nhận / To account</label>"
        "<input id='to_account' name='to_account' pattern='[0-9]{6,20}' required>"
        "<label for='amount'>Số tiền (VND) / Amount</label>"
        "<input id='amount' name='amount' type='number' min='1' required>"
        "<label for='note'>Nội dung / Note</label><input id='note' name='note' maxlength='140'>"
        "<p><button type='submit'>Chuyển / Send</button></p></form>"
        "<h2>Lịch sử / History</h2><table><tr><th>Đến / To</th><th>Số tiền</th><th>Nội dung</th>"
        f"<th>acr</th></tr>{rows}</table>"
    )
    return render(request, "Tài khoản", body)


@router.post("/transfer")
async def transfer(
    request: Request,
    rp: RPDep,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    to_account: Annotated[str, Form(pattern="^[0-9]{6,20}$")],
    amount: Annotated[int, Form(gt=0, le=10**12)],
    note: Annotated[str, Form(max_length=140)] = "",
) -> Response:
    """Small transfers go at once; above a threshold (alone, or with the day's earlier transfers), the
    account holder authenticates again first."""
    check_csrf(request.session, csrf)
    account = _account_of(db, login)
    if account is None or account.id is None or login is None:
        return RedirectResponse("/", status_code=303)
    settings: BankSettings = request.app.state.settings
    sent_today = sent_on_the_day(db, account.id, time.time())
    if not needs_fresh_authentication(settings, amount, sent_today):
        _execute(db, account, login, to_account, amount, note)
        return RedirectResponse("/account", status_code=303)
    request.session[PENDING] = {
        "account_id": account.id,
        "sub": login.sub,
        "to_account": to_account,
        "amount": amount,
        "note": note,
        "requested_at": time.time(),
    }
    return await rp.authorization_redirect(
        request,
        return_to="/transfer/confirm",
        errors_to="/transfer/confirm",
        purpose=f"step-up: chuyển {_vnd(amount)} (max_age=0, LoA3)",
        acr_values="LoA3",
        max_age=0,
        same_citizen=login,
        login_hint=account.personal_id_number,
    )


@router.get("/transfer/confirm")
def confirm_transfer(
    request: Request,
    login: LoginDep,
    db: DatabaseDep,
    error: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Back from the fresh authentication: the pending transfer goes only if the account holder
    (the same ``sub``) authenticated at LoA3 after it was asked for; an error drops it."""
    pending: dict[str, Any] | None = request.session.pop(PENDING, None)
    if error is not None:
        return _refused(request, error)
    account = _account_of(db, login)
    if pending is None or account is None or login is None:
        return RedirectResponse("/account", status_code=303)
    if pending.get("sub") != login.sub or pending.get("account_id") != account.id:
        return _refused(request, ANOTHER_CITIZEN)
    settings: BankSettings = request.app.state.settings
    if time.time() - float(pending["requested_at"]) > settings.pending_transfer_ttl:
        return _refused(request, EXPIRED)
    if login.auth_time < pending["requested_at"] - CLOCK_SKEW or not login.reaches("LoA3", 2):
        raise HTTPException(
            403, "Cần xác thực lại mức LoA3 / a fresh LoA3 authentication is required."
        )
    _execute(db, account, login, pending["to_account"], int(pending["amount"]), pending["note"])
    return RedirectResponse("/account", status_code=303)


def _refused(request: Request, error: str) -> Response:
    """The transfer did not go: why, in plain words, then the code."""
    vi, en = gloss(REFUSALS, error)
    if not vi:
        vi, en = "Chưa xác thực lại được.", "The fresh authentication did not succeed."
    body = (
        "<h1>Giao dịch bị từ chối / Transfer refused</h1>"
        f"<p role='alert'>{escape(vi)} <span lang='en'>{escape(en)}</span></p>"
        "<p>Không có khoản tiền nào được chuyển. <span lang='en'>No money was moved.</span></p>"
        f"<p>error: <code>{escape(error)}</code></p>"
        "<p><a href='/account'>Về tài khoản / Back to your account</a> · "
        "<a href='/inspector'>Xem từng bước / See each step</a></p>"
    )
    return render(request, "Giao dịch bị từ chối / Transfer refused", body, 403)


def _execute(
    db: Session, account: BankAccount, login: Login, to_account: str, amount: int, note: str
) -> None:
    if amount > account.balance:
        raise HTTPException(400, "Số dư không đủ / insufficient balance.")
    account.balance -= amount
    db.add(account)
    db.add(
        Transfer(
            account_id=account.id or 0,
            to_account=to_account,
            amount=amount,
            note=note,
            acr=login.acr,
            auth_time=login.auth_time,
        )
    )
    db.commit()
