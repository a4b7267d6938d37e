#!/usr/bin/env bash
# The device's bottom forward (MiniLM embeddings and layers 0-1, batch 32 x 64 tokens): the product's
# DJL encoder against ONNX Runtime on the same ONNX file cut after layer 1, alternated in one run
# (DJL, ONNX Runtime, DJL, ...), one process per run. Writes docs/bench/bottom-forward.md.
#   releng/bench/bottom-forward.sh [timed calls 20] [warm-up calls 5] [rounds 2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec /usr/bin/python3 "$root/releng/bench/bench.py" bottom "$@"
