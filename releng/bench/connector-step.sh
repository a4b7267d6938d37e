#!/usr/bin/env bash
# Time per split-training step with the top model in this process against the same training with
# the top on a gRPC endpoint over the loopback interface (./privtune cloud), side by side in one
# run: each round runs both, and the order flips every round (in-process first, then cloud first)
# so that a drift in the machine's load falls on both. Prints the settings and the load, one row
# per training and the ratio of the medians; bytes per step are the device's bytes sent over its
# requests (training steps and evaluation batches are the same kind of message).
#   releng/bench/connector-step.sh [rounds=3] [epochs=1] [out.md] [threads=default|1] [data=sentiment] [mechanism=none]
# threads=1 gives each engine one thread (device and endpoint then do not fight over 2 cores);
# data is any data set ./privtune train takes (a built-in name or a file), for shorter runs.
# With a mechanism other than none the two sides are instead both over gRPC: the device sends
# clean representations (`none`) or perturbs them with that mechanism (a spec or @preset), so the
# ratio is what the mechanism costs end to end, perturbation and its draw-ahead included.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}" epochs="${2:-1}"
out="${3:-$root/target/bench/connector-step.md}"
threads="${4:-default}" data="${5:-sentiment}" mechanism="${6:-none}"
if [ "$mechanism" = none ]; then sides=(in-process cloud); else sides=(cloud cloud+mechanism); fi
mkdir -p "$(dirname "$out")"
rm -f "$out.rows"
work=$(mktemp -d)
cloud_pid=""
cleanup() {
  [ -n "$cloud_pid" ] && kill "$cloud_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$threads" = 1 ]; then
  export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
  export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:-} -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
fi
"$root/privtune" --help > /dev/null # builds the product first if it is missing or stale
port=$((20000 + RANDOM % 20000))
rows=()
in_ms=()
cloud_ms=()

# one training; appends its row and its ms per step
run() {
  local round=$1 side=$2
  echo "bench: round $round: top $side" >&2
  local dir="$work/$side-$round"
  local args=(train --data "$data" --epochs "$epochs" --out "$dir")
  [ "$side" = cloud+mechanism ] && args+=(--mechanism "$mechanism")
  if [ "$side" != in-process ]; then
    "$root/privtune" cloud --port "$port" --max-sessions=1 > "$work/cloud.out" 2> "$work/cloud.err" &
    cloud_pid=$!
    for _ in $(seq 1 240); do grep -q listening "$work/cloud.out" 2>/dev/null && break; sleep 0.5; done
    grep -q listening "$work/cloud.out" || { echo "bench: the endpoint did not start:" >&2; cat "$work/cloud.err" >&2; exit 1; }
    args+=(--cloud "localhost:$port")
  fi
  local load0 t0 t1
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s.%N)
  "$root/privtune" "${args[@]}" > "$work/train.out" 2> "$work/train.err" || {
    echo "bench: training failed:" >&2; cat "$work/train.err" "$work/train.out" >&2; exit 1; }
  t1=$(date +%s.%N)
  if [ "$side" != in-process ]; then wait "$cloud_pid" || true; cloud_pid=""; fi
  local n eps acc requests mb
  n=$(sed -n 's/^data .*: \([0-9]*\) train \/.*/\1/p' "$work/train.out" | head -1)
  eps=$(sed -n 's/.* \([0-9.]*\) examples\/s.*/\1/p' "$work/train.out")
  acc=$(sed -n 's/.*test accuracy \([0-9.]*\).*/\1/p' "$work/train.out")
  requests=$(sed -n 's/.*; \([0-9]*\) requests, [0-9.]* MB sent.*/\1/p' "$work/train.out")
  mb=$(sed -n 's/.*requests, \([0-9.]*\) MB sent.*/\1/p' "$work/train.out")
  local steps ms bytes
  steps=$(( (n + 31) / 32 * epochs ))
  ms=$(awk -v n="$n" -v e="$epochs" -v eps="$eps" -v s="$steps" 'BEGIN{printf "%.1f", 1000 * n * e / eps / s}')
  bytes="-"
  [ -n "$requests" ] && bytes=$(awk -v mb="$mb" -v r="$requests" 'BEGIN{printf "%.2f MB", mb / r}')
  rows+=("| $round | $side | $steps | $ms | $eps | $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') | $acc | ${requests:--} | ${mb:--} | $bytes | $load0 / $(cut -d' ' -f1 /proc/loadavg) |")
  echo "${rows[-1]}" >> "$out.rows" # each row as soon as it is measured
  if [ "$side" = "${sides[1]}" ]; then cloud_ms+=("$ms"); else in_ms+=("$ms"); fi
}

for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run "$round" "${sides[0]}"; run "$round" "${sides[1]}"
  else run "$round" "${sides[1]}"; run "$round" "${sides[0]}"; fi
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mi=$(median "${in_ms[@]}")
mc=$(median "${cloud_ms[@]}")
{
  if [ "$mechanism" = none ]; then
    echo "Settings: \`./privtune train --data $data --epochs $epochs\` (batch 32, at most 64 tokens, split 2, no mechanism),"
    echo "the top in process or on \`./privtune cloud --max-sessions=1\` over loopback (plain gRPC), both on this machine;"
  else
    echo "Settings: \`./privtune train --data $data --epochs $epochs\` (batch 32, at most 64 tokens, split 2) with no mechanism"
    echo "or with \`--mechanism '$mechanism'\`, the top on \`./privtune cloud --max-sessions=1\` over loopback (plain gRPC) both times;"
  fi
  echo "engine threads: $threads; $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d)."
  echo
  echo "| round | top model | steps | ms per step | examples/s | wall s (whole command) | test accuracy | requests | MB sent | bytes per request | load avg (start / end) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Median ms per step: ${sides[0]} $mi, ${sides[1]} $mc; ratio $(awk -v a="$mc" -v b="$mi" 'BEGIN{printf "%.3f", a/b}')x;"
  echo "throughput of ${sides[1]} / ${sides[0]}: $(awk -v a="$mc" -v b="$mi" 'BEGIN{printf "%.3f", b/a}')x."
} | tee "$out"
rm -f "$out.rows"
