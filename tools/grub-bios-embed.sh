#!/usr/bin/env bash
# Makes a disk image boot with GRUB on a PC BIOS, without loop devices or grub-install: GRUB's
# core image (the given modules, its configuration found under PREFIX) goes into the gap between
# the MBR and the first partition, and GRUB's boot sector into the MBR (keeping the partition
# table), the way grub-bios-setup embeds them.
#
#   tools/grub-bios-embed.sh DISK PREFIX MODULE...      e.g. DISK "(hd0,msdos1)/boot/grub" part_msdos ext2 ...
set -euo pipefail
DISK=$1 PREFIX=$2; shift 2
GRUB=/usr/lib/grub/i386-pc
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
grub-mkimage -O i386-pc -o "$work/core.img" -p "$PREFIX" biosdisk "$@"
size=$(stat -c %s "$work/core.img")
sectors=$(( (size + 511) / 512 ))
first=$(sfdisk --json "$DISK" | python3 -c 'import json,sys; print(min(p["start"] for p in json.load(sys.stdin)["partitiontable"]["partitions"]))')
if (( 1 + sectors > first )); then
  echo "grub-bios-embed: GRUB's core image needs $sectors sectors; only $((first - 1)) lie before the first partition" >&2
  exit 1
fi
# diskboot.img, the core image's first sector, loads the rest: its block list (start LBA 2 already) gets the length.
python3 - "$work/core.img" "$sectors" <<'PY'
import struct, sys
path, sectors = sys.argv[1], int(sys.argv[2])
core = bytearray(open(path, "rb").read())
core[0x200 - 12:0x200 - 4] = struct.pack("<Q", 2)
core[0x200 - 4:0x200 - 2] = struct.pack("<H", sectors - 1)
open(path, "wb").write(core)
PY
dd if="$work/core.img" of="$DISK" bs=512 seek=1 conv=notrunc status=none
# The boot sector: GRUB's code up to the disk signature, pointing at the core image in sector 1.
python3 - "$GRUB/boot.img" "$DISK" <<'PY'
import struct, sys
boot = bytearray(open(sys.argv[1], "rb").read())
with open(sys.argv[2], "r+b") as disk:
    mbr = bytearray(disk.read(512))
    mbr[0:440] = boot[0:440]
    mbr[0x5c:0x64] = struct.pack("<Q", 1)
    mbr[510:512] = b"\x55\xaa"
    disk.seek(0); disk.write(mbr)
PY
