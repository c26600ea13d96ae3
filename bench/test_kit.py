"""What the test kit costs a test run: how long until the ``vneid`` fixture's provider is ready, and what
headless logins add, measured as a project using the plugin sees them.

    .venv/bin/python -m bench.test_kit [--logins 1000] [--repeat 5]

pytest runs in a subprocess on a generated project, ``--repeat`` times each, in turn: a test that uses
nothing (the baseline: Python, pytest, the plugin's registration), a test that asks for
``vneid_session`` (personas only), a test that logs a persona in ``--logins`` times with
``vneid.login`` (code flow with PKCE, token, ID token checks, userinfo), and a test that resets the
provider as ``vneid_isolated`` does, 200 times. The readiness is the median
run time of the second minus the baseline's; the fixture's setup time is also read from
pytest's own ``--durations`` report; the logins are timed inside the test (the loop only) and also as
the third run's median minus the second's. Wall times, on whatever else the host is doing: run
it on a quiet machine, and read the spread.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = {
    "test_baseline.py": "def test_nothing():\n    pass\n",
    "test_ready.py": "def test_ready(vneid_session):\n    assert vneid_session.issuer\n",
    "test_logins.py": """\
import time


def test_logins(vneid_session):
    client = vneid_session.register_client()
    started = time.perf_counter()
    for _ in range(LOGINS):
        vneid_session.login("level2-full", client=client, scope="openid profile", acr="LoA2")
    print(f"LOOP {time.perf_counter() - started:.3f}")
""",
    "test_resets.py": """\
import time


def test_resets(vneid_session):
    client = vneid_session.register_client()
    vneid_session.login("level2-full", client=client)
    started = time.perf_counter()
    for _ in range(200):
        vneid_session.reset(everything=True)
    print(f"RESETS {time.perf_counter() - started:.3f}")
""",
}
_LOOP = re.compile(r"LOOP ([\d.]+)")
_RESETS = re.compile(r"RESETS ([\d.]+)")
_SETUP = re.compile(r"^([\d.]+)s setup\s+test_ready.py::test_ready", re.M)


def _run(project: Path, test: str) -> tuple[float, str]:
    """Wall seconds of one pytest run of ``test``, and its output."""
    pytest = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"]
    command = [*pytest, "--durations=0", "--durations-min=0", test]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=project, capture_output=True, text=True, check=False, env=os.environ
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{test} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    project = Path(tempfile.mkdtemp(prefix="vneid-kit-"))
    for name, text in PROJECT.items():
        (project / name).write_text(text.replace("LOGINS", str(args.logins)), encoding="utf-8")
    times: dict[str, list[float]] = {name: [] for name in PROJECT}
    loops: list[float] = []
    setups: list[float] = []
    resets: list[float] = []
    for _ in range(args.repeat):
        for name in PROJECT:
            elapsed, output = _run(project, name)
            times[name].append(elapsed)
            if found := _LOOP.search(output):
                loops.append(float(found[1]))
            if found := _RESETS.search(output):
                resets.append(float(found[1]) / 200 * 1000)
            if found := _SETUP.search(output):
                setups.append(float(found[1]))
    median = {name: statistics.median(values) for name, values in times.items()}
    ready = median["test_ready.py"] - median["test_baseline.py"]
    added = median["test_logins.py"] - median["test_ready.py"]
    print(f"runs                 {args.repeat} of each, medians (min–max)")
    for name, values in times.items():
        print(f"{name:20} {median[name]:.2f} s ({min(values):.2f}–{max(values):.2f})")
    print(
        f"fixture ready        {statistics.median(setups):.2f} s of setup "
        f"({min(setups):.2f}–{max(setups):.2f}), {ready:.2f} s more than the baseline run"
    )
    print(
        f"{args.logins} logins         {statistics.median(loops):.2f} s in the test "
        f"({min(loops):.2f}–{max(loops):.2f}), {added:.2f} s added to the run; "
        f"{statistics.median(loops) / args.logins * 1000:.2f} ms per login"
    )
    print(
        f"vneid_isolated       {statistics.median(resets):.2f} ms per reset of everything "
        f"({min(resets):.2f}–{max(resets):.2f}), the cost of a fresh provider per test"
    )


if __name__ == "__main__":
    main()
