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
sleep 5  # the import has read its file and holds the write lock
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
if cat "$work"/writer-*.err "$work/import.err" | grep -qiE 'locked|sqlite'; then
  echo "a raw SQLite message reached a user:"; cat "$work"/writer-*.err; exit 1
fi
waited=$(cat "$work"/writer-*.err | grep -c "another planwatch is writing" || true)
landed=$(sqlite3 "$db" "SELECT count(*) FROM progress_update WHERE action_id = 1")
expected=$((writers * rounds))
[ "$landed" = "$expected" ] || { echo "only $landed of $expected updates landed"; exit 1; }
"$bin" verify --db "$db" > /dev/null || { echo "verify failed after the import"; exit 1; }
echo "writers beside an import of $actions actions: $landed of $expected updates landed in $((end - start)) s, $waited writers told they were waiting, verify ok"
