#!/usr/bin/env bash
# Builds appliance-os, the host's operating system, into OUT/appliance-os.qcow2: one ext4 root
# partition with GRUB on a BIOS disk. Called by ./build.sh image.
#
#   appliance-os/image/build-os.sh OUT
#
# The environment names the inputs: NODE_PUBLISH, CLUSTER_PUBLISH (the NativeAOT services),
# CONSOLE_PASSWORD_FILE, VERSION, SOURCE_DATE_EPOCH; optionally DEBIAN_MIRROR, APT_CACHE, DISK_GIB (8).
set -euo pipefail
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export NODE_PUBLISH CLUSTER_PUBLISH CONSOLE_PASSWORD_FILE VERSION SOURCE_DATE_EPOCH
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DISK_GIB=${DISK_GIB:-8}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$OUT/work
# A build killed inside mmdebstrap leaves the root's /proc, /sys and /dev mounted: they go first, and
# the removal never crosses into a mount.
awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
rm -rf --one-file-system "$WORK" && mkdir -p "$WORK"
export MANIFEST=$OUT/packages.txt
CACHE=${APT_CACHE:-$REPO/.cache/images/apt-amd64}
mkdir -p "$CACHE"

PACKAGES=(
  systemd systemd-sysv udev kmod dbus linux-image-amd64 initramfs-tools   # boot
  libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils genisoimage  # hypervisor
  openvswitch-switch etcd-server                                         # network, cluster store
  openssh-server dmidecode ipmitool iproute2 ca-certificates libssl3 zlib1g   # management
)
mmdebstrap --variant=minbase --arch=amd64 --mode=root --format=directory \
  --include="$(IFS=,; echo "${PACKAGES[*]}")" \
  --aptopt='Apt::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --skip=download/empty \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in '$CACHE' /var/cache/apt/archives/" \
  --customize-hook="sync-out /var/cache/apt/archives '$CACHE'" \
  --customize-hook="'$HERE/customize.sh' \"\$1\"" \
  bookworm "$WORK/root" "$MIRROR"
rm -f "$CACHE/lock"; rm -rf "$CACHE/partial"
# "uninitialized" makes systemd take the host's first boot as the first one (ConditionFirstBoot), so
# appliance-firstboot runs; an empty file would not. mmdebstrap empties the file after the customize
# hooks, so it is written here.
echo uninitialized > "$WORK/root/etc/machine-id"

# One root partition from the second MiB on; GRUB's core image in the gap before it.
written=$SECONDS
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
ROOT_SECTORS=$(( (DISK_GIB * 1024 - 1) * 2048 ))
truncate -s $((ROOT_SECTORS * 512)) "$WORK/root.img"
mkfs.ext4 -q -F -L appliance-root -U clear -E hash_seed=00000000-0000-0000-0000-000000000000,root_owner=0:0 -d "$WORK/root" "$WORK/root.img"
DISK=$WORK/disk.raw
truncate -s $((DISK_GIB * 1024 * 1024 * 1024)) "$DISK"
sfdisk -q --no-reread --no-tell-kernel "$DISK" <<SFDISK
label: dos
label-id: 0x41504f53
2048,$ROOT_SECTORS,83,*
SFDISK
dd if="$WORK/root.img" of="$DISK" bs=1M seek=1 conv=notrunc,sparse status=none
"$REPO/tools/grub-bios-embed.sh" "$DISK" "(hd0,msdos1)/boot/grub" part_msdos ext2 linux test echo normal configfile
qemu-img convert -f raw -O qcow2 "$DISK" "$OUT/appliance-os.qcow2"
echo "build-os: disk written in $((SECONDS - written)) s" >&2
rm -rf "$WORK"
