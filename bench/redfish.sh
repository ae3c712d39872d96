#!/usr/bin/env bash
# Redfish throughput and memory: GET /redfish/v1/Chassis/chassis/Sensors?$expand=. with a session
# token over keep-alive TLS, driven by wrk twice: saturated (as fast as the connections go) and
# paced (about 5,000 requests/s offered); prints requests/s and p50/p99 latency of each, and the
# BMC's RSS at idle and after the load.
#   bench/redfish.sh                  the NativeAOT binary (published into .artifacts/bench-redfish)
#   REDFISH_BENCH_JIT=1 bench/redfish.sh   the JIT build from ./build.sh build instead
#   REDFISH_BENCH_BINARY=PATH bench/redfish.sh   an appliance-bmc binary built elsewhere
#   REDFISH_BENCH_SECONDS=N (default 20), REDFISH_BENCH_CONNECTIONS=N (default 16)
# The board is simulated in its own process (appliance-board-sim), as on the rack, so the RSS is
# the BMC service's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
seconds=${REDFISH_BENCH_SECONDS:-20}
connections=${REDFISH_BENCH_CONNECTIONS:-16}
for tool in wrk curl; do
  command -v $tool >/dev/null || { echo "redfish.sh: $tool missing (./build.sh setup installs wrk)" >&2; exit 1; }
done

if [[ -n ${REDFISH_BENCH_BINARY:-} ]]; then
  bmc=$REDFISH_BENCH_BINARY
  kind="$bmc"
elif [[ ${REDFISH_BENCH_JIT:-0} == 1 ]]; then
  bmc=$ROOT/bmc/Appliance.Bmc/bin/Release/net10.0/appliance-bmc
  kind="JIT (Release build)"
else
  out=$ROOT/.artifacts/bench-redfish
  echo "publishing appliance-bmc NativeAOT into $out ..." >&2
  mkdir -p "$out"
  dotnet publish bmc/Appliance.Bmc -c Release -r linux-x64 -p:PublishAot=true \
    --artifacts-path "$out" -o "$out/publish" -v quiet -nologo >"$out/publish.log" 2>&1 \
    || { echo "redfish.sh: NativeAOT publish failed; see $out/publish.log" >&2; exit 1; }
  bmc=$out/publish/appliance-bmc
  kind="NativeAOT ($(du -h "$bmc" | cut -f1) binary)"
fi
[[ -x $bmc ]] || { echo "redfish.sh: $bmc is missing; run ./build.sh build first" >&2; exit 1; }

board_sim=${REDFISH_BENCH_BOARD_SIM:-$ROOT/hw/Appliance.BoardSim/bin/Release/net10.0/appliance-board-sim}
[[ -x $board_sim ]] || { echo "redfish.sh: $board_sim is missing; run ./build.sh build first" >&2; exit 1; }

dir=$(mktemp -d /tmp/redfish-bench.XXXXXX)
pid=
board=
stop() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ -n $board ]]; then kill "$board" 2>/dev/null || true; wait "$board" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap stop EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=Bench-pass-1
printf '%s' "$password" >"$dir/admin-password"
"$board_sim" serve --board hw/boards/hc1.json --socket "$dir/board.sock" >"$dir/board.log" 2>&1 &
board=$!
for _ in $(seq 100); do [[ -S $dir/board.sock ]] && break; sleep 0.05; done
"$bmc" --board hw/boards/hc1.json --board-socket "$dir/board.sock" --state-dir "$dir/state" --run-dir "$dir/run" --hostname bench-bmc \
  --ipmi off --redfish "127.0.0.1:$port" --admin-password-file "$dir/admin-password" --log-level Warning >"$dir/bmc.log" 2>&1 &
pid=$!
url=https://127.0.0.1:$port
for _ in $(seq 300); do curl -ksf "$url/redfish/v1/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -ksf "$url/redfish/v1/" >/dev/null || { echo "redfish.sh: the BMC did not start; log:" >&2; cat "$dir/bmc.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }
sleep 3
idle=$(rss)

token=$(curl -ks -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"UserName\": \"admin\", \"Password\": \"$password\"}" "$url/redfish/v1/SessionService/Sessions" \
  | awk -F': ' 'tolower($1) == "x-auth-token" {print $2}' | tr -d '\r')
[[ -n $token ]] || { echo "redfish.sh: could not log in" >&2; exit 1; }
target="$url/redfish/v1/Chassis/chassis/Sensors?\$expand=."
bytes=$(curl -ks -H "X-Auth-Token: $token" "$target" | wc -c)

echo "appliance-bmc $kind, $(nproc) cores, load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "GET /redfish/v1/Chassis/chassis/Sensors?\$expand=. ($bytes bytes), session token, TLS keep-alive; wrk 2 threads, $connections connections, ${seconds}s per run"

# Each connection of the paced run waits 2 ms between answers: about 5,000 requests/s offered.
echo 'function delay() return 2 end' >"$dir/paced.lua"
summary=()
for run in saturated paced; do
  script=()
  [[ $run == paced ]] && script=(-s "$dir/paced.lua")
  echo; echo "== $run"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "${script[@]}" -H "X-Auth-Token: $token" "$target" | tee "$dir/wrk-$run.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/wrk-$run.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk-$run.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk-$run.txt")
  errors=$(awk '/Non-2xx|Socket errors/' "$dir/wrk-$run.txt")
  summary+=("redfish ($run): $rps requests/s, p50 $p50, p99 $p99${errors:+; $errors}")
done

echo
printf '%s\n' "${summary[@]}"
echo "redfish: RSS idle $idle, after the runs $(rss) (targets: >= 5000 requests/s, p99 < 10 ms, RSS < 40 MB)"
echo "(other work on this machine competes for the same cores: compare the load average above with the core count)"
