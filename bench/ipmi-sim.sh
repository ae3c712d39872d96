#!/usr/bin/env bash
# The peer for side-by-side IPMI benchmarks: OpenIPMI's ipmi_sim on loopback, in the foreground.
#   bench/ipmi-sim.sh [port]        (default 9623; Ctrl-C or SIGTERM stops it)
# It offers what the appliance BMC is compared on: user "admin" / "adminpass1" (Administrator),
# RMCP+ with cipher suite 3 (this ipmi_sim has no suite 17), Get Device ID, Get Chassis Status and
# Chassis Control (power kept in a file), and sensor 1 on LUN 0 for Get Sensor Reading (reads 40h).
# Example load: ipmitool -I lanplus -H 127.0.0.1 -p 9623 -U admin -P adminpass1 -C 3 raw 0x04 0x2d 0x01
set -euo pipefail
port=${1:-9623}
command -v ipmi_sim >/dev/null || { echo "ipmi-sim.sh: ipmi_sim missing: apt-get install openipmi (./build.sh setup does)" >&2; exit 1; }
dir=$(mktemp -d /tmp/ipmi-sim.XXXXXX)
sim=
stop() {
  if [[ -n $sim ]]; then kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 0' INT TERM
mkdir -p "$dir/state"

cat > "$dir/chassis.sh" <<'SCRIPT'
#!/bin/sh
# ipmi_sim's chassis_control hook: "get power" prints power:N, "set power N" stores it.
dir=$(dirname "$0")
case "$1" in
  get) shift; for p in "$@"; do [ "$p" = power ] && echo "power:$(cat "$dir/power" 2>/dev/null || echo 0)"; done ;;
  set) shift; while [ $# -gt 1 ]; do [ "$1" = power ] && echo "$2" > "$dir/power"; shift 2; done ;;
esac
SCRIPT
chmod +x "$dir/chassis.sh"

cat > "$dir/lan.conf" <<CONF
name "bench"
set_working_mc 0x20
  chassis_control "$dir/chassis.sh"
  startlan 1
    addr 127.0.0.1 $port
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid a123456789abcdefa123456789abcdef
  endlan
  user 2 true "admin" "adminpass1" admin 16 md5
CONF

cat > "$dir/cmds.emu" <<'EMU'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sensor_add 0x20 0 1 0x01 0x01
sensor_set_value 0x20 0 1 0x40 0
mc_enable 0x20
EMU

echo "ipmi_sim on 127.0.0.1:$port (user admin, cipher suite 3)" >&2
ipmi_sim -c "$dir/lan.conf" -f "$dir/cmds.emu" -s "$dir/state" -n &
sim=$!
wait "$sim"
