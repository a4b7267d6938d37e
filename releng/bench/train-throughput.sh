#!/usr/bin/env bash
# Split fine-tuning (MiniLM, batch 32 x 64 tokens, split 2): the product's DJL/PyTorch path against
# the same computation in PyTorch eager (Debian's python3-torch on an optimised BLAS), alternated in
# one run (DJL, eager, DJL, eager), each engine's 2048 x 2048 product rate measured beside it.
# Writes docs/bench/train-throughput.md and its table; releng/bench/setup.sh installs the peer.
#   releng/bench/train-throughput.sh [timed steps 5] [warm-up steps 2] [rounds 2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/releng/bench/setup.sh" --check
exec /usr/bin/python3 "$root/releng/bench/bench.py" train "$@"
