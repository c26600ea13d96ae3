"""The relying-party library the three sample apps share (portal, bank, hospital): OpenID Connect sign-in
on Authlib's Starlette client, step-up, RP-initiated and back-channel logout, ``private_key_jwt``,
encrypted ID tokens, server-side sessions, the flow inspector, and the pages' frame: Jinja2 templates
(``templates/``), message catalogues in Vietnamese and English (``messages/``) and static files. An app
brings its settings (a subclass of :class:`RPSettings`) and its pages (an ``APIRouter`` rendering
``templates/<app>/``) to :func:`create_rp_app`."""

from clients.rp.app import create_rp_app
from clients.rp.logins import Login
from clients.rp.settings import RPSettings

__all__ = ["Login", "RPSettings", "create_rp_app"]
