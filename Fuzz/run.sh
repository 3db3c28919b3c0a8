#!/usr/bin/env bash
# Builds the libFuzzer harness and runs each target for a fixed time.
#
#   Fuzz/run.sh [SECONDS_PER_TARGET=60]
#
# First every kept regression input (Fuzz/Regressions/TARGET) is replayed; then
# each target fuzzes from its seed corpus (Fuzz/Corpus/TARGET). A crash is
# written to Fuzz/Regressions/TARGET — fix it and keep the file — and the script
# fails. The last lines give executions and executions per second.
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")"
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
swift build "${flags[@]}" 2>&1 | tail -1
bin="$(swift build "${flags[@]}" --show-bin-path)/planwatch-fuzz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in dates planfile sheet csv readings; do
  regressions=(Regressions/$target/*)
  if [ -e "${regressions[0]}" ]; then
    FUZZ_TARGET=$target "$bin" "${regressions[@]}" > "$work/$target-replay.txt" 2>&1 \
      || { echo "$target: a kept regression input crashes again:"; tail -20 "$work/$target-replay.txt"; status=1; continue; }
  fi
  mkdir -p "$work/$target" "Regressions/$target"
  if FUZZ_TARGET=$target "$bin" "$work/$target" "Corpus/$target" -max_total_time="$seconds" -print_final_stats=1 \
       -artifact_prefix="Regressions/$target/" -rss_limit_mb=4096 > "$work/$target.txt" 2>&1; then
    runs=$(grep -E "stat::number_of_executed_units" "$work/$target.txt" | awk '{print $2}')
    rate=$(grep -E "stat::average_exec_per_sec" "$work/$target.txt" | awk '{print $2}')
    echo "$target: $runs executions in ${seconds}s ($rate per second), no crash"
  else
    echo "$target: crash found, input kept in Fuzz/Regressions/$target:"; grep -E "ERROR|Fatal|precondition|SUMMARY" "$work/$target.txt" | head -5
    status=1
  fi
done
exit $status
