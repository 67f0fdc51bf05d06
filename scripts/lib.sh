# Shared helpers for pv3d's scripts (sourced, not run).

# Installs the Debian packages named, skipping those already installed.
# Works on a fresh Debian machine as root; idempotent.
pv3d_apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "pv3d: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages pv3d's tests and demo use: lavapipe (the Vulkan device without a
# GPU), the reference server, real GL clients (wflinfo opens core profiles)
# and a virtual X server.
PV3D_PACKAGES=(
    mesa-vulkan-drivers libvulkan1 libgl1-mesa-dri libegl-mesa0
    virgl-server mesa-utils glmark2-es2-x11 glmark2-x11 waffle-utils
    xvfb xauth x11-utils x11-apps libfaketime zstd
)

# What scripts/conformance adds: piglit and wflinfo (its renderer check) for
# the runner, python3 for the runner and the tables.
PV3D_CONFORMANCE_PACKAGES=(piglit waffle-utils python3)

# The VM tests, `./scripts/demo --vm` and the bench's VM columns boot a
# throwaway Linux guest under QEMU (scripts/vm/guest-run.sh): QEMU 10 from
# bookworm-backports (the image's qemu-utils comes from there and Breaks
# bookworm's QEMU 7.2), the guest kernel, its initramfs tools, guest-side GL
# clients (the guest runs this machine's root read-only), headers to build
# the test's GL client, and QEMU's reference backend's virglrenderer.
PV3D_VM_BACKPORTS=(qemu-system-x86 qemu-system-common qemu-system-gui qemu-system-modules-opengl)
PV3D_VM_PACKAGES=(
    linux-image-amd64 busybox-static cpio kmod xz-utils gcc libc6-dev
    libgl1-mesa-dri libegl-mesa0 libgbm1 libegl-dev libgles-dev libvirglrenderer1
    mesa-utils glmark2-es2-drm kmscube
)

# Installs what the VM needs (idempotent; adds the backports line, reusing
# the mirror of the machine's own Debian sources, if there is none).
pv3d_vm_install() {
    local sudo="" missing=() pkg
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    for pkg in "${PV3D_VM_BACKPORTS[@]}" "${PV3D_VM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        local uri
        uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
        [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
        echo "deb ${uri:-http://deb.debian.org/debian} bookworm-backports main" \
            | $sudo tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    fi
    echo "pv3d: installing the VM packages (${missing[*]})" >&2
    $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        -t bookworm-backports "${PV3D_VM_BACKPORTS[@]}" >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${PV3D_VM_PACKAGES[@]}" >/dev/null
}

# Where captures live: $PV3D_CAPTURES, else shared/captures beside the checkout.
pv3d_captures_dir() {
    if [ -n "${PV3D_CAPTURES:-}" ]; then
        echo "$PV3D_CAPTURES"
    else
        echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/captures"
    fi
}

# Where the conformance runner (piglit-vtest.py) and piglit lists live:
# $PV3D_CONFORMANCE, else shared/conformance beside the checkout.
pv3d_conformance_dir() {
    if [ -n "${PV3D_CONFORMANCE:-}" ]; then
        echo "$PV3D_CONFORMANCE"
    else
        echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/conformance"
    fi
}
