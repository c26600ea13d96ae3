"""The core's and the interaction's :class:`~idp.oidc.answer.Answer` as a Starlette response, its cookies
set (HttpOnly always) or cleared."""

from starlette.responses import Response

from idp.oidc.answer import Answer


def to_response(answer: Answer) -> Response:
    response = Response(answer.body, status_code=answer.status)
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
    return response
