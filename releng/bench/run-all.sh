#!/usr/bin/env bash
# Re-runs every benchmark of docs/benchmarks.md and rewrites its tables: installs and checks the
# peers (setup.sh), builds the product if its sources changed, then training against PyTorch eager
# with the roofline, the bottom forward against ONNX Runtime, scaling, the studio's latencies and the
# perturbation's cost (on the critical path, and end to end over the connector against `none`),
# each writing docs/bench/<what it measures>.md; last, the tables are copied
# into docs/benchmarks.md between their <!-- bench:NAME --> markers.
#   releng/bench/run-all.sh            figures to publish: on a quiet machine, about 40 minutes
#   releng/bench/run-all.sh --quick    a few steps each (a check of the scripts, figures under load)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/releng/bench"
if [ "${1:-}" = "--quick" ]; then
  train=(5 2 2); bottom=(20 5 2); scaling=(2 1); studio=(2 5); connector=1
else
  train=(20 3 3); bottom=(50 10 3); scaling=(5 2); studio=(3 7); connector=3
fi
"$bench/setup.sh"
"$root/privtune" version >/dev/null   # builds the product first when it is missing or stale
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bench/train-throughput.sh" "${train[@]}"
"$bench/bottom-forward.sh" "${bottom[@]}"
"$bench/scaling.sh" "${scaling[@]}"
"$bench/studio-latency.sh" "${studio[@]}"
# the perturbation's cost takes a quarter of an hour on a loaded machine: not in a quick run
[ "${1:-}" = "--quick" ] || /usr/bin/python3 "$bench/bench.py" mechanism
# end-to-end split training over the connector with the paper's mechanism against none
"$bench/connector-step.sh" "$connector" 1 "$root/docs/bench/connector-mechanism.md" default sentiment 'privtune:eps=16'
/usr/bin/python3 "$bench/bench.py" splice
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg); tables in docs/benchmarks.md, raw outputs in docs/bench/" >&2
