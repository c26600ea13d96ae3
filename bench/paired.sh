#!/usr/bin/env bash
# The peers comparison with the host's drift taken out: ours and one peer served at the same time, both
# pinned to core 0, each driven by its own bench/oidc_flows.py on core 1 for the same seconds. Both see
# the same host at every moment, so the ratio of their CPU per flow (the peer's over ours: the ratio of
# the rates each would reach alone on the core) moves far less from round to round than the ratio of
# rates measured one after the other (bench/side_by_side.sh). Odd rounds pair ours with node
# oidc-provider, even rounds with oidc-provider-mock; every server is started afresh each round. The
# ratio is biased: sharing the core raised our CPU per flow by about a quarter in an earlier run and
# oidc-provider-mock's not at all (bench/RESULTS.md), so read it as a diagnostic beside side_by_side.sh,
# not instead of it. Needs bench/peers/setup.sh first. Prints every report, then bench/summarize.py
# --cpu's table.
#   bash bench/paired.sh [PAIRS] [FLOW_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS="${1:-4}"
SECONDS_PER_RUN="${2:-10}"
source bench/common.sh
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

drive() {  # $1 provider, $2 issuer, $3 pid, $4 output file
  taskset -c 1 "$PY" -m bench.oidc_flows flows --issuer "$2" --pid "$3" --provider "$1" \
    --flows 100000 --seconds "$SECONDS_PER_RUN" --client-core 1 > "$4"
}

pair() {  # $1 round, $2 peer's display name, $3 peer's flow steps, $4 peer's issuer, $5.. peer's command
  local round=$1 name=$2 steps=$3 issuer=$4; shift 4
  "$PY" -m bench.oidc_flows serve --port 8765 --server-core 0 --client-core 1 --population 100 \
    > "$WORK/ours.pid" & local launcher=$!
  taskset -c 0 "$@" >/dev/null 2>&1 & local peer=$!
  for _ in $(seq 300); do [ -s "$WORK/ours.pid" ] && break; sleep 0.1; done
  wait_for http://127.0.0.1:8765/jwks
  wait_for "$issuer/.well-known/openid-configuration"
  drive vneid http://127.0.0.1:8765 "$(head -1 "$WORK/ours.pid")" "$WORK/ours.out" & local a=$!
  drive "$steps" "$issuer" "$peer" "$WORK/peer.out" & local b=$!
  wait "$a" "$b"
  kill "$launcher" "$peer"; wait "$launcher" "$peer" 2>/dev/null || true
  echo "=== round $round: vneid-mock"; cat "$WORK/ours.out"
  echo "=== round $round: $name"; cat "$WORK/peer.out"
}

rounds() {
  for n in $(seq "$PAIRS"); do
    pair $((2 * n - 1)) "node oidc-provider" node-oidc-provider http://127.0.0.1:9401 \
      sh -c "cd /tmp/oidcp && exec $NODE server.mjs"
    pair $((2 * n)) oidc-provider-mock oidc-provider-mock http://127.0.0.1:9400 \
      /tmp/opm-venv/bin/oidc-provider-mock -p 9400
  done
}

rounds | tee "$WORK/log"
echo
"$PY" -m bench.summarize --cpu < "$WORK/log"
