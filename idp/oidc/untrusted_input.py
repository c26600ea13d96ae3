"""Parsing what a client sent (JSON documents, JOSE objects), with every way a malformed one fails.

Beyond the libraries' own errors, a JSON document nested deeper than the parser's recursion limit
raises ``RecursionError`` (3,000 ``[`` fit in one 8 KiB parameter), and joserfc lets a header of the
wrong shape (``"crit": 5``) through as ``TypeError``. :data:`MALFORMED` names them all, so that each such
input is the specification's error for a bad value, never a 500.
"""

import json
from typing import Any

from joserfc.errors import JoseError

MALFORMED: tuple[type[Exception], ...] = (
    JoseError,
    ValueError,
    TypeError,
    KeyError,
    RecursionError,
)
"""What parsing or verifying an untrusted JSON document or JOSE object may raise."""


def loads(text: str | bytes) -> Any:
    """``json.loads``, a document nested too deep being a ``ValueError`` like any other bad JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("The JSON document is nested too deeply.") from None
