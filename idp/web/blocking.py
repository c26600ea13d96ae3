"""Storage I/O never blocks the event loop: every route does its synchronous work (SQLAlchemy, the Redis
client, Authlib, the interaction) in one call on a pool of worker threads, after reading the request's
body on the loop. One hop per request, through the loop's own executor API; ``bench/storage_io.py`` measured the
choice against async drivers (``bench/RESULTS.md``)."""

import asyncio
import functools
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec
from typing import TypeVar

P = ParamSpec("P")
T = TypeVar("T")
WORKERS = 4
"""Threads for storage work: enough for requests to wait on PostgreSQL and Redis side by side, few
enough that they do not fight over the GIL (16 threads cost a complete flow about 15 % more CPU than 4
under load, against about 1 % more for 4 than for 1; ``bench/RESULTS.md``)."""

_executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="vneid-storage")
_INLINE: "weakref.WeakSet[asyncio.AbstractEventLoop]" = weakref.WeakSet()


def serve_inline(loop: asyncio.AbstractEventLoop) -> None:
    """Let ``loop`` run storage work itself: a loop that serves one caller at a time and nothing
    else (the test kit's own calls to a provider in its process), where no other request waits
    while it does, and the two thread hand-overs a request would cost are a fifth of a login."""
    _INLINE.add(loop)


async def off_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on a worker thread, the loop free meanwhile (inline on a loop
    given to :func:`serve_inline`)."""
    loop = asyncio.get_running_loop()
    if loop in _INLINE:
        return function(*args, **kwargs)
    call = functools.partial(function, *args, **kwargs)
    return await loop.run_in_executor(_executor, call)
