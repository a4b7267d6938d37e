#!/usr/bin/env bash
# Studio latencies under a virtual display: ./privtune to the first window (cold after a build, warm),
# the Noise Tuner's first point after start and its point after an eps change, the Dataset
# Inspector on IMDB's 50,000 reviews (loaded, scrolled). Writes docs/bench/studio-latency.md.
#   releng/bench/studio-latency.sh [rounds 2] [eps changes per round 5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/releng/bench/setup.sh" --check
exec /usr/bin/python3 "$root/releng/bench/bench.py" studio "$@"
