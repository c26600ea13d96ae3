#!/usr/bin/env bash
# The peers comparison in one run: ours, node oidc-provider and oidc-provider-mock, each started alone on
# core 0 in turn, driven from core 1 by bench/oidc_flows.py (complete flows at concurrency 16, then the
# static documents), ROUNDS times in interleaved order. Ours runs twice a round: as configured by default
# (ES256 access tokens) and with the portal client registering RS256 access tokens (flows only), and a
# third time with the sandbox API on, its flows finished by headless login (3 requests). Needs
# bench/peers/setup.sh first. Prints every report, then bench/summarize.py's table of rates and ratios.
#   bash bench/side_by_side.sh [ROUNDS] [FLOW_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-2}"
SECONDS_PER_RUN="${2:-15}"
source bench/common.sh

measure() {  # $1 provider name, $2 issuer, $3 pid
  taskset -c 1 "$PY" -m bench.oidc_flows flows --issuer "$2" --pid "$3" --provider "$1" \
    --flows 100000 --seconds "$SECONDS_PER_RUN" --client-core 1
  taskset -c 1 "$PY" -m bench.oidc_flows static --issuer "$2" --pid "$3" \
    --requests 100000 --seconds 5 --client-core 1
}

rounds() {
for round in $(seq "$ROUNDS"); do
  echo "=== round $round: vneid-mock"
  taskset -c 1 "$PY" -m bench.oidc_flows flows --flows 100000 --seconds "$SECONDS_PER_RUN" \
    --server-core 0 --client-core 1 --population 100
  taskset -c 1 "$PY" -m bench.oidc_flows static --requests 100000 --seconds 5 \
    --server-core 0 --client-core 1 --population 10

  echo "=== round $round: vneid-mock, RS256 access tokens"
  taskset -c 1 "$PY" -m bench.oidc_flows flows --flows 100000 --seconds "$SECONDS_PER_RUN" \
    --server-core 0 --client-core 1 --population 100 --access-token-alg RS256

  echo "=== round $round: vneid-mock, headless logins"
  taskset -c 1 "$PY" -m bench.oidc_flows flows --provider vneid-headless --flows 100000 \
    --seconds "$SECONDS_PER_RUN" --server-core 0 --client-core 1 --population 100

  echo "=== round $round: node oidc-provider"
  (cd /tmp/oidcp && exec taskset -c 0 "$NODE" server.mjs >/dev/null 2>&1) & NODE_PID=$!
  wait_for http://127.0.0.1:9401/.well-known/openid-configuration
  measure node-oidc-provider http://127.0.0.1:9401 "$NODE_PID"
  kill "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true

  echo "=== round $round: oidc-provider-mock"
  taskset -c 0 /tmp/opm-venv/bin/oidc-provider-mock -p 9400 >/dev/null 2>&1 & MOCK_PID=$!
  wait_for http://127.0.0.1:9400/.well-known/openid-configuration
  measure oidc-provider-mock http://127.0.0.1:9400 "$MOCK_PID"
  kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true
done
}

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
rounds | tee "$LOG"
echo
"$PY" -m bench.summarize < "$LOG"
