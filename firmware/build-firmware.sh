#!/usr/bin/env bash
# Builds the BMC firmware for one architecture into OUT: the slot image (a squashfs root), the
# flash image (bootloader, environment, slots A and B, data), a signed update image and a list of
# what went in. Called by ./build.sh image; see firmware/README.md for the layout.
#
#   firmware/build-firmware.sh amd64|armhf OUT
#
# The environment names the inputs: BMC_PUBLISH (the published appliance-bmc), SIGNING_KEY and
# PUBLIC_KEY (the update key pair), CONSOLE_PASSWORD_FILE, VERSION, SOURCE_DATE_EPOCH, and
# optionally DEBIAN_MIRROR, APT_CACHE, BOARD (hc1), FLASH_MIB (64), DATA_MIB (4).
set -euo pipefail
ARCH=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
export REPO=$(cd "$HERE/.." && pwd)
export ARCH BOARD=${BOARD:-hc1} VERSION SOURCE_DATE_EPOCH BMC_PUBLISH PUBLIC_KEY CONSOLE_PASSWORD_FILE
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
FLASH_MIB=${FLASH_MIB:-64} DATA_MIB=${DATA_MIB:-4}
# Sectors of 512 bytes: MBR and GRUB's core image in the first MiB, then the environment (1 MiB).
ENV_START=2048 ENV_SECTORS=2048
SLOT_SECTORS=$(( (FLASH_MIB - 2 - DATA_MIB) * 2048 / 2 ))
SLOT_A_START=$((ENV_START + ENV_SECTORS)) SLOT_B_START=$((ENV_START + ENV_SECTORS + SLOT_SECTORS))
DATA_START=$((SLOT_B_START + SLOT_SECTORS)) DATA_SECTORS=$((DATA_MIB * 2048))
export SLOT_BYTES=$((SLOT_SECTORS * 512))

case $ARCH in
  amd64)
    KERNEL=linux-image-amd64
    # virtio disk, network and the i6300esb watchdog of the QEMU board; the root and data filesystems.
    export KERNEL_MODULES="virtio_pci virtio_blk virtio_net i6300esb squashfs ext4 crc32c_generic"
    export SLOT_A_DEVICE=/dev/vda2 SLOT_B_DEVICE=/dev/vda3
    export ENV_JSON='{ "format": "grub", "path": "/boot/env/grubenv" }'
    # The QEMU board's simulated hardware is the board process on the machine, forwarded into the guest.
    export BOARD_OPTIONS="--board-socket tcp:10.0.2.100:7000" DTB=
    INITRD_MODULES="virtio_pci virtio_blk squashfs" BCJ=x86
    ;;
  armhf)
    KERNEL=linux-image-armmp
    # AST2600-class SoC: its watchdog, MAC, I2C, GPIO, eMMC; the root and data filesystems.
    export KERNEL_MODULES="aspeed_wdt ftgmac100 i2c-aspeed gpio-aspeed sdhci-of-aspeed mmc_block squashfs ext4 crc32c_generic i2c-dev"
    export SLOT_A_DEVICE=/dev/mmcblk0p2 SLOT_B_DEVICE=/dev/mmcblk0p3
    export ENV_JSON="{ \"format\": \"u-boot\", \"path\": \"/dev/mmcblk0\", \"offset\": $((ENV_START * 512)), \"size\": 65536 }"
    export BOARD_OPTIONS="" DTB=aspeed/aspeed-bmc-opp-tacoma.dtb
    INITRD_MODULES="sdhci-of-aspeed mmc_block squashfs" BCJ=arm
    ;;
  *) echo "build-firmware: unknown architecture $ARCH (amd64 or armhf)" >&2; exit 2 ;;
esac

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$OUT/work
# A build killed inside mmdebstrap leaves the root's /proc, /sys and /dev mounted: they go first, and
# the removal never crosses into a mount.
awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
rm -rf --one-file-system "$WORK" && mkdir -p "$WORK"
export MANIFEST=$OUT/packages.txt
CACHE=${APT_CACHE:-$REPO/.cache/images/apt-$ARCH}
mkdir -p "$CACHE"

# The initramfs is tiny-initramfs: one static init that loads the modules mounting the root slot
# needs, and nothing else (initramfs-tools brings udev, kmod and OpenSSL: 5.4 MB).
mkdir -p "$WORK/initramfs"
printf 'DEBUG=no\nMICROCODE=no\nAUTO_MODULES=no\nINCLUDE_MODULES="%s"\n' "$(tr ' ' , <<<"$INITRD_MODULES")" > "$WORK/initramfs/tiny-initramfs.conf"

mmdebstrap --variant=essential --arch="$ARCH" --mode=root --format=directory \
  --include="systemd,systemd-sysv,udev,kmod,passwd,$KERNEL,tiny-initramfs,libssl3,libgpiod2,ca-certificates" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --skip=download/empty --skip=cleanup/apt/lists \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in '$CACHE' /var/cache/apt/archives/" \
  --essential-hook="mkdir -p \"\$1\"/etc/tiny-initramfs && cp '$WORK/initramfs/tiny-initramfs.conf' \"\$1\"/etc/tiny-initramfs/" \
  --customize-hook="sync-out /var/cache/apt/archives '$CACHE'" \
  --customize-hook="'$HERE/customize.sh' \"\$1\"" \
  bookworm "$WORK/root" "$MIRROR"
rm -f "$CACHE/lock"; rm -rf "$CACHE/partial"

# The slot image: the root, read-only, everything owned by root and stamped with SOURCE_DATE_EPOCH
# (mksquashfs takes it from the environment, and refuses it together with -mkfs-time/-all-time).
# xz in 1 MiB blocks with the branch-call-jump filter of the architecture: 4 % smaller than 256 KiB
# blocks, and machine code packs smaller still.
mksquashfs "$WORK/root" "$OUT/rootfs.squashfs" -noappend -comp xz -b 1M -Xdict-size 100% -Xbcj "$BCJ" -all-root \
  -quiet -no-progress >/dev/null
size=$(stat -c %s "$OUT/rootfs.squashfs")
if ((size > SLOT_BYTES)); then
  echo "build-firmware: the $ARCH root is $size bytes; a slot of a ${FLASH_MIB} MiB flash holds $SLOT_BYTES (FLASH_MIB=128 for a larger part)" >&2
  exit 1
fi

# The signed update image: what UpdateService takes.
"$HERE/pack-firmware.py" --key "$SIGNING_KEY" --board "$BOARD" --arch "$ARCH" --version "$VERSION" \
  "$OUT/rootfs.squashfs" "$OUT/update.fwpkg"

# The data partition as it leaves the factory: the initial administrator's password (the pull-out tag's).
mkdir -p "$WORK/data/factory" "$WORK/data/state"
# (openssl rand, not tr from /dev/urandom into head: that pipe ends in SIGPIPE, a failure under pipefail)
[[ -f $OUT/admin-password ]] || (umask 077 && openssl rand -hex 8 | tr -d '\n' > "$OUT/admin-password")
install -m 0600 "$OUT/admin-password" "$WORK/data/factory/admin-password"
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
truncate -s $((DATA_SECTORS * 512)) "$WORK/data.img"
mkfs.ext4 -q -F -L bmc-data -b 1024 -J size=1 -U clear -E hash_seed=00000000-0000-0000-0000-000000000000,root_owner=0:0 -d "$WORK/data" "$WORK/data.img"

# The flash: partition table, environment, slot A (the image), slot B (empty: nothing to fall back to yet), data.
FLASH=$OUT/flash.img
rm -f "$FLASH" && truncate -s $((FLASH_MIB * 1024 * 1024)) "$FLASH"
sfdisk -q --no-reread --no-tell-kernel "$FLASH" <<SFDISK
label: dos
label-id: 0x41504c46
$ENV_START,$ENV_SECTORS,83
$SLOT_A_START,$SLOT_SECTORS,83
$SLOT_B_START,$SLOT_SECTORS,83
$DATA_START,$DATA_SECTORS,83
SFDISK
dd if="$OUT/rootfs.squashfs" of="$FLASH" bs=512 seek=$SLOT_A_START conv=notrunc status=none
dd if="$WORK/data.img" of="$FLASH" bs=512 seek=$DATA_START conv=notrunc status=none
mkdir -p "$WORK/env"
case $ARCH in
  amd64)
    cp "$HERE/grub.cfg" "$WORK/env/grub.cfg"
    { printf '# GRUB Environment Block\nslot=A\nversion_A=%s\n' "$VERSION"; } > "$WORK/env/grubenv"
    head -c 1024 < <(cat "$WORK/env/grubenv"; yes '#' | tr -d '\n') > "$WORK/env/grubenv.block" && mv "$WORK/env/grubenv.block" "$WORK/env/grubenv"
    truncate -s $((ENV_SECTORS * 512)) "$WORK/env.img"
    mkfs.ext2 -q -F -L bmc-env -b 1024 -U clear -E hash_seed=00000000-0000-0000-0000-000000000000,root_owner=0:0 -d "$WORK/env" "$WORK/env.img"
    dd if="$WORK/env.img" of="$FLASH" bs=512 seek=$ENV_START conv=notrunc status=none
    "$REPO/tools/grub-bios-embed.sh" "$FLASH" "(hd0,msdos1)/" part_msdos ext2 squash4 linux loadenv test echo normal configfile
    ;;
  armhf)
    { sed 's/#.*//' "$HERE/u-boot-env.txt"; echo "version_A=$VERSION"; } | grep -v '^$' > "$WORK/env/u-boot-env.txt"
    mkenvimage -s 65536 -o "$WORK/env.img" "$WORK/env/u-boot-env.txt"
    dd if="$WORK/env.img" of="$FLASH" bs=512 seek=$ENV_START conv=notrunc status=none
    ;;
esac
rm -rf "$WORK"
