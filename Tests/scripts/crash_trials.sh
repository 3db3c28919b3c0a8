#!/usr/bin/env bash
# Kills a large import with SIGKILL at random moments and checks, after each,
# that `planwatch verify` passes and the database holds either everything from
# before the import or everything after it — never part.
#
#   Tests/scripts/crash_trials.sh PLANWATCH_BINARY [TRIALS=20] [ACTIONS=100000] [SEED=5]
set -euo pipefail
bin=${1:?usage: crash_trials.sh PLANWATCH_BINARY [TRIALS] [ACTIONS] [SEED]}
trials=${2:-20}
actions=${3:-100000}
seed=${4:-5}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() { sqlite3 "$1" "SELECT (SELECT count(*) FROM action) || ' ' || (SELECT count(*) FROM audit_entry)"; }

python3 "$here/Benchmarks/generate.py" --actions "$actions" --updates-per-action 1 --seed "$seed" > "$work/plan.json"
"$bin" init --db "$work/base.sqlite" --actor crash-test > /dev/null
before=$(count "$work/base.sqlite")

# A reference import: how long it takes, and what the database holds after it.
cp "$work/base.sqlite" "$work/full.sqlite"
start=$(date +%s.%N)
"$bin" import "$work/plan.json" --db "$work/full.sqlite" --actor crash-test > /dev/null
duration=$(python3 -c "import sys; print(max(0.5, float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
after=$(count "$work/full.sqlite")
echo "import of $actions actions takes ${duration}s; before: $before (actions, audit entries); after: $after"

# Kill moments spread over the import (and a little past its end), from a fixed seed.
moments=$(python3 -c "
import random, sys
r = random.Random(int(sys.argv[3]))
print(' '.join(f'{r.uniform(0.05, float(sys.argv[1]) * 1.05):.3f}' for _ in range(int(sys.argv[2]))))" "$duration" "$trials" "$seed")

interrupted=0; completed=0; trial=0
for moment in $moments; do
  trial=$((trial + 1))
  rm -f "$work/trial.sqlite" "$work/trial.sqlite-wal" "$work/trial.sqlite-shm"
  cp "$work/base.sqlite" "$work/trial.sqlite"
  "$bin" import "$work/plan.json" --db "$work/trial.sqlite" --actor crash-test > /dev/null 2>&1 &
  pid=$!
  sleep "$moment"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ! "$bin" verify --db "$work/trial.sqlite" > "$work/verify.txt"; then
    echo "trial $trial (killed at ${moment}s): verify failed:"; cat "$work/verify.txt"; exit 1
  fi
  state=$(count "$work/trial.sqlite")
  if [ "$state" = "$before" ]; then
    interrupted=$((interrupted + 1)); outcome="as before"
  elif [ "$state" = "$after" ]; then
    completed=$((completed + 1)); outcome="complete"
  else
    echo "trial $trial (killed at ${moment}s): partial import: $state (before $before, after $after)"; exit 1
  fi
  echo "trial $trial: killed at ${moment}s, verify ok, database $outcome"
done
echo "crash trials: $trial survived ($interrupted killed mid-import with the database as before, $completed after the import committed)"
