"""What an ``error_description`` may hold: RFC 6749 §5.2 allows only ``%x20-21 / %x23-5B / %x5D-7E``
(printable ASCII without ``"`` and ``\\``), and Authlib refuses to build an error with anything else. Any
value a request brings (a parameter's name or value, a library's message about it) goes through
:func:`describable` before it is echoed in one.
"""


def describable(value: str, limit: int = 60) -> str:
    """``value`` cut short and reduced to the characters RFC 6749 §5.2 allows in an
    ``error_description`` (others become ``?``)."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in value[:limit])


def printable(value: str) -> str:
    """:func:`describable`, quoted."""
    return f"'{describable(value)}'"
