"""Run a command and report its wall time, CPU time and peak resident memory, anonymous and file-backed.

    .venv/bin/python -m bench.process_memory --report FILE -- COMMAND [ARG ...]

The command keeps its standard streams and its exit status; the report goes to FILE as one line: wall
seconds, CPU seconds, then peak resident, peak anonymous and peak file-backed memory in MiB. Memory is sampled from /proc every 100 ms (the command's own process, not its children).
File-backed memory is what the process maps of files, mostly SQLite's memory map of the database: page
cache the kernel can take back under pressure, unlike anonymous memory (the heap).
"""

import argparse
import resource
import subprocess
import time
from pathlib import Path


def _rss_kib(pid: int) -> tuple[int, int]:
    """(anonymous, file-backed) resident memory of ``pid`` in KiB; zeros once it has exited."""
    anonymous = file_backed = 0
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("RssAnon:"):
                    anonymous = int(line.split()[1])
                elif line.startswith("RssFile:"):
                    file_backed = int(line.split()[1])
    except OSError:
        pass
    return anonymous, file_backed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    started = time.perf_counter()
    process = subprocess.Popen(args.command)
    peak_total = peak_anonymous = peak_file = 0
    while process.poll() is None:
        anonymous, file_backed = _rss_kib(process.pid)
        peak_total = max(peak_total, anonymous + file_backed)
        peak_anonymous = max(peak_anonymous, anonymous)
        peak_file = max(peak_file, file_backed)
        time.sleep(0.1)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    args.report.write_text(
        f"{wall:.1f} {usage.ru_utime + usage.ru_stime:.1f} {peak_total // 1024} "
        f"{peak_anonymous // 1024} {peak_file // 1024}\n"
    )
    raise SystemExit(process.returncode)


if __name__ == "__main__":
    main()
