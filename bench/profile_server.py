"""Profile the identity provider under load: cProfile around uvicorn in one process, stats to a file.

    VNEID_DATABASE_URL=sqlite:////tmp/p/db.sqlite3 VNEID_KEYS_DIR=/tmp/p/keys \\
    VNEID_ISSUER=http://127.0.0.1:8766 VNEID_LOGIN_RATE_PER_IP=1000000 VNEID_LOGIN_RATE_PER_ACCOUNT=1000000 \\
        taskset -c 0 .venv/bin/python -m bench.profile_server --seconds 12 --out /tmp/p/server.prof &
    taskset -c 1 .venv/bin/python -m bench.oidc_flows flows --issuer http://127.0.0.1:8766 --seconds 8
    .venv/bin/python -c "import pstats; pstats.Stats('/tmp/p/server.prof').sort_stats('cumulative').print_stats('idp/', 40)"

The database must be seeded first (``vneid-mock population seed``). cProfile roughly doubles the CPU
time, evenly enough for the shares to be read; the figures in RESULTS.md come from runs without it. It
times with the process's CPU clock by default (``--clock cpu``), so that another tenant's load on the host
does not show up as time spent in whatever function was running; ``--clock wall`` for wall time.
"""

import argparse
import cProfile
import threading
import time

import uvicorn

from idp.settings import IdPSettings
from idp.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--out", default="server.prof")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    args = parser.parse_args()
    app = create_app(IdPSettings())
    config = uvicorn.Config(app, port=args.port, access_log=False, log_level="warning")
    server = uvicorn.Server(config)

    def stop() -> None:
        time.sleep(args.seconds)
        server.should_exit = True

    threading.Thread(target=stop, daemon=True).start()
    profile = cProfile.Profile(time.process_time if args.clock == "cpu" else time.perf_counter)
    profile.enable()
    server.run()
    profile.disable()
    profile.dump_stats(args.out)


if __name__ == "__main__":
    main()
