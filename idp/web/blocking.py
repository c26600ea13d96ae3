"""Storage I/O never blocks the event loop: every route does its synchronous work (SQLAlchemy, the Redis
client, Authlib, the interaction) in one call on the thread pool, after reading the request's body on
the loop. One hop per request; ``bench/storage_io.py`` measured the choice (``bench/RESULTS.md``)."""

from collections.abc import Callable
from typing import ParamSpec
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
T = TypeVar("T")


async def off_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on the thread pool."""
    return await run_in_threadpool(function, *args, **kwargs)
