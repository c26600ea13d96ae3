"""bench/summarize.py: ratios within each round, from rates or (``--cpu``) from CPU per flow."""

from bench.summarize import parse
from bench.summarize import report

_LOG = """\
=== round 1: vneid-mock
flows/s         50.0
server CPU      3.0 s, 6.00 ms/flow, 30 % of a core
=== round 1: oidc-provider-mock
flows/s         150.0
server CPU      7.2 s, 4.80 ms/flow, 72 % of a core
=== round 2: vneid-mock
flows/s         200.0
server CPU      9.8 s, 5.00 ms/flow, 98 % of a core
=== round 2: oidc-provider-mock
flows/s         160.0
server CPU      9.8 s, 6.00 ms/flow, 98 % of a core
"""


def _ratio_row(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("| vneid-mock ÷ oidc-provider-mock"))


def test_rate_ratios_are_ours_over_the_peers_in_each_round() -> None:
    row = _ratio_row(report(parse(_LOG.splitlines())))
    assert row == "| vneid-mock ÷ oidc-provider-mock | 0.33 | 1.25 | **0.79** |"


def test_cpu_ratios_are_the_peers_cpu_per_flow_over_ours() -> None:
    row = _ratio_row(report(parse(_LOG.splitlines()), by_cpu=True))
    assert row == "| vneid-mock ÷ oidc-provider-mock | 0.80 | 1.20 | **1.00** |"


def test_headless_logins_are_set_beside_our_flows_of_the_same_round() -> None:
    log = _LOG + (
        "=== round 1: vneid-mock, headless logins\nflows/s         100.0\n"
        "=== round 2: vneid-mock, headless logins\nflows/s         300.0\n"
    )
    lines = report(parse(log.splitlines()))
    row = next(
        line for line in lines if line.startswith("| vneid-mock, headless logins ÷ vneid-mock")
    )
    assert row == "| vneid-mock, headless logins ÷ vneid-mock | 2.00 | 1.50 | **1.75** |"
