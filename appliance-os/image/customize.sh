#!/usr/bin/env bash
# mmdebstrap customize hook for appliance-os: called with the root directory; NODE_PUBLISH and
# CLUSTER_PUBLISH name the published services, CONSOLE_PASSWORD_FILE the console password.
set -euo pipefail
ROOT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
in_root() { chroot "$ROOT" "$@"; }

for svc in node cluster; do
  src=NODE_PUBLISH; [[ $svc == cluster ]] && src=CLUSTER_PUBLISH
  install -d "$ROOT/usr/lib/appliance/$svc"
  find "${!src}" -maxdepth 1 -type f ! -name '*.dbg' ! -name '*.pdb' -exec install -m 0755 {} "$ROOT/usr/lib/appliance/$svc/" \;
  ln -sf "../lib/appliance/$svc/appliance-$svc" "$ROOT/usr/bin/appliance-$svc"
done
cp -a "$HERE/rootfs/." "$ROOT/"
in_root systemctl enable appliance-firstboot.service appliance-node.service appliance-cluster.service \
  systemd-networkd.service libvirtd.service >/dev/null 2>&1
in_root systemctl disable etcd.service >/dev/null 2>&1 || true   # the cluster service runs etcd itself
printf 'IMAGE_ID=appliance-os\nIMAGE_VERSION=%s\n' "$VERSION" >> "$ROOT/usr/lib/os-release"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
echo appliance > "$ROOT/etc/hostname"
# First boot makes the SSH host keys (appliance-firstboot) and the machine ID (systemd; see build-os.sh).
rm -f "$ROOT"/etc/ssh/ssh_host_*
# appliance-firstboot configures the host; systemd's interactive wizard would wait at the console for a locale.
in_root systemctl mask systemd-firstboot.service >/dev/null 2>&1
echo "root:$(cat "$CONSOLE_PASSWORD_FILE")" | in_root chpasswd
KVER=$(basename "$(ls -d "$ROOT"/usr/lib/modules/*)")
ln -sf "vmlinuz-$KVER" "$ROOT/boot/vmlinuz"
ln -sf "initrd.img-$KVER" "$ROOT/boot/initrd.img"
in_root dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' > "$MANIFEST"
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*.log
