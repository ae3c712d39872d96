#!/usr/bin/env bash
# Redfish throughput, latency, server CPU per request and memory, for the ways clients use the service:
#   keep-alive TLS (wrk): the service root without credentials and with Basic auth, the computer
#     system with Basic auth and with a session token, and GET Sensors?$expand=. with a session
#     token twice, saturated and paced (about 5,000 requests/s offered);
#   a new TLS connection per request (curl over HTTP/1.1, as redfishtool and sushy speak it, with a
#     full handshake each time, as every redfishtool or curl command makes): the service root
#     without credentials, the computer system with Basic auth.
# Each row gives requests/s, p50/p99 latency (for new connections: connect, handshake and request,
# as the user waits for them) and the BMC's CPU time per request (user + system, from
# /proc/<pid>/stat before and after the run, less what it spends idle); then the BMC's RSS at idle
# and after the load. The table also goes to bench/out/redfish.json.
#   bench/redfish.sh                  the NativeAOT binary (bench/publish-bmc.sh publishes it into .artifacts/bench-bmc)
#   REDFISH_BENCH_JIT=1 bench/redfish.sh   the JIT build from ./build.sh build instead
#   REDFISH_BENCH_BINARY=PATH bench/redfish.sh   an appliance-bmc binary built elsewhere
#   REDFISH_BENCH_SECONDS=N (default 20 per run), REDFISH_BENCH_CONNECTIONS=N (default 16, keep-alive runs),
#   REDFISH_BENCH_CLIENTS=N (default 2 concurrent curl clients, new-connection runs),
#   REDFISH_BENCH_LOG_LEVEL=LEVEL (default: the BMC's own default), REDFISH_BENCH_ONLY=name,... (some rows only:
#   root, root-basic, system-basic, system-token, new-root, new-system-basic, sensors, sensors-paced)
# The board is simulated in its own process (appliance-board-sim), as on the rack, so the CPU time
# and RSS are the BMC service's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
seconds=${REDFISH_BENCH_SECONDS:-20}
connections=${REDFISH_BENCH_CONNECTIONS:-16}
clients=${REDFISH_BENCH_CLIENTS:-2}
for tool in wrk curl python3; do
  command -v $tool >/dev/null || { echo "redfish.sh: $tool missing (./build.sh setup installs it)" >&2; exit 1; }
done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ -n ${REDFISH_BENCH_BINARY:-} ]]; then
  bmc=$REDFISH_BENCH_BINARY
  kind="$bmc"
elif [[ ${REDFISH_BENCH_JIT:-0} == 1 ]]; then
  bmc=$ROOT/bmc/Appliance.Bmc/bin/Release/net10.0/appliance-bmc
  kind="JIT (Release build)"
else
  bmc=$(bench/publish-bmc.sh)
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
  --ipmi off --redfish "127.0.0.1:$port" --admin-password-file "$dir/admin-password" \
  ${REDFISH_BENCH_LOG_LEVEL:+--log-level "$REDFISH_BENCH_LOG_LEVEL"} >"$dir/bmc.log" 2>&1 &
pid=$!
url=https://127.0.0.1:$port
for _ in $(seq 300); do curl -ksf "$url/redfish/v1/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -ksf "$url/redfish/v1/" >/dev/null || { echo "redfish.sh: the BMC did not start; log:" >&2; cat "$dir/bmc.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
# The BMC's user + system CPU time so far, in clock ticks (fields 14 and 15 of /proc/<pid>/stat).
ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
now() { date +%s.%N; }

token=$(curl -ks -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"UserName\": \"admin\", \"Password\": \"$password\"}" "$url/redfish/v1/SessionService/Sessions" \
  | awk -F': ' 'tolower($1) == "x-auth-token" {print $2}' | tr -d '\r')
[[ -n $token ]] || { echo "redfish.sh: could not log in" >&2; exit 1; }
basic=$(printf 'admin:%s' "$password" | base64)
sensors="$url/redfish/v1/Chassis/chassis/Sensors?\$expand=."
bytes=$(curl -ks -H "X-Auth-Token: $token" "$sensors" | wc -c)
for check in "/redfish/v1/Systems/system"; do
  code=$(curl -ks -o /dev/null -w '%{http_code}' -u "admin:$password" "$url$check")
  [[ $code == 200 ]] || { echo "redfish.sh: GET $check with Basic auth answered $code" >&2; exit 1; }
done

# Warm up (first handshakes, code paths, caches), then learn what the BMC spends idle.
wrk -t2 -c4 -d3s -H "Authorization: Basic $basic" "$url/redfish/v1/Systems/system" >/dev/null
for _ in $(seq 20); do curl -ks -o /dev/null -H 'Connection: close' "$url/redfish/v1/"; done
sleep 2
idle=$(rss)
idle_seconds=10
t0=$(now); c0=$(ticks); sleep $idle_seconds; c1=$(ticks); t1=$(now)
idle_per_second=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.6f", c / hz / (t1 - t0)}')

echo "appliance-bmc $kind, log level ${REDFISH_BENCH_LOG_LEVEL:-default}, $(nproc) cores, load average before the runs: $load_before"
echo "keep-alive rows: wrk 2 threads, $connections connections; new-connection rows: $clients curl clients, one full TLS handshake per request; ${seconds}s per run"
echo "idle BMC CPU: $(awk -v s="$idle_per_second" 'BEGIN {printf "%.1f", s * 100}')% of a core"

rows=$dir/rows.tsv
: >"$rows"
table=()
wanted() { [[ -z ${REDFISH_BENCH_ONLY:-} ]] || [[ ,$REDFISH_BENCH_ONLY, == *,$1,* ]]; }

# Server CPU per request in microseconds: CPU ticks over the run, less idle, over the requests.
cpu_per_request() { # ticks elapsed_seconds requests
  awk -v c="$1" -v hz="$hz" -v t="$2" -v n="$3" -v idle="$idle_per_second" \
    'BEGIN { if (n <= 0) { print "n/a"; exit } v = (c / hz - idle * t) / n * 1e6; if (v < 0) v = 0; printf "%.0f", v }'
}

# One row: name, label, then the measured figures: requests/s, p50 ms, p99 ms, CPU us, errors.
record() {
  local name=$1 label=$2 rps=$3 p50=$4 p99=$5 cpu=$6 errors=$7
  table+=("$(printf '%-72s %9s %9s %9s %10s%s' "$label" "$rps" "$p50" "$p99" "$cpu" "${errors:+  ($errors)}")")
  printf '%s\t%s\t%s\n' "$label: requests per second" "$rps" "requests/s" >>"$rows"
  printf '%s\t%s\t%s\n' "$label: latency p50" "$p50" "ms" >>"$rows"
  printf '%s\t%s\t%s\n' "$label: latency p99" "$p99" "ms" >>"$rows"
  printf '%s\t%s\t%s\n' "$label: server CPU per request" "$cpu" "us" >>"$rows"
  [[ -z $errors ]] || printf '%s\t%s\t%s\n' "$label: failed requests" "${errors%% *}" "requests" >>"$rows"
  eval "cpu_$(tr '-' '_' <<<"$name")=$cpu"
}

# wrk's latency column in ms, whatever unit it printed.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u); f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", n * f }'; }

# A keep-alive run with wrk: name, label, extra wrk arguments..., URL.
keepalive() {
  local name=$1 label=$2; shift 2
  wanted "$name" || return 0
  echo "== $label" >&2
  local c0 t0 c1 t1
  c0=$(ticks); t0=$(now)
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" >"$dir/wrk-$name.txt"
  c1=$(ticks); t1=$(now)
  local requests rps p50 p99 errors
  requests=$(awk '/requests in/ {print $1}' "$dir/wrk-$name.txt")
  rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$dir/wrk-$name.txt")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$dir/wrk-$name.txt")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$dir/wrk-$name.txt")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {if (n) print n " failed"}' "$dir/wrk-$name.txt")
  record "$name" "$label" "$rps" "$p50" "$p99" "$(cpu_per_request "$((c1 - c0))" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$requests")" "$errors"
}

# A new-connection run: each client is a loop of curl processes, each making 200 requests with
# "Connection: close" and no TLS session reuse, so every request pays a full handshake, as one
# redfishtool or curl command per request does. name, label, extra curl arguments..., URL.
newconnection() {
  local name=$1 label=$2; shift 2
  wanted "$name" || return 0
  echo "== $label" >&2
  local target=${*: -1} config=$dir/curl-$name.conf
  : >"$config"
  for _ in $(seq 200); do printf 'url = "%s"\noutput = "/dev/null"\n' "$target" >>"$config"; done
  local c0 t0 c1 t1 deadline
  c0=$(ticks); t0=$(now)
  deadline=$(awk -v t="$t0" -v s="$seconds" 'BEGIN {printf "%.3f", t + s}')
  local loops=()
  for n in $(seq "$clients"); do
    (
      while awk -v d="$deadline" -v t="$(now)" 'BEGIN {exit !(t < d)}'; do
        curl -ks --http1.1 --no-sessionid -H 'Connection: close' -w '%{http_code} %{time_total}\n' "${@:1:$#-1}" -K "$config" || true
      done >"$dir/curl-$name-$n.txt"
    ) &
    loops+=($!)
  done
  wait "${loops[@]}"
  c1=$(ticks); t1=$(now)
  cat "$dir"/curl-"$name"-*.txt >"$dir/curl-$name.txt"
  local requests rps p50 p99 errors
  requests=$(wc -l <"$dir/curl-$name.txt")
  rps=$(awk -v n="$requests" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
  read -r p50 p99 < <(awk '{print $2 * 1000}' "$dir/curl-$name.txt" | sort -n \
    | awk '{v[NR] = $1} END {i50 = int(NR * 0.5); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.2f %.2f\n", v[i50], v[i99]}')
  errors=$(awk '$1 != 200 {n++} END {if (n) print n " failed"}' "$dir/curl-$name.txt")
  record "$name" "$label" "$rps" "$p50" "$p99" "$(cpu_per_request "$((c1 - c0))" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$requests")" "$errors"
}

keepalive root "keep-alive, no credentials, GET /redfish/v1/" "$url/redfish/v1/"
keepalive root-basic "keep-alive, Basic auth, GET /redfish/v1/" -H "Authorization: Basic $basic" "$url/redfish/v1/"
keepalive system-basic "keep-alive, Basic auth, GET Systems/system" -H "Authorization: Basic $basic" "$url/redfish/v1/Systems/system"
keepalive system-token "keep-alive, session token, GET Systems/system" -H "X-Auth-Token: $token" "$url/redfish/v1/Systems/system"
newconnection new-root "new TLS connection, no credentials, GET /redfish/v1/" "$url/redfish/v1/"
newconnection new-system-basic "new TLS connection, Basic auth, GET Systems/system" -u "admin:$password" "$url/redfish/v1/Systems/system"
keepalive sensors "keep-alive, session token, GET Sensors?\$expand=. ($bytes B), saturated" -H "X-Auth-Token: $token" "$sensors"
# Each connection of the paced run waits 2 ms between answers: about 5,000 requests/s offered.
echo 'function delay() return 2 end' >"$dir/paced.lua"
keepalive sensors-paced "keep-alive, session token, GET Sensors?\$expand=. ($bytes B), paced" -s "$dir/paced.lua" -H "X-Auth-Token: $token" "$sensors"

after=$(rss)
echo
printf '%-72s %9s %9s %9s %10s\n' "request" "req/s" "p50 ms" "p99 ms" "CPU us/req"
printf '%s\n' "${table[@]}"
if [[ -n ${cpu_root:-} && -n ${cpu_root_basic:-} && $cpu_root != n/a && $cpu_root_basic != n/a ]]; then
  added=$((cpu_root_basic - cpu_root))
  echo "Basic auth adds ${added} us of server CPU per keep-alive request (root with Basic auth less root without)"
  printf '%s\t%s\t%s\n' "Basic auth, server CPU added per keep-alive request" "$added" "us" >>"$rows"
fi
logged=$(wc -l <"$dir/bmc.log")
echo "redfish: RSS idle $idle MB, after the runs $after MB; the BMC wrote $logged log lines in all"
printf '%s\t%s\t%s\n' "RSS idle" "$idle" "MB" "RSS after the runs" "$after" "MB" "log lines written over the whole bench" "$logged" "lines" >>"$rows"
echo "(targets: >= 5000 requests/s, p99 < 10 ms, RSS < 40 MB; new TLS connection <= 1.0 ms server CPU; Basic auth adds <= 40 us)"
echo "(other work on this machine competes for the same cores: compare the load average above with the core count)"
python3 bench/write-json.py redfish "$rows" --load "$load_before" binary="$kind" seconds="$seconds" \
  keepalive_connections="$connections" curl_clients="$clients" log_level="${REDFISH_BENCH_LOG_LEVEL:-default}" \
  idle_cpu_percent="$(awk -v s="$idle_per_second" 'BEGIN {printf "%.2f", s * 100}')"
