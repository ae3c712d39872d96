#!/usr/bin/env bash
# Thermal step response of the default board's zones: overshoot, settle time and fan duty.
# The table also goes to bench/out/thermal.json.
set -euo pipefail
cd "$(dirname "$0")/.."
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(mktemp /tmp/thermal-bench.XXXXXX)
trap 'rm -f "$rows"' EXIT
BENCH_ROWS=$rows dotnet bench/Appliance.Bench.Thermal/bin/Release/net10.0/Appliance.Bench.Thermal.dll hw/boards/hc1.json "$@"
python3 bench/write-json.py thermal "$rows" --load "$load_before" board=hw/boards/hc1.json overrides="$*"
