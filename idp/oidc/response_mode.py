"""Authorization error responses in the requested response mode (OAuth 2.0 Form Post Response Mode §2).

An error that may be sent to the client (its ``redirect_uri`` is valid) travels like a success would:
auto-submitted form for ``response_mode=form_post``, query otherwise; with ``state`` and RFC 9207 ``iss``.
"""

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Request

from idp.oidc.answer import Answer
from idp.oidc.form_post import form_post_response
from idp.oidc.server import AuthorizationServer
from idp.oidc.ui_locales import spoken


def error_response(
    server: AuthorizationServer, request: OAuth2Request, error: OAuth2Error
) -> Answer:
    """The redirecting error response, posted by form when the request asked for ``form_post``."""
    answer: Answer
    if request.payload.data.get("response_mode") != "form_post":
        answer = server.handle_error_response(request, error)
        return answer
    params = [(k, v) for k, v in error.get_body() if k.startswith("error")]
    if error.state:
        params.append(("state", error.state))
    params.append(("iss", server.settings.issuer))
    lang = spoken(str(request.payload.data.get("ui_locales", "")))
    answer = server.handle_response(*form_post_response(error.redirect_uri, params, lang))
    return answer
