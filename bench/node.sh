#!/usr/bin/env bash
# Node agent benchmark: create-to-ready, graceful shutdown, live migration (total and downtime)
# between two hypervisor hosts on this machine, and the agent's memory. Needs root and libvirt.
# Optional argument: the number of boot runs (default 3). The table also goes to bench/out/node.json.
set -euo pipefail
cd "$(dirname "$0")/.."
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(mktemp /tmp/node-bench.XXXXXX)
trap 'rm -f "$rows"' EXIT
BENCH_ROWS=$rows dotnet run --project bench/Appliance.Node.Bench -c Release -- "$@"
python3 bench/write-json.py node "$rows" --load "$load_before" boot_runs="${1:-3}"
