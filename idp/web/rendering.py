"""The provider's pages from their Jinja2 templates (``idp/web/templates``, autoescaped: every value a
page shows is escaped by the engine, never by hand) and the message catalogues
(:mod:`idp.web.translations`). A :class:`~idp.oidc.answer.View` names the page and its values; the base
layout (``base.html``) gives every page the SANDBOX banner, the header, the language switch and the
style sheet. A template reads a plain message as ``m["login.title"]`` (the page language's catalogue:
a dictionary lookup, the cheapest Jinja makes) and one with placeholders, or a key it computes, as
``t("login.hint", password=…)``. An undefined value or a missing message fails the render instead of
showing a blank.
"""

from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import StrictUndefined
from jinja2 import pass_context
from jinja2.runtime import Context

from idp.oidc.answer import View
from idp.oidc.ui_locales import DEFAULT
from idp.oidc.ui_locales import LANGUAGES
from idp.web import display_values
from idp.web.translations import CATALOGUES
from idp.web.translations import has_message
from idp.web.translations import message

TEMPLATES = Path(__file__).parent / "templates"
DISPLAYS = ("page", "popup", "touch", "wap")


@pass_context
def _t(context: Context, key: str, **values: Any) -> str:
    return message(context["lang"], key, **values)


@pass_context
def _has_message(context: Context, key: str) -> bool:
    return has_message(context["lang"], key)


@pass_context
def _money(context: Context, amount: int | float) -> str:
    return display_values.money(amount, context["lang"])


@pass_context
def _percent(context: Context, value: int | float) -> str:
    return display_values.percent(value, context["lang"])


@pass_context
def _coded(context: Context, code: object, kind: str) -> str:
    return display_values.coded(context["lang"], kind, code)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no stat() of the file per page
    )
    env.globals.update(t=_t, has_message=_has_message)
    env.filters.update(
        day=display_values.day,
        moment=display_values.moment,
        money=_money,
        percent=_percent,
        coded=_coded,
    )
    return env


ENVIRONMENT = _environment()


def switch_link(path: str, lang: str) -> str:
    """``path`` in language ``lang``: its query with ``lang`` set."""
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def render(view: View, lang: str | None = None) -> str:
    """The page of ``view``, in its own language, else ``lang``, else Vietnamese."""
    shown = view.lang or lang or DEFAULT
    shown = shown if shown in LANGUAGES else DEFAULT
    other = next(code for code in LANGUAGES if code != shown)
    return ENVIRONMENT.get_template(view.template).render(
        view.values,
        m=CATALOGUES[shown],
        lang=shown,
        other=other,
        display=view.display if view.display in DISPLAYS else "page",
        switch=switch_link(view.switch, other) if view.switch is not None else None,
    )
