"""Storage I/O never blocks the event loop: every route does its synchronous work (SQLAlchemy, the Redis
client, Authlib, the interaction) in one call on a pool of worker threads, after reading the request's
body on the loop. One hop per request, through the loop's own executor API (about 15 µs of CPU a hop
under load here, against about 40 µs through anyio's thread pool); ``bench/storage_io.py`` measured the
choice against async drivers (``bench/RESULTS.md``)."""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec
from typing import TypeVar

P = ParamSpec("P")
T = TypeVar("T")
WORKERS = 16
"""Threads for storage work: enough for the requests of a busy test suite to wait on PostgreSQL and Redis
side by side; the GIL lets one run Python at a time anyway."""

_executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="vneid-storage")


async def off_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on a worker thread, the loop free meanwhile."""
    call = functools.partial(function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor, call)
