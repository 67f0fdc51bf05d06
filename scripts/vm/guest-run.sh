#!/bin/bash
# guest-run.sh — boot a throwaway Linux guest under QEMU (KVM or TCG) with a virtio-gpu
# (virgl) device, run ONE command in it, print its output and exit status,
# power the guest off.  The guest's root filesystem is this host's own root,
# shared read-only over virtio-9p (tmpfs on /tmp /run /var/tmp /dev/shm), so
# the guest sees the host's Mesa (virtio_gpu_dri.so), GL clients and any
# binaries you built.  The command runs as root in the host's current
# directory (read-only), with HOME=/tmp.
#
# usage: guest-run.sh [GPU MODE] [OPTIONS] [--] COMMAND [ARG...]
#
# GPU modes (default --ref-vhost-user):
#   --vhost-user SOCK   vhost-user-gpu-pci connected to a backend that is
#                       already listening on the unix socket SOCK
#   --backend 'CMD'     start CMD (bash; "{sock}" in it becomes a fresh socket
#                       path), wait for it to listen, connect, stop it after:
#                         --backend 'target/debug/pv3d vhost-user --socket {sock}'
#   --ref-vhost-user    QEMU's reference backend:
#                       --backend '/usr/lib/qemu/vhost-user-gpu --virgl -s {sock}'
#                       with LD_PRELOAD=virgl-surfaceless-shim.so (built here
#                       from the .c beside this script): no render node here
#   --in-process        QEMU's own virtio-gpu-gl-pci (virglrenderer inside
#                       QEMU); its GL context comes from -display sdl,gl=on on
#                       an Xvfb this script starts (egl-headless needs a DRM
#                       render node)
#   --2d                plain virtio-gpu-pci, no 3D (control runs)
#   --no-gpu            no GPU device at all
# Options:
#   --cpus N (1)  --mem SIZE (1G)  --timeout SECONDS (600, whole run)
#   --kernel /boot/vmlinuz-VER (default: newest with virtio-gpu.ko)
#   --accel auto|kvm|tcg  (auto) auto = kvm unless /dev/kvm is unusable or is
#                       the nested kvm_pvm module (it cannot run stock Debian
#                       kernels: see NOTES.md beside this script), else tcg
#   --env NAME=VALUE    set in the guest command's environment (repeatable)
#   --qemu-arg ARG      extra QEMU argument (repeatable), e.g. --qemu-arg=-trace
#                       --qemu-arg 'vhost_user_*'
#   --gpu-opts OPTS     extra properties of vhost-user-gpu-pci, e.g. xres=800,yres=600
#                       (the display size QEMU offers the guest)
#   --append ARGS       extra guest kernel arguments
#   --qmp SOCK          QMP on the unix socket SOCK (e.g. for screendump)
#   --allow-reboot      a guest reboot (busybox reboot -f: systemd's reboot
#                       refuses in the chroot) restarts the guest, and the
#                       command runs again (it can tell by /run/job/boots, one
#                       line per boot), instead of ending QEMU
#   --keep              keep the run folder (/tmp/guest-run.*: console.log,
#                       qemu.log, backend.log, job/) even on success
#   --verbose           print the guest console log after the run
#   --install           apt-get install the packages (scripts/lib.sh,
#                       PV3D_VM_PACKAGES), then exit
#
# Exit status: the guest command's status; 124 on timeout; 125 when the VM
# infrastructure failed (logs are kept and their tails printed).
#
# Examples:
#   guest-run.sh -- eglinfo -B
#   guest-run.sh --in-process -- glmark2-es2-drm --off-screen -b build:duration=3
#   guest-run.sh --backend 'my-backend --socket-path {sock}' -- eglinfo -B
# (es2_info/glxinfo/glmark2-es2 need X, absent in the guest; modesetting
# clients such as kmscube crash the reference backend on a GPU-less host.)
#
# Needs root (for /dev/kvm and to read all of / for the 9p export).  The only
# things it installs are the Debian packages scripts/lib.sh lists, and only
# with --install.

set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHIM=/tmp/guest-run-cache/virgl-surfaceless-shim.so
REF_BACKEND="LD_PRELOAD=$SHIM exec /usr/lib/qemu/vhost-user-gpu --virgl -s {sock}"

mode=ref; sock=; backend_cmd=$REF_BACKEND
cpus=1; mem=1G; timeout=600; kernel=; keep=0; verbose=0; accel=auto
guest_env=(); qemu_extra=(); gpu_opts=; kernel_append=; qmp=; reboot_args=(-no-reboot)
while [ $# -gt 0 ]; do
    case "$1" in
        --vhost-user) mode=vhost-user; sock=$2; shift 2 ;;
        --backend) mode=backend; backend_cmd=$2; shift 2 ;;
        --ref-vhost-user) mode=backend; backend_cmd=$REF_BACKEND; shift ;;
        --in-process) mode=in-process; shift ;;
        --2d) mode=2d; shift ;;
        --no-gpu) mode=none; shift ;;
        --cpus) cpus=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --env) guest_env+=("$2"); shift 2 ;;
        --qemu-arg) qemu_extra+=("$2"); shift 2 ;;
        --qemu-arg=*) qemu_extra+=("${1#--qemu-arg=}"); shift ;;
        --gpu-opts) gpu_opts=",$2"; shift 2 ;;
        --append) kernel_append=" $2"; shift 2 ;;
        --qmp) qmp=$2; shift 2 ;;
        --allow-reboot) reboot_args=(); shift ;;
        --keep) keep=1; shift ;;
        --verbose) verbose=1; shift ;;
        --install)
            source "$here/../lib.sh"
            pv3d_vm_install
            exit $? ;;
        -h|--help) sed -n '2,/^# things it installs/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        -*) echo "guest-run: unknown option $1 (try --help)" >&2; exit 125 ;;
        *) break ;;
    esac
done
[ "$mode" = ref ] && mode=backend
[ $# -gt 0 ] || { echo "guest-run: no command given (try --help)" >&2; exit 125; }

fail() { echo "guest-run: $*" >&2; exit 125; }
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (run with --install)"
if [ "$accel" = auto ]; then
    if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then accel=kvm; else accel=tcg; fi
    echo "guest-run: accelerator $accel" >&2
fi
[ "$accel" = tcg ] || [ -w /dev/kvm ] || fail "/dev/kvm not usable (try --accel tcg)"
if [ -z "$kernel" ]; then
    for k in $(ls -v /boot/vmlinuz-* 2>/dev/null | sort -rV); do
        v=${k#/boot/vmlinuz-}
        if ls /lib/modules/"$v"/kernel/drivers/gpu/drm/virtio/virtio-gpu.ko* >/dev/null 2>&1; then
            kernel=$k; break
        fi
    done
    [ -n "$kernel" ] || fail "no /boot/vmlinuz-* with a virtio-gpu module (run with --install)"
fi
kver=${kernel#/boot/vmlinuz-}

# Boot the uncompressed vmlinux through its PVH entry point: on this
# machine's KVM (kvm_pvm, nested, no VMX/SVM) the bzImage decompressor of
# Debian's kernel never finishes.  Extracted once per kernel into /tmp.
vmlinux=/tmp/guest-run-cache/vmlinux-$kver
if [ ! -s "$vmlinux" ] || [ "$kernel" -nt "$vmlinux" ]; then
    mkdir -p /tmp/guest-run-cache
    off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$kernel" | head -1 | cut -d: -f1)
    [ -n "$off" ] || fail "$kernel: no xz payload found (only xz bzImages are handled)"
    tail -c +$((off + 1)) "$kernel" | xz -dc --single-stream > "$vmlinux.tmp" 2>/dev/null
    mv "$vmlinux.tmp" "$vmlinux"
fi

run=$(mktemp -d /tmp/guest-run.XXXXXX)
mkdir -p "$run/job"
pids=()          # every process this script started, and only those
cleanup() {
    local p i
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null || continue
        kill -TERM "$p" 2>/dev/null
        for i in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    wait 2>/dev/null
    if [ "$keep" = 1 ] || [ "${status:-125}" -ge 124 ]; then
        echo "guest-run: logs kept in $run" >&2
    else
        rm -rf "$run"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$here/mkinitramfs.sh" "$kver" "$run/initramfs.cpio" || fail "initramfs build failed"

# The guest command: cd to the caller's directory, export --env, exec argv.
{
    echo 'set -o pipefail'
    for e in "${guest_env[@]}"; do printf 'export %q\n' "$e"; done
    printf 'cd %q 2>/dev/null || cd /tmp\n' "$PWD"
    printf '%q ' "$@"; echo
} > "$run/job/cmd.sh"

if [ "$backend_cmd" = "$REF_BACKEND" ] && [ "$mode" = backend ] &&
   { [ ! -s "$SHIM" ] || [ "$here/virgl-surfaceless-shim.c" -nt "$SHIM" ]; }; then
    mkdir -p /tmp/guest-run-cache
    cc -shared -fPIC -O2 -o "$SHIM" "$here/virgl-surfaceless-shim.c" -ldl || fail "shim build failed"
fi

gpu_args=()
case "$mode" in
    backend)
        sock="$run/vhost-user-gpu.sock"
        bcmd=${backend_cmd//\{sock\}/$sock}
        echo "guest-run: backend: $bcmd" >&2
        case "$bcmd" in
            *exec\ *) ;;
            [A-Za-z_]*=*) bcmd="exec env $bcmd" ;;  # NAME=VALUE CMD...
            *) bcmd="exec $bcmd" ;;
        esac
        bash -c "$bcmd" > "$run/backend.log" 2>&1 &
        pids+=($!)
        for i in $(seq 100); do
            [ -S "$sock" ] && break
            kill -0 "${pids[-1]}" 2>/dev/null || break
            sleep 0.1
        done
        [ -S "$sock" ] || { tail -20 "$run/backend.log" >&2; fail "backend did not create $sock"; }
        ;;&
    backend|vhost-user)
        [ -S "$sock" ] || fail "$sock is not a unix socket"
        gpu_args=(-chardev "socket,id=vgpu,path=$sock" -device "vhost-user-gpu-pci,chardev=vgpu$gpu_opts"
                  -display none) ;;
    in-process)
        command -v Xvfb >/dev/null || fail "Xvfb missing (run with --install)"
        Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3> "$run/xvfb.display" \
            > "$run/xvfb.log" 2>&1 &
        pids+=($!)
        for i in $(seq 50); do [ -s "$run/xvfb.display" ] && break; sleep 0.1; done
        [ -s "$run/xvfb.display" ] || fail "Xvfb did not start (see $run/xvfb.log)"
        export DISPLAY=":$(cat "$run/xvfb.display")"
        gpu_args=(-device virtio-gpu-gl-pci -display sdl,gl=on) ;;
    2d)   gpu_args=(-device virtio-gpu-pci -display none) ;;
    none) gpu_args=(-display none) ;;
esac

# No fbdev console on the virtio-gpu: the boot-time SET_SCANOUT of the fbcon
# resource makes QEMU's reference backend export a dmabuf, which crashes it
# under llvmpipe (no render node).  GL clients that modeset still do that.
KERNEL_EXTRA="drm_kms_helper.fbdev_emulation=0"
if [ "$accel" = kvm ]; then
    # Hidden CPU features, for nested KVM as on this project's machines (kvm_pvm):
    # arch-capabilities: KVM refuses MSR 0x10a and QEMU aborts;
    # cx16, xsave: KVM cannot emulate the guest kernel's cmpxchg16b / xrstor
    cpu_args=(-cpu host,-arch-capabilities,-cx16,-xsave)
else
    cpu_args=(-cpu max)
fi
[ -n "$qmp" ] && qemu_extra+=(-qmp "unix:$qmp,server=on,wait=off")
qemu=(qemu-system-x86_64 -nodefaults -no-user-config "${reboot_args[@]}"
    -machine "q35,accel=$accel,memory-backend=mem" "${cpu_args[@]}"
    -smp "$cpus" -m "$mem"
    # vhost-user backends map guest RAM: it must be a shareable fd
    -object "memory-backend-memfd,id=mem,size=$mem,share=on"
    -kernel "$vmlinux" -initrd "$run/initramfs.cpio"
    -append "console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init init_on_alloc=0 mitigations=off tsc=reliable $KERNEL_EXTRA$kernel_append"
    -serial "file:$run/console.log" -monitor none
    -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
    -fsdev "local,id=job,path=$run/job,security_model=none"
    -device virtio-9p-pci,fsdev=job,mount_tag=job
    "${gpu_args[@]}" "${qemu_extra[@]}")
echo "${qemu[*]}" > "$run/qemu.cmd"

t0=$(date +%s.%N)
"${qemu[@]}" > "$run/qemu.log" 2>&1 &
qpid=$!
pids+=($qpid)
deadline=$(( $(date +%s) + timeout ))
while kill -0 "$qpid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "guest-run: timeout after ${timeout}s, killing QEMU" >&2
        kill -TERM "$qpid"; status=124
        # A QEMU waiting on a backend that does not answer ignores TERM.
        for i in $(seq 50); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$qpid" 2>/dev/null
        break
    fi
    if grep -qs 'KVM internal error' "$run/qemu.log"; then
        echo "guest-run: KVM internal error (see qemu.log), stopping QEMU" >&2
        kill -TERM "$qpid"; status=125
        break
    fi
    sleep 0.2
done
wait "$qpid"; qrc=$?
t1=$(date +%s.%N)

[ -s "$run/job/out" ] && cat "$run/job/out"
if [ -z "${status:-}" ]; then
    if [ -s "$run/job/rc" ]; then status=$(cat "$run/job/rc"); else status=125; fi
fi
[ "$verbose" = 1 ] && { echo "----- guest console -----"; cat "$run/console.log"; } >&2
if [ "$status" -ge 124 ]; then
    echo "----- qemu (rc $qrc) -----" >&2; tail -20 "$run/qemu.log" >&2
    echo "----- guest console (tail) -----" >&2; tail -30 "$run/console.log" >&2
    [ -f "$run/backend.log" ] && { echo "----- backend (tail) -----" >&2; tail -20 "$run/backend.log" >&2; }
fi
timing=$(cat "$run/job/timing" 2>/dev/null)
echo "guest-run: exit status $status; wall $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")s (QEMU start to exit); guest ${timing:-no timing}" >&2
exit "$status"
