#!/usr/bin/env bash
# Installs what the benchmarks need from Debian's packages (when missing) and checks the PyTorch-eager
# peer: it must run on an optimised BLAS. Debian's python3-torch calls the system's libblas.so.3, the
# reference implementation unless an optimised one is installed; libopenblas0-pthread makes the
# alternatives system point libblas.so.3 at OpenBLAS. Fails (exit 3) when the peer would still run
# on the reference BLAS.
#   releng/bench/setup.sh           install if missing, then check
#   releng/bench/setup.sh --check   check only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# python3-torch: the eager peer; libopenblas0-pthread: its BLAS; python3-matplotlib: the scaling
# plot; xvfb and xdotool: a display for the studio and a way to see its first window
packages=(python3-torch libopenblas0-pthread python3-matplotlib xvfb xdotool)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${1:-}" = "--check" ]; then
    echo "bench: missing Debian packages: ${missing[*]} (releng/bench/setup.sh installs them)" >&2
    exit 1
  fi
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "bench: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the peer as its users run it: no OpenBLAS overrides (see bench.py peer_env); exit 3 on the reference BLAS
out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE BENCH_THREADS="$(nproc)" \
  /usr/bin/python3 "$root/releng/bench/torch_peer_check.py" 2048 5) || {
  rc=$?
  printf '%s\n' "$out" >&2
  exit $rc
}
printf '%s\n' "$out" | sed -n 's/^\(engine\|threads\|blas_library\|blas_detail\|gemm_gflops\|load_average\)=/bench: eager peer: \1 /p' >&2
