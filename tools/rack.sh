#!/usr/bin/env bash
# Starts the simulated rack: per node a simulated board (appliance-board-sim) and its BMC
# (appliance-bmc) on loopback, and the node's host side whenever its board powers the host on
# (appliance-os/host/host-os.sh, run by the board); writes .rack/nodes.json and runs until Ctrl-C.
# With the cluster service built, it then forms the cluster: node 1's host is powered on through its
# BMC and initialises the cluster (.rack/cluster.json, the administrator's credentials); every other
# node is enrolled by its BMC, gets a join token and the cluster's address on its BMC (Redfish
# Oem.Appliance.Cluster) and stays dormant until someone powers it on. "node 1 ready" says it is done.
#   RACK_NODES=N (default 4)          how many nodes
#   RACK_CLUSTER=NAME (default rack)  the cluster's name
#   RACK_DIR=DIR (default .rack)      where state, logs, the hosts' disks and nodes.json go
#   RACK_SUBNET=A.B.C (default 10.77.0)   the rack network, a /24 (A.B.C.0/24 is taken too): host k is A.B.C.k,
#                                     BMC k's management address A.B.C.(100+k), the machine A.B.C.254
#   RACK_BRIDGE=NAME (default apprack0)   the rack's bridge on this machine
#   RACK_BOARD=FILE (default hw/boards/hc1.json)   the board every node has
#   RACK_IPMI_PORT=P, RACK_REDFISH_PORT=P (default 6230, 8440)   node k's BMC answers on P+k
#   BMC_BIN, BOARD_SIM_BIN, NODE_BIN  the executables (default: the Release build in the tree)
#   CLUSTER_BIN                       the cluster service; hosts start it when it is set or built (empty: no cluster)
#   CLI_BIN                           the appliance command the rack forms the cluster with
#   RACK_GUEST=DIR (default .cache/guest)   its kernel and initrd.img are imported into every host's agent
#                                     at boot as guest-kernel and guest-initrd (empty: none)
#   RACK_WAIT=S (default 900)         the longest the rack waits for node 1's host to boot and initialise the cluster
# Node k: its BMC answers IPMI on UDP 127.0.0.1:(6230+k) and 10.77.0.(100+k):623, Redfish and the web
# console on https://127.0.0.1:(8440+k) and https://10.77.0.(100+k); its host's agent is on
# http://10.77.0.k:8770 while the host is on.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODES=${RACK_NODES:-4}
CLUSTER_NAME=${RACK_CLUSTER:-rack}
WAIT=${RACK_WAIT:-900}
CONFIG=${CONFIG:-Release}
RACK=${RACK_DIR:-$ROOT/.rack}
SUBNET=${RACK_SUBNET:-10.77.0}
SUBNET=${SUBNET%.0/24}
BRIDGE=${RACK_BRIDGE:-apprack0}
BOARD=${RACK_BOARD:-$ROOT/hw/boards/hc1.json}
IPMI_BASE=${RACK_IPMI_PORT:-6230}
REDFISH_BASE=${RACK_REDFISH_PORT:-8440}
BOARD_SIM=${BOARD_SIM_BIN:-$ROOT/hw/Appliance.BoardSim/bin/$CONFIG/net10.0/appliance-board-sim}
BMC=${BMC_BIN:-$ROOT/bmc/Appliance.Bmc/bin/$CONFIG/net10.0/appliance-bmc}
NODE=${NODE_BIN:-$ROOT/appliance-os/Appliance.Node/bin/$CONFIG/net10.0/appliance-node}
CLUSTER=${CLUSTER_BIN-$ROOT/appliance-os/Appliance.Cluster/bin/$CONFIG/net10.0/appliance-cluster}
CLI=${CLI_BIN:-$ROOT/appliance-os/Appliance.Cli/bin/$CONFIG/net10.0/appliance}
HOST_OS=$ROOT/appliance-os/host/host-os.sh
# The test guest (./build.sh setup builds it): every host comes with its kernel and initrd, for a first VM.
GUEST=${RACK_GUEST-$ROOT/.cache/guest}
GATEWAY=$SUBNET.254

for exe in "$BOARD_SIM" "$BMC" "$NODE"; do
  [[ -x $exe ]] || { echo "rack: $exe is missing; run ./build.sh build first" >&2; exit 1; }
done
[[ -x $CLUSTER ]] || CLUSTER=""
[[ -z $CLUSTER || -x $CLI ]] || { echo "rack: $CLI is missing; run ./build.sh build first" >&2; exit 1; }
[[ $CLUSTER_NAME =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || { echo "rack: RACK_CLUSTER='$CLUSTER_NAME' must be a DNS label such as rack" >&2; exit 1; }
[[ $WAIT =~ ^[0-9]+$ && $WAIT -ge 10 ]] || { echo "rack: RACK_WAIT='$WAIT' must be a number of seconds, at least 10" >&2; exit 1; }
[[ $SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || { echo "rack: RACK_SUBNET='$SUBNET' must be an IPv4 /24, as its first three parts (10.77.0) or whole (10.77.0.0/24)" >&2; exit 1; }
[[ $NODES =~ ^[0-9]+$ && $NODES -ge 1 && $NODES -le 99 ]] || { echo "rack: RACK_NODES='$NODES' must be from 1 to 99" >&2; exit 1; }
# The rack network is this rack's alone: another rack (or anything else) on the bridge or the subnet would mix with it.
if [[ -e /sys/class/net/$BRIDGE ]]; then
  echo "rack: the bridge $BRIDGE exists already (another rack running?); set RACK_BRIDGE and RACK_SUBNET" >&2; exit 1
fi
if ip -4 -o addr show | grep -q " $SUBNET\.[0-9]*/"; then
  echo "rack: $SUBNET.0/24 is in use on this machine; set RACK_SUBNET" >&2; exit 1
fi

pids=()
boards=()
stopping=0
# SIGTERM, then SIGKILL for whatever has not ended within the grace period (seconds).
end_all() {
  local grace=$1 pid
  shift
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq $((grace * 10))); do
    local left=0
    # An ended child stays a zombie until waited for: it counts as ended.
    for pid in "$@"; do [[ -r /proc/$pid/stat && $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) != Z ]] && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait "$@" 2>/dev/null || true
}

stop() {
  # Once stopping, a second Ctrl-C or TERM must not cut the clean-up short (and leave the bridge).
  trap '' INT TERM
  trap - EXIT
  stopping=1
  echo "stopping the rack" >&2
  # BMCs first: they put the fans in failsafe and release their lines on the way out.
  end_all 30 "${pids[@]}"
  # A board that stops is AC power lost: it kills its host side on the way out.
  end_all 60 "${boards[@]}"
  # Whatever a board that died could not kill goes now, then the rack network.
  for k in $(seq 1 "$NODES"); do
    [[ -d $RACK/node$k/host ]] && "$HOST_OS" kill "$RACK/node$k/host" >/dev/null 2>&1 || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}
trap stop INT TERM EXIT

mkdir -p "$RACK"
# The rack's switch, with this machine on it: every host and the machine reach each other.
ip link add "$BRIDGE" type bridge
echo 1 >"/proc/sys/net/ipv6/conf/$BRIDGE/disable_ipv6" 2>/dev/null || true
ip addr add "$GATEWAY/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
nodes_json="["
for k in $(seq 1 "$NODES"); do
  dir=$RACK/node$k
  mkdir -p "$dir/state"
  # The run folder stands for the BMC's tmpfs: fresh on every start, as after AC power-up.
  rm -rf "$dir/run" && mkdir -p "$dir/run"
  if [[ ! -s $dir/admin-password ]]; then
    (umask 077 && head -c 512 /dev/urandom | LC_ALL=C tr -dc 'a-km-zA-HJ-NP-Z2-9' | cut -c1-16 >"$dir/admin-password")
  fi
  password=$(cat "$dir/admin-password")
  ipmi_port=$((IPMI_BASE + k))
  redfish_port=$((REDFISH_BASE + k))
  address=$SUBNET.$k
  # The BMC's management port is on the rack network too: its address is this machine's, on the bridge.
  bmc_address=$SUBNET.$((100 + k))
  ip addr add "$bmc_address/24" dev "$BRIDGE"

  # The host's disk, with the configuration an installed OS would have (host-os.sh describes it).
  mkdir -p "$dir/host"
  chmod 755 "$RACK" "$dir" "$dir/host"
  cat >"$dir/host/host.conf" <<CONF
# node $k of the simulated rack (written by tools/rack.sh at every start)
HOSTNAME=node$k
RACK_BRIDGE=$BRIDGE
ADDRESS=$address/24
GATEWAY=$GATEWAY
NODE_AGENT=$NODE
CLUSTER_SERVICE=$CLUSTER
SYSTEM_INTERFACE=$dir/ipmi0.sock
CONF
  if [[ -n $GUEST && -f $GUEST/kernel && -f $GUEST/initrd.img ]]; then
    echo "IMAGES=guest-kernel:kernel:$GUEST/kernel guest-initrd:initrd:$GUEST/initrd.img" >>"$dir/host/host.conf"
  fi

  "$BOARD_SIM" serve --board "$BOARD" --socket "$dir/board.sock" --node "$k" \
    --host-os "$HOST_OS" --host-dir "$dir/host" --system-interface "$dir/ipmi0.sock" >"$dir/board.log" 2>&1 &
  boards+=($!)
  for _ in $(seq 100); do [[ -S $dir/board.sock ]] && break; sleep 0.05; done

  "$BMC" --board "$BOARD" --board-socket "$dir/board.sock" --state-dir "$dir/state" --run-dir "$dir/run" \
    --hostname "node$k-bmc" --ipmi "127.0.0.1:$ipmi_port" --ipmi "$bmc_address:623" \
    --redfish "127.0.0.1:$redfish_port" --redfish "$bmc_address:443" \
    --admin-user admin --admin-password-file "$dir/admin-password" >"$dir/bmc.log" 2>&1 &
  pids+=($!)

  [[ $k -gt 1 ]] && nodes_json+=","
  nodes_json+=$(printf '\n  {"node": %d, "ipmiHost": "127.0.0.1", "ipmiPort": %d, "redfishUrl": "https://127.0.0.1:%d", "user": "admin", "password": "%s", "boardSocket": "%s", "bmcLog": "%s", "rackAddress": "%s", "agentUrl": "http://%s:8770", "hostDir": "%s", "systemInterface": "%s", "bmcAddress": "%s"}' \
    "$k" "$ipmi_port" "$redfish_port" "$password" "$dir/board.sock" "$dir/bmc.log" "$address" "$address" "$dir/host" "$dir/ipmi0.sock" "$bmc_address")
done
nodes_json+=$'\n]'
(umask 077 && printf '%s\n' "$nodes_json" >"$RACK/nodes.json")

# Wait until each BMC has opened its front doors, or say why not.
for k in $(seq 1 "$NODES"); do
  for _ in $(seq 600); do grep -q "BMC ready" "$RACK/node$k/bmc.log" 2>/dev/null && break; sleep 0.05; done
  grep -q "BMC ready" "$RACK/node$k/bmc.log" || { echo "rack: node $k's BMC did not start; see $RACK/node$k/bmc.log" >&2; tail -5 "$RACK/node$k/bmc.log" >&2; exit 1; }
done

echo "simulated rack: $NODES node(s) on $BRIDGE ($SUBNET.0/24, this machine $GATEWAY); credentials in $RACK/nodes.json"
printf '%-5s %-22s %-26s %-16s %-6s %-18s %s\n' node ipmi redfish "bmc (rack)" user password "agent (host on)"
for k in $(seq 1 "$NODES"); do
  printf '%-5s %-22s %-26s %-16s %-6s %-18s %s\n' "$k" "udp 127.0.0.1:$((IPMI_BASE + k))" "https://127.0.0.1:$((REDFISH_BASE + k))" "$SUBNET.$((100 + k))" admin \
    "$(cat "$RACK/node$k/admin-password")" "http://$SUBNET.$k:8770"
done
echo
echo "try:  ipmitool -I lanplus -H 127.0.0.1 -p $((IPMI_BASE + 1)) -U admin -P $(cat "$RACK/node1/admin-password") chassis power on"
echo "      ipmitool -I lanplus -H $SUBNET.101 -U admin -P $(cat "$RACK/node1/admin-password") lan print 1     (the BMC on the rack network)"
echo "      curl http://$SUBNET.1:8770/api/v1/host/metrics     (once node 1's host has booted: $RACK/node1/host/log/host-os.log)"
echo "      $BOARD_SIM ctl --socket $RACK/node1/board.sock status     (the board as a person at the rack sees it)"
echo "logs: $RACK/node<k>/bmc.log, board.log, host/log/; Ctrl-C stops the rack"

# Everything below talks to the rack the way a person would: IPMI and Redfish to the BMCs, the appliance command to the cluster.
config=$RACK/cluster.json
appliance() { "$CLI" --config "$config" "$@"; }

# A condition, retried every 2 s for at most $1 seconds; the rack stops when it never holds.
wait_for() {
  local limit=$1 what=$2 started=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - started >= limit)); then
      echo "rack: $what did not happen within $limit s" >&2
      return 1
    fi
    kill -0 "${pids[0]}" 2>/dev/null || { echo "rack: node 1's BMC exited; see $RACK/node1/bmc.log" >&2; return 1; }
    sleep 2
  done
}

node_state() { appliance node list --json | jq -e --arg n "$1" --arg s "$2" 'any(.[]; .node == $n and .state == $s)'; }

form_cluster() {
  local k dir token state1
  # Node 1's host boots on a power button press at its BMC, as any other.
  if ! "$HOST_OS" status "$RACK/node1/host" >/dev/null 2>&1; then
    ipmitool -I lanplus -H 127.0.0.1 -p $((IPMI_BASE + 1)) -U admin -P "$(cat "$RACK/node1/admin-password")" -C 17 chassis power on >/dev/null \
      || { echo "rack: node 1's BMC refused to power its host on" >&2; return 1; }
  fi
  echo "node 1: powered on; its host boots (log: $RACK/node1/host/log/host-os.log)"
  local socket=$RACK/node1/host/cluster/control.sock
  wait_for "$WAIT" "node 1's cluster service ($socket)" test -S "$socket" || return 1
  if [[ -s $config && -s $RACK/node1/host/cluster/node.crt ]]; then
    echo "node 1: a member of the cluster in $config already (from an earlier start)"
  else
    rm -f "$config"
    wait_for 120 "appliance cluster init $CLUSTER_NAME" "$CLI" cluster init "$CLUSTER_NAME" --socket "$socket" --config "$config" || return 1
    echo "node 1: created cluster $CLUSTER_NAME; the administrator's credentials are in $config"
  fi
  # Any member answers the cluster API: the CLI tries every node's address in turn.
  local endpoints
  endpoints=$(for k in $(seq 1 "$NODES"); do printf 'https://%s.%d:7443\n' "$SUBNET" "$k"; done | jq -R . | jq -s .)
  jq --argjson e "$endpoints" '.endpoints = $e' "$config" >"$config.new" && chmod 600 "$config.new" && mv "$config.new" "$config"
  wait_for "$WAIT" "node 1 to be ready in the cluster" node_state node1 ready || return 1

  for k in $(seq 2 "$NODES"); do
    dir=$RACK/node$k
    if [[ -s $dir/host/cluster/node.crt ]]; then
      echo "node $k: a member already; its host joins again when powered on"
      continue
    fi
    # Known by its BMC before it ever boots (the cluster makes its own BMC account), so it shows as dormant.
    if ! appliance node list --json | jq -e --arg n "node$k" 'any(.[]; .node == $n)' >/dev/null; then
      wait_for 120 "enrolling node $k" appliance node enroll "node$k" --bmc "$SUBNET.$((100 + k))" --user admin --password-file "$dir/admin-password" || return 1
    fi
    token=$(appliance cluster join-token --ttl 24h) || { echo "rack: no join token for node $k" >&2; return 1; }
    jq -n --arg t "$token" --arg a "$SUBNET.1:7443" '{Oem: {Appliance: {Cluster: {JoinToken: $t, ClusterAddress: $a}}}}' \
      | curl -sk --fail-with-body -u "admin:$(cat "$dir/admin-password")" -X PATCH -H 'Content-Type: application/json' --data-binary @- \
          "https://127.0.0.1:$((REDFISH_BASE + k))/redfish/v1/Managers/bmc" >/dev/null \
      || { echo "rack: node $k's BMC did not take the join token" >&2; return 1; }
    echo "node $k: enrolled, dormant; its BMC holds a join token (24 h) and the cluster's address $SUBNET.1:7443"
  done
  echo
  echo "node 1 ready: cluster $CLUSTER_NAME at https://$SUBNET.1:7443"
  echo "walkthrough (from the repository; the appliance command finds the cluster through $config):"
  echo "  $CLI node list"
  echo "  $CLI vm create web1 --vcpus 1 --memory 128 --kernel guest-kernel --initrd guest-initrd --cmdline 'console=ttyS0 quiet'"
  echo "  ipmitool -I lanplus -H 127.0.0.1 -p $((IPMI_BASE + 2)) -U admin -P $(cat "$RACK/node2/admin-password" 2>/dev/null) chassis power on   (node 2 boots and joins)"
  echo "  $CLI node list     (node2: booting, joining, ready)"
  echo "  $CLI cluster settings --set minimumOnTime=1m --set powerOffWindow=1m --set demandWindow=1m   (an idle node is powered off within minutes)"
  echo "  $CLI power log     (every power decision and action: a VM that fits nowhere wakes a dormant node; README.md tells the rest)"
}

if [[ -n $CLUSTER ]]; then
  if ! form_cluster; then
    echo "rack: the cluster did not form; see $RACK/node1/host/log/ and $RACK/node1/bmc.log" >&2
    exit 1
  fi
fi
wait -n "${pids[@]}" "${boards[@]}" || true
[[ $stopping == 1 ]] || echo "rack: a node process exited; see $RACK/node*/bmc.log and board.log" >&2
