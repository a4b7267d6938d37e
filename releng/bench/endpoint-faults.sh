#!/usr/bin/env bash
# Fault runs of the gRPC endpoint with real processes on the loopback interface (the unit tests do
# the same in one JVM):
#   sigterm N   N times: ./privtune cloud, the Python client stepping against it, SIGTERM during the
#               steps; counts exits that were not clean (a JVM crash leaves hs_err_pid*.log or a
#               "fatal error" line)
#   sigstop     ./privtune train against ./privtune cloud, SIGSTOP of the endpoint during training:
#               seconds until the device reports it
#   kill9       ./privtune train against ./privtune cloud --checkpoints, kill -9 of the endpoint
#               during training, a new endpoint on the same port and folder: the device resumes and
#               exports
# Usage: releng/bench/endpoint-faults.sh sigterm 20 | sigstop | kill9   (PORT=18471 by default; the last
# run's files are left in /tmp/privtune-faults-last)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$(mktemp -d /tmp/privtune-faults.XXXXXX)
port=${PORT:-18471}
what=${1:-sigterm}
trap 'kill $(jobs -p) 2>/dev/null; rm -rf /tmp/privtune-faults-last; mv "$work" /tmp/privtune-faults-last' EXIT

"$root/privtune" --help >/dev/null   # builds the product only when it is older than the sources

start_cloud() { # extra arguments for ./privtune cloud; sets $cloud
  rm -f "$work/cloud.out" "$work/cloud.err"
  (cd "$work" && exec "$root/privtune" cloud --port "$port" "$@" > "$work/cloud.out" 2> "$work/cloud.err") &
  cloud=$!
  for _ in $(seq 1 240); do grep -q listening "$work/cloud.out" 2>/dev/null && return 0; sleep 0.25; done
  echo "the endpoint did not start:"; cat "$work/cloud.err"; exit 1
}

# the JVM's pid under the launcher script
jvm_of() { pgrep -P "$1" java || echo "$1"; }

case "$what" in
  sigterm)
    n=${2:-20}; bad=0
    for i in $(seq 1 "$n"); do
      start_cloud
      /usr/bin/python3 "$root/releng/interop/split_client.py" --endpoint "localhost:$port" --steps 400 \
        --batch 32 --tokens 64 > "$work/client.out" 2>&1 &
      client=$!
      for _ in $(seq 1 400); do grep -q "^step 3:" "$work/client.out" 2>/dev/null && break; sleep 0.05; done
      sleep "0.$((RANDOM % 9 + 1))"
      kill -TERM "$(jvm_of "$cloud")"
      wait "$cloud"; rc=$?
      wait "$client" 2>/dev/null
      crashed=$(ls "$work"/hs_err_pid*.log 2>/dev/null | wc -l)
      if [ "$crashed" -gt 0 ] || grep -qi "fatal error\|SIGSEGV" "$work/cloud.err"; then
        bad=$((bad + 1)); echo "run $i: crashed (exit $rc)"; rm -f "$work"/hs_err_pid*.log
      else
        echo "run $i: exit $rc, steps before SIGTERM $(grep -c '^step' "$work/client.out"), $(grep -c 'closed after' "$work/cloud.err") session(s) freed"
      fi
    done
    echo "sigterm: $n runs, $bad crashed"
    [ "$bad" -eq 0 ]
    ;;
  sigstop)
    start_cloud
    "$root/privtune" train --data sentiment --epochs 1 --cloud "localhost:$port" --out "$work/out" \
      > "$work/train.out" 2> "$work/train.err" &
    train=$!
    for _ in $(seq 1 2400); do grep -q "opened by" "$work/cloud.err" 2>/dev/null && break; sleep 0.25; done
    sleep 5
    kill -STOP "$(jvm_of "$cloud")"; t0=$(date +%s.%N)
    wait "$train"; rc=$?; t1=$(date +%s.%N)
    kill -CONT "$(jvm_of "$cloud")"; kill -TERM "$(jvm_of "$cloud")"; wait "$cloud"
    echo "sigstop: the device exited $rc after $(echo "$t1 - $t0" | bc) s: $(grep -o 'cloud endpoint:.*' "$work/train.err" | head -1)"
    ;;
  kill9)
    start_cloud --checkpoints "$work/ckpt" --checkpoint-every 5
    "$root/privtune" train --data sentiment --epochs 1 --cloud "localhost:$port" --out "$work/out" \
      > "$work/train.out" 2> "$work/train.err" &
    train=$!
    for _ in $(seq 1 2400); do [ -n "$(ls "$work/ckpt" 2>/dev/null)" ] && break; sleep 0.25; done
    sleep 3
    kill -9 "$(jvm_of "$cloud")"; wait "$cloud" 2>/dev/null
    echo "kill9: endpoint killed with $(ls "$work/ckpt" | wc -l) checkpoint(s) on disk; starting another"
    start_cloud --checkpoints "$work/ckpt" --checkpoint-every 5
    wait "$train"; rc=$?
    kill -TERM "$(jvm_of "$cloud")"; wait "$cloud"
    echo "kill9: the device exited $rc"; grep -E "resumed|test accuracy|exported" "$work/train.out"
    grep "resumed at" "$work/cloud.err"
    [ "$rc" -eq 0 ]
    ;;
  *) echo "usage: $0 sigterm [N] | sigstop | kill9"; exit 2 ;;
esac
