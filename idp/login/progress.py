"""Where the browser's login stands in an interaction (:mod:`idp.oidc.interaction`): the next step, the
page's language, the cookies that bind the interaction and carry the session, the expired page.

:func:`next_step` is the whole login state machine: the password, then each missing factor, then done;
or an ending page (unmet requirements, refused citizen). It reads the interaction's own session (the
one its login opened or continued), never the cookie of whichever browser asks.
"""

from dataclasses import dataclass

from idp.login.pages import Shown
from idp.login.pages import expired_view
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.assurance import DEVICE_KEY
from idp.oidc.assurance import PASSWORD
from idp.oidc.assurance import needs_phone
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import Interactions
from idp.oidc.interaction import same_token
from idp.oidc.session import LoginSession
from idp.oidc.session import SessionStore
from idp.oidc.ui_locales import spoken
from idp.settings import IdPSettings

BINDING_COOKIE = "vneid_interaction"


@dataclass(frozen=True)
class Step:
    """``login``, a factor (``otp``, ``pin``, ``face``), ``phone`` (only an approval in the phone
    app reaches the level: LoA4), ``unmet``, ``refused`` or ``done``."""

    kind: str
    reason: str = ""


def next_step(interaction: Interaction, session: LoginSession | None) -> Step:
    """What the citizen must do next in this interaction (``session`` is the interaction's)."""
    if interaction.ending:
        return Step(interaction.ending, interaction.ending_reason)
    needed = interaction.requirement
    if session is None or interaction.sid != session.sid:
        return Step("phone") if needs_phone(needed.acr) else Step("login")
    if not needed.reachable_by(session.account_level):
        return Step("unmet", "level2")
    missing = needed.missing_factors(session.methods, session.account_level)
    if not missing:
        return Step("done")
    if DEVICE_KEY in missing:  # the bound device's key comes only with an approval on the phone
        return Step("phone")
    return Step("login") if missing[0] == PASSWORD else Step(missing[0])


def load(
    interactions: Interactions, uid: str, binding: str, csrf: str | None = None
) -> Interaction | None:
    """The live interaction, or None: unknown or expired, another browser's (``binding``, the cookie),
    or a posted ``csrf`` that does not match."""
    found = interactions.details(uid)
    if found is None or found.binding is None or not same_token(binding, found.binding):
        return None
    if csrf is not None and not same_token(csrf, found.csrf):
        return None
    return found


def session_of(sessions: SessionStore, interaction: Interaction) -> LoginSession | None:
    """The interaction's session: the one its login opened, or the browser's it goes on with."""
    return sessions.load(interaction.sid)


def gone() -> Answer:
    return page(expired_view(), 400)


def to_step(uid: str) -> Answer:
    """A 303 to the interaction's page, which shows the step it is at (Post/Redirect/Get)."""
    return redirect(f"/interaction/{uid}")


def shown(interaction: Interaction) -> Shown:
    """The page language (the switch, else ``ui_locales``, else the browser's) and ``display``."""
    params = interaction.parameters
    lang = interaction.lang or spoken(params.get("ui_locales", ""))
    return Shown(lang, params.get("display", "page"))


def again(
    interactions: Interactions,
    interaction: Interaction,
    notice: str,
    status: int,
    retry_after: int = 0,
    pin: str = "",
) -> Answer:
    """After a form that did not move the citizen on: the message kept for the page's next showing,
    and a 303 to it (Post/Redirect/Get: Back and Reload never post the form again)."""
    interaction.notice, interaction.notice_status = notice, status
    interaction.notice_retry, interaction.typed_pin = retry_after, pin
    interactions.save(interaction)
    return to_step(interaction.uid)


def clear_notice(interaction: Interaction) -> None:
    """Forget an unread message (a form that succeeds after a failure whose page was never shown);
    saved with the interaction's next change."""
    interaction.notice, interaction.notice_status = "", 200
    interaction.notice_retry, interaction.typed_pin = 0, ""


def take_notice(interactions: Interactions, interaction: Interaction) -> tuple[str, int, int, str]:
    """The message kept for this showing (key, status, Retry-After, typed PIN), cleared once read."""
    kept = (
        interaction.notice,
        interaction.notice_status,
        interaction.notice_retry,
        interaction.typed_pin,
    )
    if interaction.notice or interaction.typed_pin:
        clear_notice(interaction)
        interactions.save(interaction)
    return kept


def safe_return_to(interaction: Interaction) -> str | None:
    """The account page's ``return_to``, only when it is a path of ``/account``."""
    target = interaction.return_to
    if not isinstance(target, str) or "\\" in target or "//" in target:
        return None
    if target == "/account" or target.startswith(("/account/", "/account?")):
        return target
    return None


def binding_cookie(settings: IdPSettings, interaction: Interaction) -> Cookie:
    """The interaction's browser binding: a random value in the interaction and in an HttpOnly cookie
    scoped to the interaction's path. Every page and form of the interaction requires it, so one
    started in a browser cannot be resumed from another (login CSRF: an attacker's interaction posted
    from the victim's browser would sign the victim in as the attacker); the path keeps interactions in
    several tabs apart."""
    return Cookie(
        BINDING_COOKIE,
        interaction.binding,
        max_age=settings.interaction_ttl,
        path=f"/interaction/{interaction.uid}",
        secure=settings.issuer.startswith("https://"),
    )


def session_cookie(settings: IdPSettings, sid: str) -> Cookie:
    """The single sign-on session's cookie (HttpOnly, SameSite=Lax)."""
    return Cookie(
        settings.session_cookie,
        sid,
        max_age=settings.session_ttl,
        secure=settings.issuer.startswith("https://"),
    )


def finished_elsewhere(
    interactions: Interactions, sessions: SessionStore, uid: str, binding: str
) -> bool | None:
    """For the login page waiting on a phone: whether its interaction is finished (logged in at the
    level asked, or ended); None when it is gone or another browser's."""
    interaction = load(interactions, uid, binding)
    if interaction is None:
        return None
    if interaction.outcome is not None or interaction.ending:
        return True
    session = session_of(sessions, interaction)
    return session is not None and next_step(interaction, session).kind == "done"
