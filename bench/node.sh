#!/usr/bin/env bash
# Node agent benchmark: create-to-ready, graceful shutdown, live migration (total and downtime)
# between two hypervisor hosts on this machine, and the agent's memory. Needs root and libvirt.
# Optional argument: the number of boot runs (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project bench/Appliance.Node.Bench -c Release -- "$@"
