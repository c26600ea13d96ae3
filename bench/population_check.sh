#!/usr/bin/env bash
# `vneid-mock population check` on large populations. For each seed: seed COUNT citizens into a fresh
# SQLite database in a temporary directory (bench/seed.py: wall time, CPU time, peak memory of the
# seeding processes), run the check on it (bench/process_memory.py: wall time, CPU time, peak memory,
# anonymous and file-backed), print the violations found, counted by rule, and delete the database.
# Seeds run one after the other, so each has the machine to itself. Exits 1 when any seed has a violation.
#   bash bench/population_check.sh [COUNT] [SEED ...]        (defaults: 1000000, seeds 1 3 7)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"
SEEDS=("${@:2}")
[ "${#SEEDS[@]}" -gt 0 ] || SEEDS=(1 3 7)
PY=.venv/bin/python
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
VIOLATION='^[0-9]{12}  '  # a violation line: "PIN  rule: detail"

summary=()
failed=0
for seed in "${SEEDS[@]}"; do
  database="sqlite:///$WORK/seed-$seed.sqlite3"
  echo "=== seed $seed, $COUNT citizens"
  "$PY" -m bench.seed --count "$COUNT" --seed "$seed" --database "$database" | tee "$WORK/seed.out"
  status=0
  # A wide console: Rich would otherwise wrap long violation lines at 80 columns.
  COLUMNS=1000 "$PY" -m bench.process_memory --report "$WORK/check.report" -- \
    .venv/bin/vneid-mock population check --database "$database" \
    > "$WORK/check.out" 2> "$WORK/check.err" || status=$?
  if [ "$status" -gt 1 ]; then  # 1 means violations; anything else, the check itself failed
    cat "$WORK/check.err" >&2
    exit "$status"
  fi
  read -r wall cpu rss anonymous file_backed < "$WORK/check.report"
  violations=$(grep -cE "$VIOLATION" "$WORK/check.out" || true)
  echo "check          $wall s wall, $cpu s CPU, peak memory $rss MiB" \
    "($anonymous MiB anonymous, $file_backed MiB file-backed)"
  echo "violations     $violations"
  grep -E "$VIOLATION" "$WORK/check.out" | awk '{print $2}' | sort | uniq -c || true
  grep -E "$VIOLATION" "$WORK/check.out" | head -5 || true
  [ "$violations" -eq 0 ] || failed=1
  seed_wall=$(awk '/^wall time/ {print $3}' "$WORK/seed.out")
  seed_cpu=$(awk '/^CPU time/ {print $3}' "$WORK/seed.out")
  seed_tree=$(awk '/^peak memory/ {print $7}' "$WORK/seed.out")
  summary+=("| $seed | $COUNT | $violations | $seed_wall s | $seed_cpu s | $seed_tree MiB | $wall s | $cpu s | $rss MiB ($anonymous MiB anonymous) |")
  rm -f "$WORK/seed-$seed.sqlite3" "$WORK/seed-$seed.sqlite3-wal" "$WORK/seed-$seed.sqlite3-shm"
done

echo
echo "| seed | citizens | violations | seeding, wall | seeding, CPU | seeding, peak memory (tree) | check, wall | check, CPU | check, peak memory |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
exit "$failed"
