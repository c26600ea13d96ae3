"""The consent step (đồng ý chia sẻ thông tin): its page in the chosen language, and the decision.

What was ticked (``openid`` always) finishes the interaction with :class:`~idp.oidc.interaction.Consented`,
which remembers it (:mod:`idp.state.consents`) and makes it the scope of the answered authorization
request, hence of the code and the token response (partial consent); ``deny`` finishes it with
:class:`~idp.oidc.interaction.Denied`. The decision is answered with the authorization response itself (a
303 to the client, or its ``form_post`` page).
"""

from idp.login.consent_page import ALWAYS
from idp.login.progress import gone
from idp.login.progress import load
from idp.login.progress import next_step
from idp.login.progress import session_of
from idp.login.steps import answer_interaction
from idp.login.steps import consent_or_answer
from idp.oidc.answer import Answer
from idp.oidc.interaction import Consented
from idp.oidc.interaction import Denied
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.oidc.ui_locales import spoken


def show_consent(
    server: AuthorizationServer,
    uid: str,
    binding: str,
    browser: LoginSession | None,
    ui_locales: str,
) -> Answer:
    """The consent page in the language asked for (``ui_locales``), kept for the interaction."""
    interaction = load(server.interactions, uid, binding)
    session = session_of(server.sessions, interaction) if interaction else None
    if interaction is None or session is None or next_step(interaction, session).kind != "done":
        return gone()
    if (lang := spoken(ui_locales[:64])) is not None and interaction.lang != lang:
        interaction.lang = lang
        server.interactions.save(interaction)
    return consent_or_answer(server, interaction, session, browser)


def decide(
    server: AuthorizationServer,
    uid: str,
    form: tuple[str, str],
    decision: str,
    ticked: list[str],
    browser: LoginSession | None,
) -> Answer:
    """The decision (``form``: the binding and the posted CSRF token): ``approve`` with the ticked
    scopes, or anything else to deny."""
    interaction = load(server.interactions, uid, *form)
    session = session_of(server.sessions, interaction) if interaction else None
    if interaction is None or session is None or not interaction.client_id:
        return gone()
    if next_step(interaction, session).kind != "done":
        return gone()
    if decision == "approve":
        requested = interaction.scope.split()
        granted = tuple(s for s in requested if s == ALWAYS or s in ticked)
        server.interactions.finish(interaction, Consented(granted))
    else:
        server.interactions.finish(interaction, Denied("consent refused"))
    return answer_interaction(server, interaction, browser)
