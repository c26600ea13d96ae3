"""The bank's pages: eKYC account opening (a level-2 identity at LoA3+, data from ``eid_card`` and
``phone``, the portrait), the account with its transfers, transfers and their receipts. A transfer above the
threshold, or one taking the day's total above the daily threshold (:mod:`clients.bank.thresholds`), waits
on a page that says why and asks for a fresh LoA3 authentication (``max_age=0``) of the account holder:
the request carries their ID token as ``id_token_hint`` and their PIN as ``login_hint``, and the transfer
is refused, with no money moved, if another citizen authenticates (the provider's ``login_required``, or
another ``sub``). eKYC is refused, and the account page says it is frozen, while VNeID says the customer's
identity account is disabled (:mod:`clients.bank.ekyc_holds`). Every form answers with a redirect."""

import secrets
import time
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Query
from sqlmodel import Session
from sqlmodel import col
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response

from clients.bank.ekyc_holds import EkycHold
from clients.bank.ekyc_holds import hold_of
from clients.bank.models import BankAccount
from clients.bank.models import Transfer
from clients.bank.settings import BankSettings
from clients.bank.thresholds import needs_fresh_authentication
from clients.bank.thresholds import sent_on_the_day
from clients.rp.catalogue import catalogue
from clients.rp.csrf import check_csrf
from clients.rp.deps import CsrfField
from clients.rp.deps import DatabaseDep
from clients.rp.deps import LoginDep
from clients.rp.deps import RPDep
from clients.rp.errors import PageError
from clients.rp.formats import money
from clients.rp.id_tokens import CLOCK_SKEW
from clients.rp.language import language_of
from clients.rp.logins import Login
from clients.rp.relying_party import ANOTHER_CITIZEN
from clients.rp.rendering import render

router = APIRouter()
PENDING = "bank_pending_transfer"
EXPIRED = "expired"
STEP_UP_LEVEL = "LoA3"


def _account_of(db: Session, login: Login | None) -> BankAccount | None:
    if login is None:
        return None
    return db.exec(select(BankAccount).where(BankAccount.sub == login.sub)).first()


def _settings(request: Request) -> BankSettings:
    settings: BankSettings = request.app.state.settings
    return settings


@router.get("/")
def home(request: Request, login: LoginDep, db: DatabaseDep) -> Response:
    if _account_of(db, login) is not None:
        return RedirectResponse("/account", status_code=303)
    return render(request, "bank/home.html")


@router.get("/open")
async def open_form(request: Request, rp: RPDep, login: LoginDep, db: DatabaseDep) -> Response:
    if login is None or not login.reaches("LoA3", account_level=2):
        return await rp.authorization_redirect(request, return_to="/open", purpose="ekyc")
    hold = hold_of(db, login.sub)
    if hold is not None:
        return _frozen(request, hold)
    if _account_of(db, login) is not None:
        return RedirectResponse("/account", status_code=303)
    card: dict[str, Any] = login.claim("eid_card") or {}
    picture = str(login.claim("picture") or "")
    return render(request, "bank/open.html", card=card, picture=picture)


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
    hold = hold_of(db, login.sub)
    if hold is not None:
        return _frozen(request, hold)
    if _account_of(db, login) is None:
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
                balance=_settings(request).opening_balance,
                acr=login.acr,
            )
        )
        db.commit()
    return RedirectResponse("/account", status_code=303)


@router.get("/account")
def account_page(request: Request, login: LoginDep, db: DatabaseDep) -> Response:
    account = _account_of(db, login)
    if account is None:
        return RedirectResponse("/", status_code=303)
    transfers = db.exec(
        select(Transfer).where(Transfer.account_id == account.id).order_by(col(Transfer.id).desc())
    ).all()
    settings = _settings(request)
    return render(
        request,
        "bank/account.html",
        account=account,
        hold=hold_of(db, account.sub),
        transfers=transfers,
        once=settings.fresh_auth_threshold,
        daily=settings.fresh_auth_daily_threshold,
    )


@router.post("/transfer")
def transfer(
    request: Request,
    login: LoginDep,
    db: DatabaseDep,
    csrf: CsrfField,
    to_account: Annotated[str, Form(pattern="^[0-9]{6,20}$")],
    amount: Annotated[int, Form(gt=0, le=10**12)],
    note: Annotated[str, Form(max_length=140)] = "",
) -> Response:
    """Small transfers go at once (to their receipt); above a threshold (alone, or with the day's
    earlier transfers), the transfer waits on the step-up page for a fresh authentication."""
    check_csrf(request.session, csrf)
    account = _account_of(db, login)
    if account is None or account.id is None or login is None:
        return RedirectResponse("/", status_code=303)
    _check_balance(request, account, amount)
    settings = _settings(request)
    sent_today = sent_on_the_day(db, account.id, time.time())
    if not needs_fresh_authentication(settings, amount, sent_today):
        done = _execute(request, db, account, login, to_account, amount, note)
        return RedirectResponse(f"/transfers/{done.id}", status_code=303)
    request.session[PENDING] = {
        "account_id": account.id,
        "sub": login.sub,
        "to_account": to_account,
        "amount": amount,
        "note": note,
        "reason": "once" if amount > settings.fresh_auth_threshold else "daily",
        "requested_at": time.time(),
    }
    return RedirectResponse("/transfer/step-up", status_code=303)


def _pending_of(request: Request, login: Login | None) -> dict[str, Any] | None:
    """The signed-in citizen's transfer waiting for its fresh authentication, if any."""
    pending: dict[str, Any] | None = request.session.get(PENDING)
    if pending is None or login is None or pending.get("sub") != login.sub:
        return None
    return pending


@router.get("/transfer/step-up")
def step_up_page(request: Request, login: LoginDep) -> Response:
    """Why the transfer waits, and the way to VNeID."""
    pending = _pending_of(request, login)
    if pending is None:
        return RedirectResponse("/account", status_code=303)
    settings = _settings(request)
    once = pending["reason"] == "once"
    return render(
        request,
        "bank/step_up.html",
        pending=pending,
        limit=settings.fresh_auth_threshold if once else settings.fresh_auth_daily_threshold,
        step_level=STEP_UP_LEVEL,
        minutes=settings.pending_transfer_ttl // 60,
    )


@router.get("/transfer/authenticate")
async def authenticate(request: Request, rp: RPDep, login: LoginDep, db: DatabaseDep) -> Response:
    """To VNeID for the fresh authentication of the account holder only."""
    pending = _pending_of(request, login)
    account = _account_of(db, login)
    if pending is None or account is None or login is None:
        return RedirectResponse("/account", status_code=303)
    return await rp.authorization_redirect(
        request,
        return_to="/transfer/confirm",
        errors_to="/transfer/confirm",
        purpose="transfer",
        details={"amount": int(pending["amount"])},
        reason=_reason(request, pending),
        acr_values=STEP_UP_LEVEL,
        max_age=0,
        same_citizen=login,
        login_hint=account.personal_id_number,
    )


def _reason(request: Request, pending: dict[str, Any]) -> str:
    """What the provider's step-up pages tell the citizen they are confirming: the transfer."""
    lang = language_of(request)
    amount = money(int(pending["amount"]), lang)
    return catalogue().text(lang, "bank.step_up.reason", amount=amount, to=pending["to_account"])


@router.post("/transfer/cancel")
def cancel(request: Request, csrf: CsrfField) -> Response:
    check_csrf(request.session, csrf)
    request.session.pop(PENDING, None)
    return RedirectResponse("/account", status_code=303)


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
    if time.time() - float(pending["requested_at"]) > _settings(request).pending_transfer_ttl:
        return _refused(request, EXPIRED)
    fresh = login.auth_time >= pending["requested_at"] - CLOCK_SKEW
    if not fresh or not login.reaches(STEP_UP_LEVEL, 2):
        raise PageError(403, "bank.errors.fresh_auth_required")
    amount, to_account = int(pending["amount"]), str(pending["to_account"])
    done = _execute(request, db, account, login, to_account, amount, str(pending["note"]))
    return RedirectResponse(f"/transfers/{done.id}", status_code=303)


@router.get("/transfers/{transfer_id}")
def receipt(request: Request, transfer_id: int, login: LoginDep, db: DatabaseDep) -> Response:
    """A transfer of the signed-in citizen's account, with the balance now."""
    account = _account_of(db, login)
    if account is None:
        return RedirectResponse("/", status_code=303)
    done = db.get(Transfer, transfer_id)
    if done is None or done.account_id != account.id:
        raise PageError(404, "bank.errors.no_such_transfer")
    return render(request, "bank/receipt.html", transfer=done, account=account)


def _refused(request: Request, error: str) -> Response:
    """The transfer did not go: why, in plain words, then the code."""
    lang, words = language_of(request), catalogue()
    keys = (f"bank.refused.{error}", f"rp.errors.{error}", "bank.refused.default")
    reason = words.text(lang, next(key for key in keys if words.has(lang, key)))
    return render(request, "bank/refused.html", 403, reason=reason, error=error)


def _frozen(request: Request, hold: EkycHold) -> Response:
    """eKYC refused while VNeID says the identity account is disabled."""
    return render(request, "bank/frozen.html", 403, hold=hold)


def _check_balance(request: Request, account: BankAccount, amount: int) -> None:
    if amount > account.balance:
        shown = money(amount, language_of(request))
        raise PageError(400, "bank.errors.insufficient_balance", amount=shown)


def _execute(
    request: Request,
    db: Session,
    account: BankAccount,
    login: Login,
    to_account: str,
    amount: int,
    note: str,
) -> Transfer:
    _check_balance(request, account, amount)
    account.balance -= amount
    db.add(account)
    done = Transfer(
        account_id=account.id or 0,
        to_account=to_account,
        amount=amount,
        note=note,
        acr=login.acr,
        auth_time=login.auth_time,
    )
    db.add(done)
    db.commit()
    db.refresh(done)
    return done
