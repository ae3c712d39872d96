#!/usr/bin/env bash
# Builds the appliance test guest into the folder given as $1:
#   kernel         the Debian kernel (linux-image-amd64), unpacked to its ELF image so QEMU boots
#                  it through the PVH entry point: no decompression in the guest, which under TCG
#                  halves the boot (falls back to the compressed bzImage where that is impossible)
#   initrd.img     busybox-static userland with virtio, ext4, iso9660 and 802.1Q VLAN modules (see ./init)
#   data.qcow2     a 64 MiB ext4 disk whose /guest-id is "appliance-data"
#   appliance.ova  an OVF 1.0 package: 2 vCPUs, 192 MiB, one network, a streamOptimized VMDK
#                  disk whose /guest-id is "appliance-ova"
# Idempotent: does nothing when the outputs exist and no input (kernel, busybox, this script,
# init) has changed. Prints one line saying what failed otherwise.
set -euo pipefail

OUT=${1:?usage: build-guest.sh <output folder>}
HERE=$(cd "$(dirname "$0")" && pwd)

fail() { echo "build-guest: $*" >&2; exit 1; }

for tool in busybox qemu-img cpio gzip mkfs.ext4 tar sha256sum modprobe; do
  command -v "$tool" >/dev/null || fail "missing '$tool'; run ./build.sh setup as root (busybox-static, qemu-utils, cpio, e2fsprogs)"
done
[[ -x /bin/busybox ]] && file_is_static=$(ldd /bin/busybox 2>&1 || true)
[[ ${file_is_static:-} == *"not a dynamic"* ]] || fail "/bin/busybox is not static; install busybox-static"

# The newest installed Debian kernel (linux-image-amd64 depends on it).
KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1 || true)
[[ -n $KERNEL && -r $KERNEL ]] || fail "no kernel in /boot; install linux-image-amd64"
KVER=${KERNEL#/boot/vmlinuz-}
[[ -d /lib/modules/$KVER ]] || fail "no modules for kernel $KVER in /lib/modules"

MODULES=(virtio_pci virtio_blk virtio_net ext4 isofs button evdev virtio_balloon 8021q)
STAMP=$( { echo "$KVER"; sha256sum "$KERNEL" /bin/busybox "$HERE/build-guest.sh" "$HERE/init" "$HERE/poweroff-button"; } | sha256sum | cut -d' ' -f1)
OUTPUTS=(kernel initrd.img data.qcow2 appliance.ova)

mkdir -p "$OUT"
if [[ -f $OUT/.stamp && $(cat "$OUT/.stamp") == "$STAMP" ]]; then
  all=1; for o in "${OUTPUTS[@]}"; do [[ -s $OUT/$o ]] || all=0; done
  ((all)) && exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# initramfs
ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,sbin,etc/acpi/PWRF,lib/modules,proc,sys,dev,run,tmp,mnt,root}
cp /bin/busybox "$ROOT/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ $applet == busybox ]] || ln -sf busybox "$ROOT/bin/$applet"
done
install -m 0755 "$HERE/init" "$ROOT/init"
install -m 0755 "$HERE/poweroff-button" "$ROOT/etc/acpi/PWRF/00000080"
: > "$ROOT/etc/modules.order"
for m in "${MODULES[@]}"; do
  modprobe -S "$KVER" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
  name=$(basename "$ko")
  case $ko in
    *.ko.xz) xz -dc "$ko" > "$ROOT/lib/modules/${name%.xz}"; name=${name%.xz} ;;
    *.ko.zst) zstd -qdc "$ko" > "$ROOT/lib/modules/${name%.zst}"; name=${name%.zst} ;;
    *) cp "$ko" "$ROOT/lib/modules/$name" ;;
  esac
  echo "$name" >> "$ROOT/etc/modules.order"
done
[[ -s $ROOT/etc/modules.order ]] || fail "could not resolve kernel modules for $KVER (modprobe --show-depends)"
(cd "$ROOT" && find . -print0 | cpio --null -o -H newc --quiet --owner 0:0) | gzip -1 > "$WORK/initrd.img" \
  || fail "could not pack the initramfs"

# disks: a small ext4 filesystem with an identity file
make_disk() { # <guest-id> <raw output>
  local files=$WORK/files-$1
  mkdir -p "$files"
  echo "$1" > "$files/guest-id"
  mkfs.ext4 -q -F -L "$1" -d "$files" "$2" 64M >/dev/null || fail "mkfs.ext4 failed for $1"
}
make_disk appliance-data "$WORK/data.raw"
qemu-img convert -q -f raw -O qcow2 "$WORK/data.raw" "$WORK/data.qcow2" || fail "qemu-img could not write data.qcow2"

make_disk appliance-ova "$WORK/ova.raw"
mkdir -p "$WORK/ova"
qemu-img convert -q -f raw -O vmdk -o subformat=streamOptimized "$WORK/ova.raw" "$WORK/ova/appliance-disk1.vmdk" \
  || fail "qemu-img could not write the VMDK"
VMDK_SIZE=$(stat -c %s "$WORK/ova/appliance-disk1.vmdk")
CAPACITY=$(stat -c %s "$WORK/ova.raw")
cat > "$WORK/ova/appliance.ovf" <<OVF
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
          xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
          xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References>
    <File ovf:id="file1" ovf:href="appliance-disk1.vmdk" ovf:size="$VMDK_SIZE"/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="$CAPACITY" ovf:capacityAllocationUnits="byte"
          ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks</Info>
    <Network ovf:name="VM Network"><Description>The appliance network</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id="appliance-ova">
    <Info>The appliance test guest</Info>
    <Name>appliance-ova</Name>
    <OperatingSystemSection ovf:id="101"><Info>Linux</Info></OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>2 vCPUs, 192 MiB, one disk, one NIC</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:ElementName>2 virtual CPUs</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:ElementName>192 MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>192</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
OVF
(cd "$WORK/ova" && sha256sum --tag appliance.ovf appliance-disk1.vmdk | sed 's/^SHA256 (\(.*\)) = /SHA256(\1)= /' > appliance.mf)
# An OVA is a tar whose first member is the descriptor.
tar -C "$WORK/ova" --format=ustar -cf "$WORK/appliance.ova" appliance.ovf appliance.mf appliance-disk1.vmdk \
  || fail "could not pack appliance.ova"

# The bzImage carries the kernel as an XZ stream; the ELF inside has a PVH note when CONFIG_PVH=y.
cp "$KERNEL" "$WORK/kernel"
if grep -q '^CONFIG_PVH=y' "/boot/config-$KVER" 2>/dev/null; then
  offset=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$KERNEL" | head -n1 | cut -d: -f1 || true)
  # Through a file: xz stops at the stream's end, and a pipe would fail on tail's SIGPIPE.
  if [[ -n $offset ]] && tail -c +$((offset + 1)) "$KERNEL" > "$WORK/kernel.xz" \
     && xz -dc --single-stream "$WORK/kernel.xz" > "$WORK/vmlinux" 2>/dev/null \
     && [[ $(head -c 4 "$WORK/vmlinux" | od -An -c | tr -d ' ') == '177ELF' ]]; then
    mv "$WORK/vmlinux" "$WORK/kernel"
  fi
fi
for o in "${OUTPUTS[@]}"; do install -m 0644 "$WORK/$o" "$OUT/$o"; done
echo "$STAMP" > "$OUT/.stamp"
echo "build-guest: built the test guest (kernel $KVER) in $OUT" >&2
