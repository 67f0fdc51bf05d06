#!/usr/bin/env bash
# ./scripts/demo --vm: a real Linux guest renders through pv3d.
#
# Builds pv3d, starts `pv3d vhost-user` on a private socket, boots a
# throwaway guest under QEMU (scripts/vm/guest-run.sh: Debian's kernel, this
# machine's root read-only, TCG) with vhost-user-gpu-pci on that socket, runs
# kmscube in it (modesetting: the guest's Mesa virgl driver renders through
# pv3d, and every frame goes to QEMU's display as a scanout update), prints
# the guest's GL renderer and kmscube's FPS, and saves the last frame the
# guest showed as results/demo/vm-scanout.png. Stops exactly the processes
# it started (by pid). Needs root (QEMU reads all of / for the 9p export).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

pv3d_vm_install
cargo build --locked -p pv3d --bin pv3d
pv3d="${CARGO_TARGET_DIR:-$PWD/target}/debug/pv3d"
out="$PWD/results/demo"
mkdir -p "$out"
work="$(mktemp -d /tmp/pv3d-demo-vm.XXXXXX)"
export XDG_RUNTIME_DIR="$work/xdg"
mkdir -m 700 "$XDG_RUNTIME_DIR"
sock="$work/gpu.sock"
png="$out/vm-scanout.png"
rm -f "$png"

backend_pid=""
cleanup() {
    if [ -n "$backend_pid" ]; then
        kill -TERM "$backend_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$backend_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$backend_pid" 2>/dev/null || true
        wait "$backend_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

RUST_LOG="${RUST_LOG:-info}" "$pv3d" vhost-user --socket "$sock" --once --snapshot "$png" \
    > "$out/vhost-user.log" 2>&1 &
backend_pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "pv3d demo: backend did not start:" >&2; cat "$out/vhost-user.log" >&2; exit 1; }

echo "pv3d demo: booting a guest on pv3d vhost-user ($sock); kmscube, 300 frames"
set +e
# kmscube quits on input: its stdin is a pipe nobody writes to.
scripts/vm/guest-run.sh --accel tcg --timeout 300 --vhost-user "$sock" -- \
    bash -c 'kmscube -c 300 < <(sleep 600)' > "$out/vm-kmscube.txt" 2> "$out/vm-guest-run.txt"
rc=$?
set -e
if [ "$rc" != 0 ]; then
    echo "pv3d demo: the guest run failed ($rc):" >&2
    cat "$out/vm-kmscube.txt" "$out/vm-guest-run.txt" >&2
    exit 1
fi
grep -E '^ *renderer:|Rendered .* frames' "$out/vm-kmscube.txt" | sed 's/^ */guest: /'
# The backend writes the snapshot when the VM disconnects, then exits (--once).
for _ in $(seq 300); do kill -0 "$backend_pid" 2>/dev/null || break; sleep 0.1; done
wait "$backend_pid" 2>/dev/null || true
backend_pid=""
grep -E "VM disconnected" "$out/vhost-user.log" | sed 's/\x1b\[[0-9;]*m//g' || true
if [ -s "$png" ]; then
    echo "pv3d demo: the guest's last frame saved to $png"
else
    echo "pv3d demo: no frame saved (see $out/vhost-user.log)" >&2
    exit 1
fi
