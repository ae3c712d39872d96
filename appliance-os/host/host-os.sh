#!/usr/bin/env bash
# The operating system of a simulated node's host, as its board runs it
# (appliance-board-sim serve --host-os host-os.sh --host-dir <host-dir>):
#
#   host-os.sh boot     <host-dir>  POST has completed: the host's own namespaces (network, UTS, mount),
#                                   its link to the rack, the hypervisor, the node agent and, when
#                                   configured, the cluster service
#   host-os.sh shutdown <host-dir>  the ACPI power button: the cluster service stops, every VM gets its
#                                   ACPI shutdown (powered off after VM_SHUTDOWN_TIMEOUT), the agent and
#                                   the hypervisor stop. Returning is the host asking for S5
#   host-os.sh kill     <host-dir>  main power is gone: SIGKILL to every process in the host's namespaces
#                                   at once, VMs included; the host's link to the rack goes with them
#   host-os.sh status   <host-dir>  prints the pid of the process holding the host's namespaces and exits
#                                   0 while the host runs; exits 3 when it does not
#   host-os.sh console  <host-dir>  the host's serial console (the board runs it on the host's ttyS0 once POST
#                                   completes, and again whenever it exits): waits for the host to run, then a
#                                   root login shell in the host's namespaces (automatic, as a serial console
#                                   on a development image logs in)
#
# <host-dir> is the host's disk. Whoever builds the rack writes its configuration, host.conf, as
# KEY=value lines (# starts a comment; no quoting):
#   HOSTNAME=node1                     the host's name (its UTS namespace)
#   RACK_BRIDGE=apprack0               the rack's bridge in the machine's namespace, where the host's cable goes
#   ADDRESS=10.77.0.1/24               the host's rack address, on its only link rack0
#   GATEWAY=10.77.0.254                optional: default route (the machine's address on the bridge)
#   NODE_AGENT=/path/appliance-node    the node agent
#   CLUSTER_SERVICE=/path/appliance-cluster   optional: the cluster service; not started when empty
#   ETCD=etcd                          optional: the etcd binary the cluster service runs (default etcd)
#   SYSTEM_INTERFACE=/path/ipmi0.sock  optional: the host's /dev/ipmi0 (the board's socket), for the cluster service
#   SMBIOS=/path/DMI                   optional: the firmware's SMBIOS table (default <host-dir>/firmware/dmi/tables/DMI,
#                                      where the board leaves it, as /sys/firmware/dmi/tables/DMI on hardware)
#   VM_SHUTDOWN_TIMEOUT=60             optional: seconds a VM has to answer its ACPI shutdown
#   IMAGES=NAME:KIND:PATH ...          optional: images the OS comes with, imported into the agent at boot
#                                      (KIND kernel, initrd or disk; one already there is kept)
#
# What the host keeps on its disk: hypervisor/ (node-hypervisor.sh's folder: libvirt's state and
# logs, log/qemu/<vm>.log says how each VM stopped), node/ (the agent's images, VMs and console
# logs), cluster/ (the cluster service's state), log/ (host-os.log, appliance-node.log,
# appliance-cluster.log). run/ is its tmpfs: emptied at every boot and kill.
# Needs root (namespaces, veth, bind mounts).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
HYPERVISOR=$HERE/../hypervisor/node-hypervisor.sh
AGENT_PORT=8770
CLUSTER_PORT=7443
# The host's services log with the time, as the journal would record it.
LOG_TIME='yyyy-MM-dd HH:mm:ss.fff '
SETTINGS=(HOSTNAME RACK_BRIDGE ADDRESS GATEWAY NODE_AGENT CLUSTER_SERVICE ETCD SYSTEM_INTERFACE SMBIOS VM_SHUTDOWN_TIMEOUT IMAGES)

cmd=${1:-}
dir=${2:-}
[[ -n $cmd && -n $dir ]] || { echo "usage: host-os.sh boot|shutdown|kill|status|console <host-dir>" >&2; exit 2; }
[[ -d $dir ]] || { echo "host-os: $dir is not a folder" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
run=$dir/run
# The machine's end of the host's cable: one name per host folder, within the 15 characters Linux allows.
veth=vh$(printf '%s' "$dir" | sha1sum | cut -c1-10)
libvirt_uri="qemu:///system?socket=$dir/hypervisor/run/libvirt-sock"

say() {
  mkdir -p "$dir/log"
  printf '%s %s\n' "$(date '+%F %T.%3N')" "$*" >>"$dir/log/host-os.log"
  printf '%s\n' "$*"
}
fail() { say "$cmd failed: $*"; echo "host-os: $*" >&2; exit 1; }

# Alive and not a zombie.
alive() { [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; }

holder_pid() { cat "$run/holder.pid" 2>/dev/null; }

# The host runs while the process holding its namespaces does (a reused pid has other namespaces).
running() {
  local pid
  pid=$(holder_pid) || return 1
  [[ -n $pid && -f $run/netns ]] && [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$(cat "$run/netns")" ]]
}

inside() { nsenter -t "$(holder_pid)" -m -u -n -- "$@"; }

load_config() {
  local conf=$dir/host.conf n=0 line key known
  [[ -f $conf ]] || fail "$conf is missing: the host has no configuration"
  for key in "${SETTINGS[@]}"; do printf -v "conf_$key" '%s' ""; done
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line =~ ^([A-Z_]+)=(.*)$ ]] || fail "$conf:$n: '$line' is not KEY=value"
    key=${BASH_REMATCH[1]}
    known=0
    for k in "${SETTINGS[@]}"; do [[ $k == "$key" ]] && known=1; done
    ((known)) || fail "$conf:$n: unknown setting $key (known: ${SETTINGS[*]})"
    printf -v "conf_$key" '%s' "${BASH_REMATCH[2]}"
  done <"$conf"

  [[ $conf_HOSTNAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || fail "$conf: HOSTNAME='$conf_HOSTNAME' must be a host name such as node1"
  [[ -n $conf_RACK_BRIDGE && ${#conf_RACK_BRIDGE} -le 15 ]] || fail "$conf: RACK_BRIDGE='$conf_RACK_BRIDGE' must name the rack's bridge (up to 15 characters)"
  [[ $conf_ADDRESS =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$ ]] || fail "$conf: ADDRESS='$conf_ADDRESS' must be an IPv4 address with its prefix, such as 10.77.0.1/24"
  [[ -z $conf_GATEWAY || $conf_GATEWAY =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]] || fail "$conf: GATEWAY='$conf_GATEWAY' must be an IPv4 address, such as 10.77.0.254"
  [[ -x $conf_NODE_AGENT && -f $conf_NODE_AGENT ]] || fail "$conf: NODE_AGENT='$conf_NODE_AGENT' is not an executable file (build appliance-os/Appliance.Node)"
  [[ -z $conf_CLUSTER_SERVICE || (-x $conf_CLUSTER_SERVICE && -f $conf_CLUSTER_SERVICE) ]] || fail "$conf: CLUSTER_SERVICE='$conf_CLUSTER_SERVICE' is not an executable file"
  [[ -n $conf_ETCD ]] || conf_ETCD=etcd
  [[ -n $conf_SMBIOS ]] || conf_SMBIOS=$dir/firmware/dmi/tables/DMI
  [[ -n $conf_VM_SHUTDOWN_TIMEOUT ]] || conf_VM_SHUTDOWN_TIMEOUT=60
  [[ $conf_VM_SHUTDOWN_TIMEOUT =~ ^[0-9]+$ && $conf_VM_SHUTDOWN_TIMEOUT -ge 1 && $conf_VM_SHUTDOWN_TIMEOUT -le 3600 ]] \
    || fail "$conf: VM_SHUTDOWN_TIMEOUT='$conf_VM_SHUTDOWN_TIMEOUT' must be a number of seconds from 1 to 3600"
  local image
  for image in $conf_IMAGES; do
    [[ $image =~ ^[a-z0-9][a-z0-9._-]*:(kernel|initrd|disk):/[^:]+$ ]] || fail "$conf: IMAGES item '$image' must be NAME:KIND:PATH (KIND kernel, initrd or disk; PATH absolute)"
  done
  address=${conf_ADDRESS%/*}
}

# The images the OS comes with, through the agent's API as any client would import them.
import_images() {
  local image name kind path code
  for image in $conf_IMAGES; do
    IFS=: read -r name kind path <<<"$image"
    [[ -f $path ]] || { say "image $name: $path is missing; not imported"; continue; }
    code=$(nsenter -t "$(holder_pid)" -n -- curl -s -o "$run/image.out" -w '%{http_code}' --max-time 120 -X POST \
      -H 'Content-Type: application/json' -d "{\"name\": \"$name\", \"kind\": \"$kind\", \"path\": \"$path\"}" \
      "http://$address:$AGENT_PORT/api/v1/images") || code=000
    case $code in
      201) say "image $name: imported from $path" ;;
      409) ;; # imported at an earlier boot
      *) say "image $name: the agent answered $code: $(head -c 300 "$run/image.out" 2>/dev/null)" ;;
    esac
  done
  rm -f "$run/image.out"
}

# A service of the host: started in its namespaces, in a session of its own, logging to log/<name>.log.
start_service() {
  local name=$1
  shift
  nsenter -t "$(holder_pid)" -m -u -n -- setsid "$@" </dev/null >>"$dir/log/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

stop_service() {
  local name=$1 grace=$2 pid
  pid=$(cat "$run/$name.pid" 2>/dev/null) || return 0
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((grace * 10))); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    say "$name did not stop within $grace s; killed"
  else
    say "$name stopped"
  fi
  rm -f "$run/$name.pid"
}

# Every process in the host's namespaces (QEMU has a mount namespace of its own, but the host's network).
host_pids() {
  local net mnt uts
  net=$(cat "$run/netns" 2>/dev/null) || return 0
  mnt=$(cat "$run/mntns" 2>/dev/null || true)
  uts=$(cat "$run/utsns" 2>/dev/null || true)
  # Never the machine's own namespaces, whatever a damaged run/ says: that would be every process here.
  [[ $net != "$(readlink /proc/self/ns/net)" ]] || net=""
  [[ $mnt != "$(readlink /proc/self/ns/mnt)" ]] || mnt=""
  [[ $uts != "$(readlink /proc/self/ns/uts)" ]] || uts=""
  # Processes come and go while find reads /proc; those it misses are found on the next round.
  { find /proc/[0-9]*/ns/net /proc/[0-9]*/ns/mnt /proc/[0-9]*/ns/uts -maxdepth 0 -printf '%p %l\n' 2>/dev/null || true; } \
    | awk -v net="$net" -v mnt="$mnt" -v uts="$uts" -v self=$$ '
        (net != "" && $2 == net) || (mnt != "" && $2 == mnt) || (uts != "" && $2 == uts) { split($1, p, "/"); if (p[3] != self) print p[3] }' \
    | sort -u
}

boot() {
  load_config
  if running; then
    say "already running"
    return 0
  fi
  [[ -d /sys/class/net/$conf_RACK_BRIDGE ]] || fail "the rack bridge $conf_RACK_BRIDGE does not exist on this machine: the host's cable goes nowhere"
  local started=$SECONDS holder
  # The host's /run is a tmpfs: nothing in it, the hypervisor's included, outlives a power cycle.
  rm -rf "$run" "$dir/hypervisor/run"
  mkdir -p "$run" "$dir/log" "$dir/node" "$dir/hypervisor"
  ip link del "$veth" 2>/dev/null || true
  say "booting $conf_HOSTNAME"

  # The holder keeps the host's namespaces alive; every process of the host enters them.
  setsid unshare --mount --uts --net --propagation private -- sleep infinity </dev/null >/dev/null 2>&1 &
  holder=$!
  for _ in $(seq 50); do
    [[ $(readlink "/proc/$holder/ns/net" 2>/dev/null) != "$(readlink /proc/self/ns/net)" ]] && break
    sleep 0.1
  done
  [[ $(readlink "/proc/$holder/ns/net" 2>/dev/null) != "$(readlink /proc/self/ns/net)" ]] || fail "could not create the host's namespaces (unshare)"
  echo "$holder" >"$run/holder.pid"
  readlink "/proc/$holder/ns/net" >"$run/netns"
  readlink "/proc/$holder/ns/mnt" >"$run/mntns"
  readlink "/proc/$holder/ns/uts" >"$run/utsns"

  inside hostname "$conf_HOSTNAME"
  inside ip link set lo up
  # A sysfs mounted from inside shows this namespace's interfaces, which libvirt reads; the cgroup
  # tree under it is carried over so that libvirt still places its guests.
  inside /bin/sh -eu -c 'mkdir -p "$1" && mount --rbind /sys/fs/cgroup "$1" && mount -t sysfs sysfs /sys && mount --move "$1" /sys/fs/cgroup' \
    host-os "$run/cgroup" || fail "could not mount the host's /sys"

  # The host's only link: rack0, a veth whose other end is a port of the rack bridge (no address there).
  ip link add "$veth" type veth peer name rack0 netns "$holder" || fail "could not create the host's link $veth"
  echo 1 >"/proc/sys/net/ipv6/conf/$veth/disable_ipv6" 2>/dev/null || true
  ip link set "$veth" master "$conf_RACK_BRIDGE" up || fail "could not plug $veth into $conf_RACK_BRIDGE"
  inside ip addr add "$conf_ADDRESS" dev rack0
  inside ip link set rack0 up
  [[ -z $conf_GATEWAY ]] || inside ip route add default via "$conf_GATEWAY" || fail "no route to the gateway $conf_GATEWAY"
  say "network: rack0 $conf_ADDRESS on $conf_RACK_BRIDGE${conf_GATEWAY:+, default route via $conf_GATEWAY}"

  "$HYPERVISOR" start-in "$dir/hypervisor" "$holder" >/dev/null || fail "the hypervisor did not start"
  say "hypervisor: libvirtd $(cat "$dir/hypervisor/libvirtd.pid"), $libvirt_uri"

  start_service appliance-node "$conf_NODE_AGENT" \
    "--Node:Listen=http://$address:$AGENT_PORT" \
    "--Node:LibvirtUri=$libvirt_uri" \
    "--Node:StateDirectory=$dir/node" \
    "--Node:Acceleration=tcg" \
    "--Node:Network:Mode=linux-bridge" \
    "--Node:Migration:Address=$address" \
    "--Node:Capacity:Smbios=$conf_SMBIOS" \
    "--Logging:Console:FormatterOptions:TimestampFormat=$LOG_TIME"
  local agent
  agent=$(cat "$run/appliance-node.pid")
  for _ in $(seq 1200); do
    alive "$agent" || fail "appliance-node exited while starting: $(tail -n 3 "$dir/log/appliance-node.log" | tr '\n' ' ')"
    nsenter -t "$(holder_pid)" -n -- bash -c "exec 3<>/dev/tcp/$address/$AGENT_PORT" 2>/dev/null && break
    sleep 0.1
  done
  nsenter -t "$(holder_pid)" -n -- bash -c "exec 3<>/dev/tcp/$address/$AGENT_PORT" 2>/dev/null \
    || fail "appliance-node did not listen on $address:$AGENT_PORT within 120 s (see $dir/log/appliance-node.log)"
  say "appliance-node $agent: http://$address:$AGENT_PORT"
  import_images

  if [[ -n $conf_CLUSTER_SERVICE ]]; then
    mkdir -p "$dir/cluster"
    start_service appliance-cluster "$conf_CLUSTER_SERVICE" \
      "--Cluster:StateDirectory=$dir/cluster" \
      "--Cluster:NodeName=$conf_HOSTNAME" \
      "--Cluster:RackAddress=$address" \
      "--Cluster:Listen=https://$address:$CLUSTER_PORT" \
      "--Cluster:NodeAgent=http://$address:$AGENT_PORT" \
      "--Cluster:SystemInterface=$conf_SYSTEM_INTERFACE" \
      "--Cluster:Etcd=$conf_ETCD" \
      "--Logging:Console:FormatterOptions:TimestampFormat=$LOG_TIME"
    say "appliance-cluster $(cat "$run/appliance-cluster.pid"): https://$address:$CLUSTER_PORT"
  fi
  say "booted in $((SECONDS - started)) s"
}

# What libvirt-guests does at shutdown: the ACPI power button for every running guest, then power
# off those that have not stopped in time.
shutdown_vms() {
  local vms left vm waited=0
  vms=$(virsh -c "$libvirt_uri" list --name --state-running 2>/dev/null | sed '/^$/d') || true
  for vm in $vms; do
    virsh -c "$libvirt_uri" shutdown "$vm" --mode acpi >/dev/null 2>&1 && say "vm $vm: ACPI shutdown" \
      || say "vm $vm: could not press its ACPI power button"
  done
  left=$vms
  while [[ -n $left ]] && ((waited < conf_VM_SHUTDOWN_TIMEOUT * 10)); do
    sleep 0.1
    waited=$((waited + 1))
    left=$(virsh -c "$libvirt_uri" list --name 2>/dev/null | sed '/^$/d') || left=""
  done
  for vm in $vms; do
    if grep -qx "$vm" <<<"$left"; then
      virsh -c "$libvirt_uri" destroy "$vm" >/dev/null 2>&1 || true
      say "vm $vm: did not shut down within $conf_VM_SHUTDOWN_TIMEOUT s; powered off"
    else
      say "vm $vm: shut off"
    fi
  done
}

shutdown() {
  load_config
  if ! running; then
    say "not running"
    return 0
  fi
  say "ACPI power button: shutting down $conf_HOSTNAME"
  stop_service appliance-cluster 30
  shutdown_vms
  stop_service appliance-node 30
  "$HYPERVISOR" stop "$dir/hypervisor"
  say "hypervisor stopped"
  kill_host quiet
  say "shut down; requesting S5"
}

# Power gone: nothing of the host may run on, so everything in its namespaces dies at once.
kill_host() {
  local quiet=${1:-} pids killed=0
  for _ in $(seq 100); do
    pids=$(host_pids)
    [[ -z $pids ]] && break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    killed=$((killed + $(wc -w <<<"$pids")))
    sleep 0.05
  done
  [[ -z $(host_pids) ]] || fail "processes of the host survived SIGKILL: $(host_pids | tr '\n' ' ')"
  # The veth dies with the host's network namespace; one left over from an older boot is removed.
  ip link del "$veth" 2>/dev/null || true
  rm -rf "$run"
  [[ -n $quiet || $killed -eq 0 ]] || say "power lost: killed $killed processes"
}

# A serial line wants CR LF; the terminal may still be in its raw state.
console_say() { printf '%s\r\n' "$*"; }

console() {
  local waits=0
  until running; do
    [[ $waits -eq 0 ]] && console_say "host-os: waiting for the host to finish booting"
    waits=$((waits + 1))
    # The board starts the console again when this gives up.
    [[ $waits -le 1200 ]] || { console_say "host-os: the host is not running"; exit 1; }
    sleep 0.5
  done
  console_say ""
  console_say "$(inside hostname) login: root (automatic login on the serial console)"
  exec nsenter -t "$(holder_pid)" -m -u -n -- env -i TERM="${TERM:-vt220}" HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin bash --login
}

case $cmd in
  boot) boot ;;
  console) console ;;
  shutdown) shutdown ;;
  kill) kill_host ;;
  status)
    if running; then holder_pid; exit 0; fi
    exit 3
    ;;
  *) echo "host-os: unknown command '$cmd' (boot, shutdown, kill, status, console)" >&2; exit 2 ;;
esac
