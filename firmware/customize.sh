#!/usr/bin/env bash
# mmdebstrap customize hook for the BMC firmware root: called with the root directory; the
# environment carries what build-firmware.sh decided (ARCH, BOARD, VERSION, ...).
set -euo pipefail
ROOT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
in_root() { chroot "$ROOT" "$@"; }

# The BMC service (NativeAOT: one binary and SQLite's native library), its board file and update key.
install -d "$ROOT/usr/lib/appliance-bmc" "$ROOT/usr/share/appliance-bmc/boards" "$ROOT/etc/appliance-bmc" "$ROOT/etc/default"
find "$BMC_PUBLISH" -maxdepth 1 -type f ! -name '*.dbg' ! -name '*.pdb' -exec install -m 0755 {} "$ROOT/usr/lib/appliance-bmc/" \;
ln -sf ../lib/appliance-bmc/appliance-bmc "$ROOT/usr/bin/appliance-bmc"
install -m 0644 "$REPO/hw/boards/$BOARD.json" "$ROOT/usr/share/appliance-bmc/boards/"
install -m 0644 "$PUBLIC_KEY" "$ROOT/usr/share/appliance-bmc/firmware-signing.pub"
cp -a "$HERE/rootfs/." "$ROOT/"
printf 'BOARD=%s\nBOARD_OPTIONS=%s\n' "$BOARD" "$BOARD_OPTIONS" > "$ROOT/etc/default/appliance-bmc"
cat > "$ROOT/etc/appliance-bmc/firmware.json" <<JSON
{
  "environment": $ENV_JSON,
  "slots": { "A": "$SLOT_A_DEVICE", "B": "$SLOT_B_DEVICE" },
  "slotSize": $SLOT_BYTES,
  "publicKey": "/usr/share/appliance-bmc/firmware-signing.pub",
  "architecture": "$ARCH",
  "bootTries": 3,
  "resetCommand": ["systemctl", "reboot", "--no-block"],
  "stagingDirectory": "/tmp/firmware-update"
}
JSON
install -d "$ROOT/var/lib/appliance-bmc" "$ROOT/boot/env"
# On the PC board GRUB reads its environment block from the first partition; the BMC writes it there.
if [[ $ARCH == amd64 ]]; then
  echo 'LABEL=bmc-env    /boot/env               ext2   defaults,noatime,sync      0 0' >> "$ROOT/etc/fstab"
fi
in_root systemctl enable appliance-bmc.service systemd-networkd.service >/dev/null 2>&1
in_root systemctl mask systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer 2>/dev/null || true
echo bmc > "$ROOT/etc/hostname"
: > "$ROOT/etc/machine-id"
printf 'IMAGE_ID=appliance-bmc\nIMAGE_VERSION=%s\n' "$VERSION" >> "$ROOT/usr/lib/os-release"
# The serial console's root password (the firmware's only shell; there is no SSH).
echo "root:$(cat "$CONSOLE_PASSWORD_FILE")" | in_root chpasswd

# The kernel: only the modules this board needs (and what they depend on), then their initramfs.
KVER=$(basename "$(ls -d "$ROOT"/usr/lib/modules/*)")
# modprobe names them under /lib/modules (merged /usr): compared without the /usr.
keep=$(for m in $KERNEL_MODULES; do in_root modprobe -S "$KVER" --show-depends "$m" 2>/dev/null || true; done \
  | awk '$1 == "insmod" { sub("^/usr", "", $2); print $2 }' | sort -u)
[[ -n $keep ]] || { echo "customize: none of the board's kernel modules ($KERNEL_MODULES) found" >&2; exit 1; }
find "$ROOT/usr/lib/modules/$KVER/kernel" -name '*.ko*' | while read -r ko; do
  grep -qxF "${ko#"$ROOT"/usr}" <<<"$keep" || rm -f "$ko"
done
find "$ROOT/usr/lib/modules/$KVER/kernel" -type d -empty -delete
in_root depmod "$KVER"
in_root mktirfs -o "/boot/initrd.img-$KVER" "$KVER"
install -m 0644 "$ROOT/boot/vmlinuz-$KVER" "$ROOT/boot/vmlinuz"
install -m 0644 "$ROOT/boot/initrd.img-$KVER" "$ROOT/boot/initrd.img"
if [[ -n ${DTB:-} ]]; then install -m 0644 "$ROOT/usr/lib/linux-image-$KVER/$DTB" "$ROOT/boot/board.dtb"; fi
rm -f "$ROOT/boot/vmlinuz-$KVER" "$ROOT/boot/initrd.img-$KVER" "$ROOT/boot/System.map-$KVER" "$ROOT"/vmlinuz* "$ROOT"/initrd.img*
rm -rf "$ROOT/usr/lib/linux-image-$KVER"

# What the image holds, before the package database goes.
in_root dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' > "$MANIFEST"

"$HERE/trim-root.sh" "$ROOT"
