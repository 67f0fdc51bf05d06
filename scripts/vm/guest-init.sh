#!/bin/busybox sh
# PID 1 of the guest's initramfs (built by mkinitramfs.sh, driven by guest-run.sh).
#
# 1. loads virtio + 9p modules, mounts the HOST's root filesystem (9p tag
#    "hostroot", read-only) on /newroot, puts tmpfs on the writable dirs
#    (/tmp /run /var/tmp /dev/shm) and the job share (9p tag "job",
#    read-write) on /newroot/run/job;
# 2. loads virtio_gpu (modprobe from the host root's /lib/modules);
# 3. runs /run/job/cmd.sh chrooted in the host root, output to
#    /run/job/out, exit status to /run/job/rc, guest-side timings to
#    /run/job/timing (one line per boot in /run/job/boots, for commands
#    that reboot the guest: guest-run.sh --allow-reboot);
# 4. powers the VM off (QEMU runs with -no-reboot, the kernel with panic=-1,
#    so any failure here also ends QEMU).
/bin/busybox --install -s /bin
export PATH=/bin

log() { echo "guest-init: $*" > /dev/console; }
die() { log "FATAL: $*"; sync; poweroff -f; sleep 5; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

for m in /lib/modules/*.ko; do
    insmod "$m" || log "insmod $m failed"
done

mkdir -p /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
    hostroot /newroot || die "cannot mount the host root (9p tag hostroot)"

for d in tmp run var/tmp dev/shm; do
    mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d" || log "tmpfs on /$d failed"
done
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
# What udev would add: bash's process substitution needs /dev/fd.
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
mkdir -p /newroot/run/job
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none \
    job /newroot/run/job || die "cannot mount the job share (9p tag job)"

chroot /newroot /sbin/modprobe virtio_gpu || log "modprobe virtio_gpu failed"
# devtmpfs creates /dev/dri/* asynchronously; give it a moment.
i=0
while [ ! -e /newroot/dev/dri/renderD128 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done

echo boot >> /newroot/run/job/boots
t0=$(cut -d' ' -f1 /newroot/proc/uptime)
chroot /newroot /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp TERM=dumb XDG_RUNTIME_DIR=/tmp LANG=C.UTF-8 \
    /bin/bash /run/job/cmd.sh >> /newroot/run/job/out 2>&1 < /dev/null
rc=$?
t1=$(cut -d' ' -f1 /newroot/proc/uptime)
echo "$rc" > /newroot/run/job/rc
echo "cmd_start_uptime=$t0 cmd_end_uptime=$t1" > /newroot/run/job/timing
log "command exited with status $rc"
sync
umount /newroot/run/job
poweroff -f
sleep 5
