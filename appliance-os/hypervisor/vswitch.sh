#!/usr/bin/env bash
# Open vSwitch without systemd: the two daemons of openvswitch-switch, started and stopped by hand.
#
#   vswitch.sh start  <dir>   start ovsdb-server and ovs-vswitchd unless Open vSwitch already runs;
#                             prints "started" (this folder owns them) or "running" (someone else's)
#   vswitch.sh stop   <dir>   stop the daemons that "start <dir>" started; others are left alone
#   vswitch.sh status         exit 0 when both daemons answer
#
# The daemons use the system's run directory (/run/openvswitch), because that is where libvirtd and
# ovs-vsctl look for the database; the database (new at each start, so no bridge outlives its
# owner) and the logs live in <dir>. Bridges on the kernel datapath need the openvswitch kernel
# module; where it is missing, ovs-vswitchd still switches frames itself for bridges created with
# datapath_type=netdev (the node agent picks that datapath then).
# Needs root and openvswitch-switch.
set -euo pipefail

fail() { echo "vswitch: $*" >&2; exit 1; }

RUN=/run/openvswitch
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

cmd=${1:-}
[[ $cmd == status || -n ${2:-} ]] || fail "usage: vswitch.sh start|stop <dir>  or  vswitch.sh status"

# Alive and not a zombie (a daemon that exited but was not reaped yet).
alive() { [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat") != Z ]]; }
pid_of() { [[ -f $RUN/$1.pid ]] && cat "$RUN/$1.pid"; }
answers() {
  ovs-vsctl --timeout=2 show >/dev/null 2>&1 && ovs-appctl --timeout=2 -t ovs-vswitchd version >/dev/null 2>&1
}

start() {
  local dir=$1
  command -v ovs-vswitchd >/dev/null || fail "Open vSwitch is not installed (apt-get install openvswitch-switch)"
  [[ $(id -u) -eq 0 ]] || fail "must run as root"
  if answers; then
    [[ -f $dir/started ]] && echo started || echo running
    return 0
  fi
  local p
  for daemon in ovs-vswitchd ovsdb-server; do
    p=$(pid_of $daemon || true)
    [[ -n $p ]] && alive "$p" && fail "$daemon (pid $p) runs, but Open vSwitch as a whole does not answer; stop it first (ovs-appctl -t $daemon exit)"
  done
  mkdir -p "$dir" "$RUN"
  dir=$(cd "$dir" && pwd)
  # Left behind by daemons that were killed: the new ones would refuse the pid files.
  rm -f "$RUN"/db.sock "$RUN"/*.pid "$RUN"/*.ctl "$dir/conf.db" "$dir/started"
  ovsdb-tool create "$dir/conf.db" "$SCHEMA" || fail "ovsdb-tool could not create $dir/conf.db"
  ovsdb-server "$dir/conf.db" --remote=punix:"$RUN/db.sock" \
    --pidfile="$RUN/ovsdb-server.pid" --log-file="$dir/ovsdb-server.log" -vconsole:off --no-chdir --detach \
    2>>"$dir/ovsdb-server.stderr" || fail "ovsdb-server did not start; see $dir/ovsdb-server.log and .stderr"
  touch "$dir/started"
  ovs-vsctl --no-wait init
  ovs-vswitchd unix:"$RUN/db.sock" \
    --pidfile="$RUN/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" -vconsole:off --no-chdir --detach \
    2>>"$dir/ovs-vswitchd.stderr" || fail "ovs-vswitchd did not start; see $dir/ovs-vswitchd.log and .stderr"
  answers || fail "Open vSwitch started but does not answer; see $dir/ovs-vswitchd.log"
  # Stop ends exactly these processes, even if the run directory changes hands meanwhile.
  cp "$RUN/ovsdb-server.pid" "$RUN/ovs-vswitchd.pid" "$dir/"
  echo started
}

stop() {
  local dir=$1
  [[ -f $dir/started ]] || return 0
  local p
  for daemon in ovs-vswitchd ovsdb-server; do
    p=$(cat "$dir/$daemon.pid" 2>/dev/null || true)
    [[ -n $p ]] && alive "$p" || continue
    ovs-appctl --timeout=5 -t "$daemon" exit >/dev/null 2>&1 || kill "$p" 2>/dev/null || true
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -9 "$p" 2>/dev/null || true
  done
  rm -f "$RUN"/db.sock "$dir/started" "$dir"/*.pid
}

case $cmd in
  start) start "$2" ;;
  stop) stop "$2" ;;
  status) answers ;;
  *) fail "unknown command '$cmd' (start, stop or status)" ;;
esac
