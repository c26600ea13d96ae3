"""The apps' pages as HTML: one Jinja2 environment over ``templates/`` (autoescaped, and strict: an
undefined name is an error, never an empty string), the filters that show values as a Vietnamese service
does (:mod:`clients.rp.formats`), and :func:`render`, which answers a request with a template in the
browser's language (:mod:`clients.rp.language`), inside the frame every app shares (``base.html``)."""

import json
from functools import cache
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import StrictUndefined
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

from clients.rp import formats
from clients.rp.catalogue import LANGUAGES
from clients.rp.catalogue import catalogue
from clients.rp.csrf import csrf_token
from clients.rp.language import QUERY_PARAMETER
from clients.rp.language import language_of
from clients.rp.signal_types import short_name

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    """The templates' environment, built on first use."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=formats.day,
        moment=formats.moment,
        place=formats.place,
        money=_money,
        sex=_sex,
        country=_country,
        relation=_relation,
        benefit=_benefit,
        as_json=_as_json,
        signal_name=short_name,
    )
    env.globals["languages"] = LANGUAGES
    return env


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """``template`` (a page of ``templates/``) with ``values``, in the language of the browser that
    sent ``request``, as a response nobody caches."""
    html = page(request, template, **values)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def page(request: Request, template: str, **values: Any) -> str:
    lang = language_of(request)
    rp = request.app.state.rp
    words = catalogue()
    frame = {
        "lang": lang,
        "t": partial(words.text, lang),
        "has_text": partial(words.has, lang),
        "app": rp.settings.app,
        "level": rp.settings.acr_values,
        "login": rp.current(request),
        "csrf_token": partial(csrf_token, request.session),
        "switch_to": partial(switch_url, request),
    }
    return environment().get_template(template).render(frame | values)


def switch_url(request: Request, lang: str) -> str:
    """This page in ``lang``: the same address with ``?lang=``; the home page when the page answered a
    form (its address does not take a GET)."""
    if request.method != "GET":
        return f"/?{urlencode({QUERY_PARAMETER: lang})}"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != QUERY_PARAMETER]
    return f"{request.url.path}?{urlencode([*query, (QUERY_PARAMETER, lang)])}"


@pass_context
def _money(context: Context, amount: int) -> str:
    return formats.money(amount, context["lang"])


@pass_context
def _sex(context: Context, value: object) -> str:
    return formats.sex(value, context["lang"])


@pass_context
def _country(context: Context, code: object) -> str:
    return formats.country(code, context["lang"])


@pass_context
def _relation(context: Context, code: object, sex_of_member: object = None) -> str:
    return formats.relation(code, sex_of_member, context["lang"])


@pass_context
def _benefit(context: Context, level: object) -> str:
    return formats.benefit(level, context["lang"])


def _as_json(value: object, indent: int | None = None) -> str:
    """A protocol value as its JSON text (for ``<code>`` and ``<pre>``); text stays as it is."""
    if isinstance(value, str) and indent is None:
        return value
    return json.dumps(value, ensure_ascii=False, indent=indent)
