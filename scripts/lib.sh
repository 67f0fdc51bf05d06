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
# GPU), the reference server, real GL clients and a virtual X server.
PV3D_PACKAGES=(
    mesa-vulkan-drivers libvulkan1 libgl1-mesa-dri libegl-mesa0
    virgl-server mesa-utils glmark2-es2-x11 glmark2-x11
    xvfb xauth x11-utils x11-apps libfaketime zstd
)

# What scripts/conformance adds: piglit and wflinfo (its renderer check) for
# the runner, python3 for the runner and the tables.
PV3D_CONFORMANCE_PACKAGES=(piglit waffle-utils python3)

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
