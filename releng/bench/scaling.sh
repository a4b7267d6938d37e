#!/usr/bin/env bash
# Split training step time and memory against batch size (8-64), sequence length (32-256) and split
# layer (1-5), each beside the growth the step's FLOPs predict (releng/bench/flops.py). Writes
# docs/bench/scaling.md and docs/bench/scaling.png.
#   releng/bench/scaling.sh [timed steps 2] [warm-up steps 1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/releng/bench/setup.sh" --check
exec /usr/bin/python3 "$root/releng/bench/bench.py" scaling "$@"
