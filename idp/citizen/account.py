"""The citizen's account page, "Tài khoản định danh của tôi" (My e-identification account), at ``/account``,
and the withdrawal of consent it offers (PRODUCT.md "Consent and disclosure").

Needs the single sign-on session (cookie); without one the citizen logs in through an interaction that
returns here (the web layer starts it). The page (``account.html``) shows the citizen's documents as the
VNeID app's wallet does (:mod:`idp.citizen.wallet`: level-2 documents only for a level-2 account, never
biometrics), every service they share with, their disclosure history and the verifications of their
chip card (:mod:`idp.citizen.sharing`).

Withdrawing is two steps, each its own request: a confirmation page (``account_withdraw.html``, a GET) that
says what stops being shared, and its form (a POST carrying a CSRF token bound to the session: an HMAC of
its id under the subject secret), which withdraws (:mod:`idp.citizen.withdrawal`) and redirects (303)
back to the page. The page then says once that the citizen no longer shares with that service: the
redirect names the client, and a short-lived cookie bound to the session proves this browser has just
withdrawn it; the name shown is the registered one, so a crafted link can make the page say nothing.
"""

import hashlib
import hmac
from urllib.parse import quote

from idp.citizen.sharing import Service
from idp.citizen.sharing import card_checks
from idp.citizen.sharing import history
from idp.citizen.sharing import registrations
from idp.citizen.sharing import service
from idp.citizen.sharing import shared_with
from idp.citizen.sharing import sharing
from idp.citizen.wallet import card_revocation
from idp.citizen.wallet import wallet
from idp.citizen.withdrawal import withdraw_consent
from idp.oidc.accounts import find_record
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import View
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.disclosure import claims_context
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession

ACCOUNT = "/account"
WITHDRAWN_COOKIE = "vneid_withdrawn"
WITHDRAWN_SECONDS = 300
"""How long the redirect after a withdrawal may take to show its message: the next page load."""


def withdraw(server: AuthorizationServer, session: LoginSession, client_id: str, csrf: str) -> bool:
    """Withdraw the citizen's consent to ``client_id`` if ``csrf`` is the session's; whether it was."""
    if not same_token(csrf, account_csrf(server, session)):
        return False
    withdraw_consent(server, session.pin, client_id)
    return True


def account_csrf(server: AuthorizationServer, session: LoginSession) -> str:
    """The withdrawal form's CSRF token: bound to the session, unguessable without the secret."""
    return _mac(server, f"account-csrf:{session.sid}")


def _mac(server: AuthorizationServer, text: str) -> str:
    key = server.settings.subject_secret.get_secret_value().encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:43]


def _withdrawn_proof(server: AuthorizationServer, session: LoginSession, client_id: str) -> str:
    return _mac(server, f"account-withdrawn:{session.sid}:{client_id}")


def account_page(
    server: AuthorizationServer, session: LoginSession, withdrawn: str, proof: str | None
) -> Answer:
    """The account page; ``withdrawn`` (with the cookie's ``proof``) the client just withdrawn from,
    whose message is shown this once."""
    just = bool(withdrawn) and same_token(proof or "", _withdrawn_proof(server, session, withdrawn))
    answer = page(account_view(server, session, service(server, withdrawn) if just else None))
    if just:
        answer.with_cookie(Cookie(WITHDRAWN_COOKIE, None, path=ACCOUNT))
    return answer


def account_view(
    server: AuthorizationServer, session: LoginSession, withdrawn: Service | None = None
) -> View:
    """The account page's content, in the browser's language."""
    record = find_record(server.engine, session.pin)
    account = None if record is None else record.account
    level = session.account_level if account is None else account.level
    shown = None
    if record is not None:
        revoked = card_revocation(server.engine, record)
        today = server.clock.population_day()
        shown = wallet(record, claims_context(server), level, today=today, card_revoked=revoked)
    values = {
        "pin": session.pin,
        "level": level,
        "acr": session.acr,
        "wallet": shown,
        "sharing": sharing(server, session.pin),
        "history": history(server, session.pin),
        "card_checks": card_checks(server, session.pin),
        "registrations": registrations(server, session.pin),
        "withdrawn": withdrawn,
    }
    return View("account.html", values, switch=ACCOUNT)


def withdrawal_view(
    server: AuthorizationServer, session: LoginSession, client_id: str
) -> View | None:
    """The page that confirms a withdrawal from ``client_id``; None when the citizen shares nothing
    with it."""
    shared = shared_with(server, session.pin, client_id)
    if shared is None:
        return None
    values = {"sharing": shared, "csrf": account_csrf(server, session)}
    return View("account_withdraw.html", values, switch=withdrawal_path(client_id))


def withdrawal_path(client_id: str) -> str:
    """The confirmation page's path for ``client_id``."""
    return f"{ACCOUNT}/withdraw?client_id={quote(client_id, safe='')}"


def after_withdrawal(server: AuthorizationServer, session: LoginSession, client_id: str) -> Answer:
    """Back to the account page (303), with the proof that lets it say the withdrawal happened."""
    answer = redirect(f"{ACCOUNT}?withdrawn={quote(client_id, safe='')}")
    proof = _withdrawn_proof(server, session, client_id)
    secure = server.settings.issuer.startswith("https://")
    cookie = Cookie(WITHDRAWN_COOKIE, proof, WITHDRAWN_SECONDS, path=ACCOUNT, secure=secure)
    return answer.with_cookie(cookie)
