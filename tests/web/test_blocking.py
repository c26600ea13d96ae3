"""Storage work leaves the event loop for a worker thread, except on a loop given to serve_inline (the
test kit's own, which serves nobody else)."""

import asyncio
import threading

from idp.web.blocking import off_loop
from idp.web.blocking import serve_inline


def _thread_name() -> str:
    return threading.current_thread().name


def test_storage_work_runs_on_a_worker_thread() -> None:
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(off_loop(_thread_name)).startswith("vneid-storage")
    finally:
        loop.close()


def test_a_loop_served_inline_does_the_work_itself() -> None:
    loop = asyncio.new_event_loop()
    serve_inline(loop)
    try:
        assert loop.run_until_complete(off_loop(_thread_name)) == threading.current_thread().name
    finally:
        loop.close()
