"""No token in a log, even at DEBUG: Authlib's grants log each issued token whole ("Issue token %r to
%r": the access, refresh and ID tokens). A filter on the loggers of the grants the provider uses
replaces every value of a logged token with ``[redacted]`` and keeps the message and the token's keys.
"""

import logging
from collections.abc import Mapping
from typing import Any

GRANT_LOGGERS = (
    "authlib.oauth2.rfc6749.grants.authorization_code",
    "authlib.oauth2.rfc6749.grants.refresh_token",
    "authlib.oauth2.rfc6749.grants.client_credentials",
)


class RedactTokens(logging.Filter):
    """Rewrites the arguments of a record, never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        return True


def _redacted(value: Any) -> Any:
    if isinstance(value, Mapping) and "access_token" in value:
        return dict.fromkeys(value, "[redacted]")
    return value


def redact_grant_logs() -> None:
    """Install the filter once per process (every app factory call may ask)."""
    for name in GRANT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
