#!/usr/bin/env bash
# Runs a large plan-file import and, while it holds the write lock, WRITERS
# processes each recording ROUNDS progress updates. Every update must land,
# none may show SQLite's "database is locked", and verify must pass after.
#
#   Tests/scripts/writers_beside_import.sh PLANWATCH_BINARY [ACTIONS=1000000] [WRITERS=8] [ROUNDS=3]
set -euo pipefail
bin=${1:?usage: writers_beside_import.sh PLANWATCH_BINARY [ACTIONS] [WRITERS] [ROUNDS]}
actions=${2:-1000000}
writers=${3:-8}
rounds=${4:-3}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/plan.sqlite"

python3 "$here/Benchmarks/generate.py" --actions "$actions" --seed 7 > "$work/plan.json"
"$bin" init --db "$db" --actor writers > /dev/null
"$bin" partnership add dundee --name "Dundee City" --db "$db" --actor writers > /dev/null
"$bin" inspection add dundee-2021 --partnership dundee --title "Children at risk of harm" --published 2022-02-01 --db "$db" --actor writers > /dev/null
"$bin" action add --inspection dundee-2021 --title "Commission counselling" --owner "Head of Service" --agency "Dundee City Council" --due 2023-03-31 --db "$db" --actor writers > /dev/null

start=$(date +%s)
"$bin" import "$work/plan.json" --db "$db" --actor importer > "$work/import.out" 2> "$work/import.err" &
importer=$!
# Wait until the import holds the write lock (it reads the whole file first).
locked=0
for _ in $(seq 1 1200); do
  if ! kill -0 "$importer" 2>/dev/null; then break; fi
  if ! sqlite3 -cmd ".timeout 0" "$db" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1; then locked=1; break; fi
  sleep 0.5
done
[ "$locked" = 1 ] || { echo "the import never held the write lock while the writers could run"; exit 1; }
for w in $(seq 1 "$writers"); do
  (
    for r in $(seq 1 "$rounds"); do
      "$bin" update 1 --note "writer $w round $r" --date 2023-01-10 --db "$db" --actor "writer-$w" > /dev/null 2>> "$work/writer-$w.err" \
        || echo "writer $w round $r failed" >> "$work/failures"
    done
  ) &
done
wait
end=$(date +%s)
if [ -s "$work/failures" ]; then cat "$work/failures" "$work"/writer-*.err; exit 1; fi
if cat "$work"/writer-*.err "$work/import.err" | grep -qE 'database is locked|SQLite error|SQLITE_'; then
  echo "a raw SQLite message reached a user:"; cat "$work"/writer-*.err; exit 1
fi
waited=$(cat "$work"/writer-*.err | grep -c "another planwatch is writing" || true)
[ "$waited" -gt 0 ] || { echo "no writer had to wait: the writers did not overlap the import"; exit 1; }
landed=$(sqlite3 "$db" "SELECT count(*) FROM progress_update WHERE action_id = 1")
expected=$((writers * rounds))
[ "$landed" = "$expected" ] || { echo "only $landed of $expected updates landed"; exit 1; }
"$bin" verify --db "$db" > /dev/null || { echo "verify failed after the import"; exit 1; }
echo "writers beside an import of $actions actions: $landed of $expected updates landed in $((end - start)) s, $waited writers told they were waiting, verify ok"
