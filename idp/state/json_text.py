"""The JSON text (RFC 8259) of what the state stores keep, written and read by orjson: a complete code
flow stores and reads interactions, sessions, codes and counters about thirty times, and the standard
library's encoder and decoder took about 3 % of the flow's CPU (``bench/RESULTS.md``)."""

import orjson

from idp.state.store import JsonObject


def dumps(value: JsonObject) -> str:
    """``value`` as JSON text; keys must be strings, as in every stored object."""
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> JsonObject:
    """The JSON object a store kept (a store keeps objects only)."""
    loaded = orjson.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError("a stored value is not a JSON object")
    return loaded
