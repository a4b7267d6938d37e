#!/usr/bin/env bash
# Training throughput of split fine-tuning (batch 32 x 64 tokens, split 2): PrivTune's DJL/PyTorch
# path against the same computation in PyTorch eager (Debian's python3-torch), alternated in one run
# (DJL, eager, DJL, eager) so that both see the same machine load. Writes a Markdown table.
#   releng/bench/train-throughput.sh [steps] [out.md] [warm-up steps]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
steps="${1:-20}"
out="${2:-$root/target/bench/train-throughput.md}"
warmup="${3:-3}"
mkdir -p "$(dirname "$out")"
py=/usr/bin/python3
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "bench: PyTorch eager is missing: apt-get install python3-torch" >&2
  exit 1
fi
threads=$(nproc)
declare -A djl eager
for round in 1 2; do
  echo "bench: round $round: DJL" >&2
  djl[$round]=$("$root/privtune" bench train "$steps" "$warmup" 32 64 2 2>/dev/null)
  echo "bench: round $round: PyTorch eager" >&2
  eager[$round]=$(BENCH_THREADS=$threads "$py" "$root/releng/bench/torch_eager_train.py" "$steps" "$warmup" 32 64 2)
done
val() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }
{
  echo "| round | engine | examples/s (wall) | ms/step | CPU s/step | examples per CPU-second | peak RSS MB | load avg |"
  echo "|---|---|---|---|---|---|---|---|"
  for round in 1 2; do
    for side in djl eager; do
      if [ $side = djl ]; then r="${djl[$round]}"; else r="${eager[$round]}"; fi
      echo "| $round | $(val "$r" engine) | $(val "$r" examples_per_second) | $(val "$r" ms_per_step) | $(val "$r" cpu_seconds_per_step) | $(val "$r" examples_per_cpu_second) | $(val "$r" peak_rss_mb) | $(val "$r" load_average) |"
    done
  done
  for round in 1 2; do
    awk -v a="$(val "${djl[$round]}" examples_per_second)" -v b="$(val "${eager[$round]}" examples_per_second)" \
        -v c="$(val "${djl[$round]}" examples_per_cpu_second)" -v d="$(val "${eager[$round]}" examples_per_cpu_second)" -v r=$round \
        'BEGIN { printf "\nRound %d ratio DJL / eager: %.2f (wall), %.2f (per CPU-second)\n", r, a / b, c / d }'
  done
} | tee "$out"
