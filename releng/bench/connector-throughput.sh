#!/usr/bin/env bash
# Split fine-tuning with the top model in process against the same run with the top on a cloud
# endpoint on this machine (./privtune cloud on the loopback interface), alternated in one run
# (in-process, remote, in-process, remote) so that both see the same machine load. Also checks
# that each pair exported byte-identical model folders. Writes a Markdown table.
#   releng/bench/connector-throughput.sh [rounds=2] [epochs=1] [out.md] [mechanism=none]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-2}"
epochs="${2:-1}"
out="${3:-$root/target/bench/connector-throughput.md}"
mechanism="${4:-none}"
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mech=()
[ "$mechanism" = none ] || mech=(--mechanism "$mechanism")
port=$((20000 + RANDOM % 20000))
rows=()
for round in $(seq 1 "$rounds"); do
  for side in in-process cloud; do
    echo "bench: round $round: top $side" >&2
    dir="$work/$side-$round"
    args=(train --data sentiment --epochs "$epochs" "${mech[@]}" --out "$dir")
    if [ $side = cloud ]; then
      "$root/privtune" cloud --port "$port" --max-sessions=1 > "$work/cloud.out" 2> "$work/cloud.err" &
      cloud_pid=$!
      for _ in $(seq 1 120); do grep -q listening "$work/cloud.out" 2>/dev/null && break; sleep 0.5; done
      args+=(--cloud "localhost:$port")
    fi
    t0=$(date +%s.%N)
    "$root/privtune" "${args[@]}" > "$work/train.out" 2> "$work/train.err"
    t1=$(date +%s.%N)
    [ $side = cloud ] && wait "$cloud_pid"
    acc=$(sed -n 's/.*test accuracy \([0-9.]*\).*/\1/p' "$work/train.out")
    eps=$(sed -n 's/.* \([0-9.]*\) examples\/s.*/\1/p' "$work/train.out")
    mb=$(sed -n 's/.*requests, \([0-9.]*\) MB sent.*/\1/p' "$work/train.out")
    same=""
    if [ $side = cloud ]; then
      same=yes
      for f in "$work/in-process-$round"/*; do cmp -s "$f" "$dir/$(basename "$f")" || same=no; done
    fi
    rows+=("| $round | $side | $eps | $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') | $acc | ${mb:--} | ${same:--} | $(cut -d' ' -f1 /proc/loadavg) |")
  done
done
{
  echo "Mechanism on the device: $mechanism; $epochs epoch(s) of sentiment (2,100 sentences), batch 32, split 2."
  echo
  echo "| round | top model | examples/s (training) | wall s (whole command) | test accuracy | MB sent | export identical to in-process | load avg |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out"
