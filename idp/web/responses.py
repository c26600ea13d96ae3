"""The core's and the interaction's :class:`~idp.oidc.answer.Answer` as a Starlette response: its page
rendered (:mod:`idp.web.rendering`) in the page's language or the browser's
(:mod:`idp.web.language`), its cookies set (HttpOnly always) or cleared."""

from starlette.requests import Request
from starlette.responses import Response

from idp.oidc.answer import Answer
from idp.web.language import preferred_language
from idp.web.language import remember_language
from idp.web.rendering import render


def to_response(request: Request, answer: Answer) -> Response:
    body = answer.body if answer.view is None else render(answer.view, preferred_language(request))
    response = Response(body, status_code=answer.status)
    for name, value in answer.headers:
        response.headers[name] = value
    for cookie in answer.cookies:
        if cookie.value is None:
            response.delete_cookie(cookie.name, path=cookie.path, httponly=True, samesite="lax")
            continue
        response.set_cookie(
            cookie.name,
            cookie.value,
            max_age=cookie.max_age,
            path=cookie.path,
            httponly=True,
            samesite=cookie.samesite,  # type: ignore[arg-type]
            secure=cookie.secure,
        )
    if answer.view is not None:
        remember_language(request, response)
    return response
