#!/usr/bin/env bash
# One simulated hypervisor host: a libvirtd (with its virtlogd) that has a world of its own.
#
#   node-hypervisor.sh start  <node-dir> [hostname [rack-bridge address/prefix]]
#                                         start it; prints the libvirt URI for local clients
#   node-hypervisor.sh start-in <node-dir> <pid>
#                                         start it inside the mount, UTS and network namespaces of
#                                         process <pid> (a host that already has its own hostname,
#                                         network and /sys); prints the URI
#   node-hypervisor.sh stop   <node-dir>  destroy its guests and networks, stop both daemons
#   node-hypervisor.sh uri    <node-dir>  print the URI local clients use
#   node-hypervisor.sh status <node-dir>  exit 0 when its libvirtd runs
#
# The daemons run in private mount and UTS namespaces, where <node-dir>/{run,lib,cache,log,etc}
# are bind-mounted over /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and
# /etc/libvirt, with their own host_uuid and hostname: two nodes on one machine are different
# hosts to libvirt and can live-migrate guests between them.
#
# Given a rack bridge and an address, the node also gets a network namespace of its own. Its only
# link, "rack0" with that address, is a veth whose other end joins the rack bridge (created here
# when missing, without an address, in the machine's own namespace). The node's bridges and guest
# ports then live and die with the node; migration streams run between rack addresses.
# Without a rack the node shares the machine's network and migrates over 127.0.0.1.
#
# With start-in, the namespaces are a host's own (appliance-os/host/host-os.sh makes them for a
# simulated node): the daemons' folders are bind-mounted there, and the host keeps its network.
#
# Clients outside reach a node as qemu:///system?socket=<node-dir>/run/libvirt-sock, another
# libvirtd (peer-to-peer migration) as qemu+unix:///system?socket=<node-dir>/run/libvirt-sock.
# Needs root (namespaces, bind mounts) and libvirt-daemon-system.
set -euo pipefail

fail() { echo "node-hypervisor: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
[[ -n $cmd && -n $dir ]] || fail "usage: node-hypervisor.sh start|start-in|stop|uri|status <node-dir> [hostname [rack-bridge address/prefix] | pid]"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock=$dir/run/libvirt-sock
uri="qemu:///system?socket=$sock"

# Alive and not a zombie (a daemon that exited but was not reaped yet).
alive() { [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat") != Z ]]; }
running() { [[ -f $dir/libvirtd.pid ]] && alive "$(cat "$dir/libvirtd.pid")"; }

prepare() {
  mkdir -p "$dir"/{run,lib,cache,log,etc}
  mkdir -p "$dir/lib/qemu" "$dir/lib/images" "$dir/lib/boot" "$dir/cache/qemu" "$dir/log/qemu" "$dir/etc/qemu/networks/autostart"
  chown libvirt-qemu:libvirt-qemu "$dir/lib/qemu" 2>/dev/null || true
  chmod 0751 "$dir/lib/qemu"
  if [[ ! -f $dir/etc/libvirtd.conf ]]; then
    # The system's settings, but none of its domains or networks: a new host starts empty.
    for f in libvirt.conf libvirtd.conf qemu.conf virtlogd.conf virtlockd.conf qemu-lockd.conf; do
      [[ -f /etc/libvirt/$f ]] && cp "/etc/libvirt/$f" "$dir/etc/$f"
    done
    [[ -d /etc/libvirt/nwfilter ]] && cp -r /etc/libvirt/nwfilter "$dir/etc/"
    [[ -f $dir/host-uuid ]] || cat /proc/sys/kernel/random/uuid > "$dir/host-uuid"
    printf '\n# this simulated host\nhost_uuid = "%s"\n' "$(cat "$dir/host-uuid")" >> "$dir/etc/libvirtd.conf"
  fi
}

start() {
  local name=${1:-$(basename "$dir")} rack=${2:-} address=${3:-}
  command -v libvirtd >/dev/null || fail "libvirtd is not installed (apt-get install libvirt-daemon-system)"
  [[ $(id -u) -eq 0 ]] || fail "must run as root (namespaces and bind mounts)"
  [[ -z $rack || -n $address ]] || fail "a rack bridge needs an address for the node, such as 10.77.0.1/24"
  if running; then echo "$uri"; return 0; fi
  prepare
  rm -f "$sock" "$dir/libvirtd.pid" "$dir/virtlogd.pid" "$dir/rack"
  local namespaces=(--mount --uts)
  [[ -n $rack ]] && namespaces+=(--net)
  unshare "${namespaces[@]}" --propagation private -- /bin/sh -eu -c '
    d=$1; name=$2; own_net=$3
    mount --bind "$d/run" /run/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$d/cache" /var/cache/libvirt
    mount --bind "$d/log" /var/log/libvirt
    mount --bind "$d/etc" /etc/libvirt
    hostname "$name"
    if [ "$own_net" = yes ]; then
      ip link set lo up
      # A sysfs mounted from inside shows this namespace'"'"'s interfaces, which libvirt reads;
      # the cgroup tree under it is carried over so that libvirt still places its guests.
      mkdir -p "$d/.cgroup"
      mount --rbind /sys/fs/cgroup "$d/.cgroup"
      mount -t sysfs sysfs /sys
      mount --move "$d/.cgroup" /sys/fs/cgroup
    fi
    virtlogd --daemon --pid-file "$d/virtlogd.pid"
    libvirtd --daemon --pid-file "$d/libvirtd.pid"
  ' node-hypervisor "$dir" "$name" "$([[ -n $rack ]] && echo yes || echo no)" \
    || fail "could not start libvirtd for $dir (see $dir/log/libvirtd.log)"
  for _ in $(seq 100); do
    [[ -S $sock && -f $dir/libvirtd.pid ]] && break
    sleep 0.1
  done
  [[ -S $sock ]] || fail "libvirtd for $dir did not create $sock within 10 s"
  if [[ -n $rack ]]; then
    local pid veth
    pid=$(cat "$dir/libvirtd.pid")
    veth="vr$(cut -c1-8 "$dir/host-uuid")"
    # The machine's side carries no address at all, not even an IPv6 link-local one.
    if ! ip link show "$rack" >/dev/null 2>&1; then
      ip link add "$rack" type bridge
      echo 1 > "/proc/sys/net/ipv6/conf/$rack/disable_ipv6" 2>/dev/null || true
    fi
    ip link set "$rack" up
    ip link add "$veth" type veth peer name rack0 netns "$pid" || fail "could not link $dir to rack bridge $rack"
    echo 1 > "/proc/sys/net/ipv6/conf/$veth/disable_ipv6" 2>/dev/null || true
    ip link set "$veth" master "$rack" up
    nsenter -t "$pid" -n ip addr add "$address" dev rack0
    nsenter -t "$pid" -n ip link set rack0 up
    echo "$rack" > "$dir/rack"
  fi
  echo "$uri"
}

# The daemons' world is a host's: its mount namespace gets their folders, the rest is the host's already.
start_in() {
  local pid=$1
  command -v libvirtd >/dev/null || fail "libvirtd is not installed (apt-get install libvirt-daemon-system)"
  [[ $(id -u) -eq 0 ]] || fail "must run as root (namespaces and bind mounts)"
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/ns/mnt ]] || fail "no process $pid whose namespaces to start in"
  if running; then echo "$uri"; return 0; fi
  prepare
  rm -f "$sock" "$dir/libvirtd.pid" "$dir/virtlogd.pid" "$dir/rack"
  nsenter -t "$pid" -m -u -n -- /bin/sh -eu -c '
    d=$1
    mount --bind "$d/run" /run/libvirt
    mount --bind "$d/lib" /var/lib/libvirt
    mount --bind "$d/cache" /var/cache/libvirt
    mount --bind "$d/log" /var/log/libvirt
    mount --bind "$d/etc" /etc/libvirt
    virtlogd --daemon --pid-file "$d/virtlogd.pid"
    libvirtd --daemon --pid-file "$d/libvirtd.pid"
  ' node-hypervisor "$dir" || fail "could not start libvirtd for $dir in the namespaces of $pid (see $dir/log/libvirtd.log)"
  for _ in $(seq 100); do
    [[ -S $sock && -f $dir/libvirtd.pid ]] && break
    sleep 0.1
  done
  [[ -S $sock ]] || fail "libvirtd for $dir did not create $sock within 10 s"
  echo "$uri"
}

stop() {
  if running; then
    # Guests and bridges would outlive their daemon; power the guests off and take the networks down.
    for dom in $(virsh -c "$uri" list --name 2>/dev/null); do
      virsh -c "$uri" destroy "$dom" >/dev/null 2>&1 || true
    done
    for net in $(virsh -c "$uri" net-list --name 2>/dev/null); do
      virsh -c "$uri" net-destroy "$net" >/dev/null 2>&1 || true
    done
    kill "$(cat "$dir/libvirtd.pid")" 2>/dev/null || true
    for _ in $(seq 100); do running || break; sleep 0.1; done
    running && kill -9 "$(cat "$dir/libvirtd.pid")" 2>/dev/null || true
  fi
  # Any QEMU left behind (a daemon killed hard) is found through its pid file.
  for pidfile in "$dir"/run/qemu/*.pid; do
    [[ -f $pidfile ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
  if [[ -f $dir/virtlogd.pid ]]; then
    kill "$(cat "$dir/virtlogd.pid")" 2>/dev/null || true
  fi
  rm -f "$dir/libvirtd.pid" "$dir/virtlogd.pid"
  # With the namespace gone its veth is gone; the last node to leave takes the rack bridge down.
  if [[ -f $dir/rack ]]; then
    local rack
    rack=$(cat "$dir/rack")
    for _ in $(seq 50); do
      [[ -z $(ls "/sys/class/net/$rack/brif" 2>/dev/null) ]] && break
      sleep 0.1
    done
    [[ -d /sys/class/net/$rack && -z $(ls "/sys/class/net/$rack/brif" 2>/dev/null) ]] && ip link del "$rack" 2>/dev/null || true
    rm -f "$dir/rack"
  fi
}

case $cmd in
  start) start "${3:-}" "${4:-}" "${5:-}" ;;
  start-in) start_in "${3:-}" ;;
  stop) stop ;;
  uri) echo "$uri" ;;
  status) running ;;
  *) fail "unknown command '$cmd' (start, start-in, stop, uri, status)" ;;
esac
