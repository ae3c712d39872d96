#!/usr/bin/env bash
# Starts the simulated rack: per node a simulated board (appliance-board-sim) and its BMC
# (appliance-bmc) on loopback, writes .rack/nodes.json and runs until Ctrl-C.
#   RACK_NODES=N (default 1)   how many nodes
#   RACK_DIR=DIR (default .rack) where state, logs and nodes.json go
#   BMC_BIN, BOARD_SIM_BIN      the executables (default: the Release build in the tree)
# Node k: IPMI on UDP 127.0.0.1:(6230+k), Redfish and the web console on https://127.0.0.1:(8440+k).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODES=${RACK_NODES:-1}
CONFIG=${CONFIG:-Release}
RACK=${RACK_DIR:-$ROOT/.rack}
BOARD=$ROOT/hw/boards/hc1.json
BOARD_SIM=${BOARD_SIM_BIN:-$ROOT/hw/Appliance.BoardSim/bin/$CONFIG/net10.0/appliance-board-sim}
BMC=${BMC_BIN:-$ROOT/bmc/Appliance.Bmc/bin/$CONFIG/net10.0/appliance-bmc}

for exe in "$BOARD_SIM" "$BMC"; do
  [[ -x $exe ]] || { echo "rack: $exe is missing; run ./build.sh build first" >&2; exit 1; }
done

pids=()
boards=()
stopping=0
stop() {
  trap - INT TERM EXIT
  stopping=1
  echo "stopping the rack" >&2
  # BMCs first: they put the fans in failsafe and release their lines on the way out.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${boards[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

mkdir -p "$RACK"
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
  ipmi_port=$((6230 + k))
  redfish_port=$((8440 + k))

  "$BOARD_SIM" serve --board "$BOARD" --socket "$dir/board.sock" --node "$k" >"$dir/board.log" 2>&1 &
  boards+=($!)
  for _ in $(seq 100); do [[ -S $dir/board.sock ]] && break; sleep 0.05; done

  "$BMC" --board "$BOARD" --board-socket "$dir/board.sock" --state-dir "$dir/state" --run-dir "$dir/run" \
    --hostname "node$k-bmc" --ipmi "127.0.0.1:$ipmi_port" --redfish "127.0.0.1:$redfish_port" \
    --admin-user admin --admin-password-file "$dir/admin-password" >"$dir/bmc.log" 2>&1 &
  pids+=($!)

  [[ $k -gt 1 ]] && nodes_json+=","
  nodes_json+=$(printf '\n  {"node": %d, "ipmiHost": "127.0.0.1", "ipmiPort": %d, "redfishUrl": "https://127.0.0.1:%d", "user": "admin", "password": "%s", "boardSocket": "%s", "bmcLog": "%s"}' \
    "$k" "$ipmi_port" "$redfish_port" "$password" "$dir/board.sock" "$dir/bmc.log")
done
nodes_json+=$'\n]'
(umask 077 && printf '%s\n' "$nodes_json" >"$RACK/nodes.json")

# Wait until each BMC has opened its front doors, or say why not.
for k in $(seq 1 "$NODES"); do
  for _ in $(seq 600); do grep -q "BMC ready" "$RACK/node$k/bmc.log" 2>/dev/null && break; sleep 0.05; done
  grep -q "BMC ready" "$RACK/node$k/bmc.log" || { echo "rack: node $k's BMC did not start; see $RACK/node$k/bmc.log" >&2; tail -5 "$RACK/node$k/bmc.log" >&2; exit 1; }
done

echo "simulated rack: $NODES node(s); credentials in $RACK/nodes.json"
printf '%-5s %-22s %-26s %-6s %s\n' node ipmi redfish user password
for k in $(seq 1 "$NODES"); do
  printf '%-5s %-22s %-26s %-6s %s\n' "$k" "udp 127.0.0.1:$((6230 + k))" "https://127.0.0.1:$((8440 + k))" admin "$(cat "$RACK/node$k/admin-password")"
done
echo
echo "try:  ipmitool -I lanplus -H 127.0.0.1 -p 6231 -U admin -P $(cat "$RACK/node1/admin-password") chassis status"
echo "      $BOARD_SIM ctl --socket $RACK/node1/board.sock status     (the board as a person at the rack sees it)"
echo "logs: $RACK/node<k>/bmc.log; Ctrl-C stops the rack"
wait -n "${pids[@]}" "${boards[@]}" || true
[[ $stopping == 1 ]] || echo "rack: a node process exited; see .rack/node*/bmc.log and board.log" >&2
