#!/usr/bin/env bash
# Starts the endpoint's image (build-image.sh) with podman and trains a device of this checkout
# against it: ./privtune train --cloud localhost:PORT. The container's port is published on the
# loopback interface only; its checkpoints go to a podman volume. Prints the endpoint's log, the
# device's output and the container's memory at the end; removes the container (not the volume).
#   releng/container/train-against-container.sh [tag=privtune-cloud:latest] [port=18480] [train options...]
# Default training: --data sentiment --epochs 1. Needs podman; runc as the runtime, and no default
# ulimits (some sandboxes refuse to raise them), are set here for machines like the build host.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-privtune-cloud:latest}"
port="${2:-18480}"
shift $(( $# < 2 ? $# : 2 ))
train=("$@")
[ ${#train[@]} -gt 0 ] || train=(--data sentiment --epochs 1)
command -v podman > /dev/null || { echo "train-against-container: podman is missing (apt-get install podman)" >&2; exit 1; }
work=$(mktemp -d)
name="privtune-cloud-$$"
conf="$work/containers.conf"
printf '[containers]\ndefault_ulimits = []\n' > "$conf"
export CONTAINERS_CONF="$conf"
cleanup() {
  podman rm -f --time 30 "$name" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

podman volume create privtune-sessions > /dev/null 2>&1 || true
echo "container: starting $tag on 127.0.0.1:$port" >&2
podman --runtime runc run -d --name "$name" -p "127.0.0.1:$port:8470" \
  -v privtune-sessions:/var/lib/privtune/sessions \
  "$tag" cloud --bind 0.0.0.0 --plain-on-network --port 8470 \
  --checkpoints /var/lib/privtune/sessions --max-sessions=1 > /dev/null
for _ in $(seq 1 240); do
  podman logs "$name" 2>/dev/null | grep -q "listening on" && break
  [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] || break
  sleep 0.5
done
podman logs "$name" 2>&1 | grep -q "listening on" || {
  echo "container: the endpoint did not start:" >&2; podman logs "$name" >&2; exit 1; }
podman logs "$name" 2>&1 | grep -v '^WARNING' >&2

echo "container: ./privtune train ${train[*]} --cloud localhost:$port" >&2
set +e
"$root/privtune" train "${train[@]}" --cloud "localhost:$port" --out "$work/model"
rc=$?
set -e
echo "container: the device exited $rc; exported: $(ls "$work/model" 2>/dev/null | tr '\n' ' ')" >&2
podman stats --no-stream --format '{{.Name}} {{.MemUsage}}' "$name" 2>/dev/null >&2 || true
podman wait "$name" > /dev/null 2>&1 || true
echo "container: the endpoint's log:" >&2
podman logs "$name" 2>&1 | grep -v '^WARNING' >&2
exit $rc
