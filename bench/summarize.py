"""Summarise a ``bench/side_by_side.sh`` log: flows/s and CPU per flow per provider and round, our ratios
to each peer within each round and their medians over the rounds (and headless logins' to our
form-driven flows); then the range of each provider's
token-request p99 and of its discovery and JWKS rates.

    bash bench/side_by_side.sh 5 10 | tee /tmp/side.log
    .venv/bin/python -m bench.summarize < /tmp/side.log

Rates on a shared host drift by tens of per cent within minutes, so a ratio is only meaningful between
providers measured in the same round; the median over several short interleaved rounds is the figure
least moved by one noisy minute.

``--cpu`` (for ``bench/paired.sh``, where two servers share one core at once and the scheduler, not the
servers, splits the flows between them) computes each ratio from the CPU per flow instead: the peer's
milliseconds per flow over ours, the ratio of the rates each would reach on a core of its own.
"""

import re
import statistics
import sys
from collections import defaultdict

_ROUND = re.compile(r"^=== round (\d+): (.+)$")
_RATE = re.compile(r"^flows/s\s+([\d.]+)")
_CPU = re.compile(r"^server CPU\s+[\d.]+ s, ([\d.]+) ms/flow")
_TOKEN = re.compile(r"^token request\s+p50 [\d.]+ ms, p99 ([\d.]+) ms")
_DISCOVERY = re.compile(r"^/\.well-known/openid-configuration\s+(\d+) req/s")
_JWKS = re.compile(r"^/jwks\s+(\d+) req/s")
_FIGURES = (
    ("rate", _RATE),
    ("cpu", _CPU),
    ("p99", _TOKEN),
    ("discovery", _DISCOVERY),
    ("jwks", _JWKS),
)

PEERS = ("node oidc-provider", "oidc-provider-mock")
OURS = "vneid-mock"
HEADLESS = "vneid-mock, headless logins"
"""Headless logins are set beside our own form-driven flows of the same round too."""


def parse(lines: list[str]) -> dict[str, dict[int, dict[str, float]]]:
    """``{provider: {round: {"rate": flows/s, "cpu": ms/flow, "p99": token p99 ms, "discovery": req/s,
    "jwks": req/s}}}``."""
    found: dict[str, dict[int, dict[str, float]]] = defaultdict(dict)
    current: dict[str, float] = {}
    for line in lines:
        if heading := _ROUND.match(line):
            current = found[heading[2]].setdefault(int(heading[1]), {})
        for name, pattern in _FIGURES:
            if value := pattern.match(line):
                current[name] = float(value[1])
    return found


def report(found: dict[str, dict[int, dict[str, float]]], by_cpu: bool = False) -> list[str]:
    rounds = sorted({r for per_round in found.values() for r in per_round})
    lines = ["| provider | " + " | ".join(f"round {r}" for r in rounds) + " | median |"]
    lines.append("|---" * (len(rounds) + 2) + "|")
    for provider, per_round in found.items():
        cells = [per_round.get(r, {}) for r in rounds]
        rates = [c["rate"] for c in cells if "rate" in c]
        row = [f"{c['rate']:.1f} ({c.get('cpu', 0):.2f} ms)" if "rate" in c else "—" for c in cells]
        lines.append(f"| {provider} | " + " | ".join(row) + f" | {statistics.median(rates):.1f} |")
    ours = [p for p in found if p not in PEERS]
    figure = "cpu" if by_cpu else "rate"
    for mine in ours:
        for peer in (p for p in PEERS if p in found):
            ratios = [
                _ratio(found[mine][r], found[peer][r], by_cpu)
                for r in rounds
                if figure in found[mine].get(r, {}) and figure in found[peer].get(r, {})
            ]
            shown = " | ".join(f"{ratio:.2f}" for ratio in ratios)
            median = statistics.median(ratios)
            lines.append(f"| {mine} ÷ {peer} | {shown} | **{median:.2f}** |")
    if HEADLESS in found and OURS in found:
        ratios = [
            _ratio(found[HEADLESS][r], found[OURS][r], by_cpu)
            for r in rounds
            if figure in found[HEADLESS].get(r, {}) and figure in found[OURS].get(r, {})
        ]
        shown = " | ".join(f"{ratio:.2f}" for ratio in ratios)
        lines.append(f"| {HEADLESS} ÷ {OURS} | {shown} | **{statistics.median(ratios):.2f}** |")
    lines += [
        "",
        "| provider | token p99, ms | discovery, req/s | JWKS, req/s |",
        "|---|---|---|---|",
    ]
    for provider, per_round in found.items():
        spans = [
            _span([c[name] for c in per_round.values() if name in c])
            for name in ("p99", "discovery", "jwks")
        ]
        lines.append(f"| {provider} | " + " | ".join(spans) + " |")
    return lines


def _ratio(mine: dict[str, float], peer: dict[str, float], by_cpu: bool) -> float:
    """Our rate over the peer's, or (``by_cpu``) the peer's CPU per flow over ours."""
    return peer["cpu"] / mine["cpu"] if by_cpu else mine["rate"] / peer["rate"]


def _span(values: list[float]) -> str:
    """The lowest and highest of ``values`` (— when there are none)."""
    if not values:
        return "—"
    digits = 1 if min(values) < 100 else 0
    return f"{min(values):,.{digits}f}–{max(values):,.{digits}f}"


def main() -> None:
    by_cpu = "--cpu" in sys.argv[1:]
    for line in report(parse(sys.stdin.read().splitlines()), by_cpu):
        print(line)


if __name__ == "__main__":
    main()
