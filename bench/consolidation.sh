#!/usr/bin/env bash
# VM consolidation over a day of the PlanetLab trace: the cluster's placement and power policy
# beside NPA, THR-MMT-0.8 and LR-MMT-1.2, under CloudSim's rules and the real ones.
# TRACE=DIR picks another day's folder (default: the repository's ../shared/data/planetlab/20110303).
# Extra arguments go to the simulator (--rules cloudsim|real, --policy NAME, --log FILE, --set Setting=value).
set -euo pipefail
cd "$(dirname "$0")/.."
# ../shared sits beside the repository; from a worktree, beside the repository it belongs to.
common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
root=$PWD
if [[ -n $common && ! -d $root/../shared/data && -d $(dirname "$common")/../shared/data ]]; then
  root=$(dirname "$common")
fi
TRACE=${TRACE:-$root/../shared/data/planetlab/20110303}
mkdir -p bench/out
exec dotnet bench/Appliance.Bench.Consolidation/bin/Release/net10.0/Appliance.Bench.Consolidation.dll \
  --trace "$TRACE" --board hw/boards/hc1.json --out bench/out/consolidation.json "$@"
