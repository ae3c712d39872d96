#!/usr/bin/env bash
# IPMI over LAN, side by side with OpenIPMI's ipmi_sim (bench/ipmi-sim.sh), driven by the same clients:
#   1. median wall time of a whole `ipmitool -I lanplus -C 3 chassis status` process (and -C 17, ours only);
#   2. in-session Get Sensor Reading requests per second, one session and eight concurrent sessions;
#   3. RMCP+ sessions opened and closed per second.
# Prints a table with both columns, the ratio, and each server's CPU time per operation.
# The in-session figures come from a lean RMCP+ console (bench/Appliance.Bench.Ipmi/LeanSession.cs, on
# the protocol library's RAKP, session crypto and codec): real sessions with AES-CBC-128 and the
# integrity check both ways, requests built before the clock starts and one answer in 16 checked in full, so that on a small machine the servers, not the
# client, are what is measured. Throughput on loopback is mostly the kernel's send, receive and
# wake-up work; the CPU-per-operation column says what each server itself spends, and the same loads
# against a server that does no work at all (bench/udp-echo.c) show the most a server answering
# from one thread could reach with these clients on this machine (ipmi_sim answers from one thread;
# appliance-bmc takes datagrams on one thread per core, at most two, and can pass it, most with one client).
#   bench/ipmi.sh                         the NativeAOT binary, as the firmware ships it (bench/publish-bmc.sh)
#   IPMI_BENCH_JIT=1 bench/ipmi.sh        the JIT build from ./build.sh build instead
#   IPMI_BENCH_BINARY=PATH bench/ipmi.sh  an appliance-bmc binary built elsewhere
#   IPMI_BENCH_ARTIFACTS=DIR              take every binary from a `dotnet build --artifacts-path DIR` layout
#   IPMI_BENCH_SECONDS=N (default 10 per throughput run), IPMI_BENCH_RUNS=N (default 31 ipmitool runs per median)
#   IPMI_BENCH_ONLY=readings1,sessions1,...  some measures only (names in bench/Appliance.Bench.Ipmi/Program.cs)
# The table also goes to bench/out/ipmi.json.
# appliance-bmc runs on a board served by appliance-board-sim, as on the rack.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
command -v ipmitool >/dev/null || { echo "ipmi.sh: ipmitool missing (./build.sh setup installs it)" >&2; exit 1; }
command -v ipmi_sim >/dev/null || { echo "ipmi.sh: ipmi_sim missing: apt-get install openipmi (./build.sh setup does)" >&2; exit 1; }
command -v clang >/dev/null || { echo "ipmi.sh: clang missing (./build.sh setup installs it)" >&2; exit 1; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

artifacts=${IPMI_BENCH_ARTIFACTS:-}
if [[ -n $artifacts ]]; then
  bin() { echo "$ROOT/$artifacts/bin/$1/release/$2"; }
  build_args=(--artifacts-path "$ROOT/$artifacts")
else
  bin() { echo "$ROOT/$3/bin/Release/net10.0/$2"; }
  build_args=()
fi
if [[ -n ${IPMI_BENCH_BINARY:-} ]]; then
  bmc=$IPMI_BENCH_BINARY
elif [[ -n $artifacts || ${IPMI_BENCH_JIT:-0} == 1 ]]; then
  bmc=$(bin Appliance.Bmc appliance-bmc bmc/Appliance.Bmc)
else
  bmc=$(bench/publish-bmc.sh)
fi
board_sim=$(bin Appliance.BoardSim appliance-board-sim hw/Appliance.BoardSim)
helper=$(bin Appliance.Bench.Ipmi appliance-bench-ipmi bench/Appliance.Bench.Ipmi)
for exe in "$bmc" "$board_sim"; do
  [[ -x $exe ]] || { echo "ipmi.sh: $exe is missing; run ./build.sh build first" >&2; exit 1; }
done
# The measuring client is in the solution; build it here too, for a build elsewhere (IPMI_BENCH_ARTIFACTS).
dotnet build bench/Appliance.Bench.Ipmi -c Release -v quiet -nologo "${build_args[@]}" >/dev/null \
  || { echo "ipmi.sh: building bench/Appliance.Bench.Ipmi failed" >&2; exit 1; }

dir=$(mktemp -d /tmp/ipmi-bench.XXXXXX)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap stop EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ours_port=$(free_port)
peer_port=$(free_port)
echo_port=$(free_port)
password=Bench-pass-1
printf '%s' "$password" >"$dir/admin-password"

"$board_sim" serve --board hw/boards/hc1.json --socket "$dir/board.sock" >"$dir/board.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -S $dir/board.sock ]] && break; sleep 0.05; done
"$bmc" --board hw/boards/hc1.json --board-socket "$dir/board.sock" --state-dir "$dir/state" --run-dir "$dir/run" \
  --ipmi "127.0.0.1:$ours_port" --redfish off --admin-password-file "$dir/admin-password" --log-level Warning >"$dir/bmc.log" 2>&1 &
bmc_pid=$!
pids+=($bmc_pid)
bench/ipmi-sim.sh "$peer_port" >"$dir/ipmi-sim.log" 2>&1 &
pids+=($!)
sim_script=$!
clang -O2 -o "$dir/udp-echo" bench/udp-echo.c || { echo "ipmi.sh: compiling bench/udp-echo.c failed" >&2; exit 1; }
"$dir/udp-echo" "$echo_port" >"$dir/echo.log" 2>&1 &
echo_pid=$!
pids+=($echo_pid)

ready() { ipmitool -I lanplus -H 127.0.0.1 -p "$1" -U "$2" -P "$3" -C 3 -N 1 -R 1 mc info >/dev/null 2>&1; }
for _ in $(seq 100); do ready "$ours_port" admin "$password" && break; sleep 0.1; done
ready "$ours_port" admin "$password" || { echo "ipmi.sh: appliance-bmc did not start; log:" >&2; cat "$dir/bmc.log" >&2; exit 1; }
for _ in $(seq 100); do grep -q listening "$dir/echo.log" && break; sleep 0.05; done
grep -q listening "$dir/echo.log" || { echo "ipmi.sh: the echo server did not start; log:" >&2; cat "$dir/echo.log" >&2; exit 1; }
for _ in $(seq 100); do ready "$peer_port" admin adminpass1 && break; sleep 0.1; done
ready "$peer_port" admin adminpass1 || { echo "ipmi.sh: ipmi_sim did not start; log:" >&2; cat "$dir/ipmi-sim.log" >&2; exit 1; }
sim_pid=$(pgrep -P "$sim_script" -x ipmi_sim || echo 0)

echo "appliance-bmc ($bmc) vs ipmi_sim ($(dpkg-query -W -f='${Version}' openipmi 2>/dev/null || echo unknown)), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "clients: ipmitool $(ipmitool -V | awk '{print $3}') processes, and a lean RMCP+ console (bench/Appliance.Bench.Ipmi) with one request in flight per session; all on loopback"
"$helper" --ours "$ours_port" --ours-user admin --ours-password "$password" --ours-pid "$bmc_pid" \
  --peer "$peer_port" --peer-user admin --peer-password adminpass1 --peer-pid "$sim_pid" \
  --echo "$echo_port" --echo-pid "$echo_pid" \
  --seconds "${IPMI_BENCH_SECONDS:-10}" --runs "${IPMI_BENCH_RUNS:-31}" --sensor 1 ${IPMI_BENCH_ONLY:+--only "$IPMI_BENCH_ONLY"} \
  --rows "$dir/rows.tsv"
python3 bench/write-json.py ipmi "$dir/rows.tsv" --load "$load_before" binary="$bmc" seconds="${IPMI_BENCH_SECONDS:-10}" \
  ipmitool_runs="${IPMI_BENCH_RUNS:-31}" ipmi_sim="$(dpkg-query -W -f='${Version}' openipmi 2>/dev/null || echo unknown)"
