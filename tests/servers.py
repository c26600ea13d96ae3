"""Real HTTP servers for the tests that need one: an ASGI app under uvicorn in a daemon thread, on a free
loopback port."""

import threading
import time
from typing import Any

import uvicorn

from idp.testkit.launch import free_port

__all__ = ["Served", "free_port"]


class Served:
    """One ASGI app served by uvicorn in a daemon thread until :meth:`stop`; ``options`` are
    ``uvicorn.Config``'s (host 127.0.0.1 unless given; ``port`` is required)."""

    def __init__(self, app: Any, **options: Any) -> None:
        port = options["port"]
        settings = {"host": "127.0.0.1", "log_level": "warning", "ws": "none", **options}
        self.server = uvicorn.Server(uvicorn.Config(app, **settings))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return
            time.sleep(0.05)
        raise AssertionError(f"the server on port {port} did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
