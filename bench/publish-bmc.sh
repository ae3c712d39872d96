#!/usr/bin/env bash
# Publishes appliance-bmc NativeAOT, as the firmware ships it, into .artifacts/bench-bmc and prints the
# binary's path. The benches measure this binary unless told otherwise; dotnet publish is incremental,
# so the second bench of a run reuses the first one's publish.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/.artifacts/bench-bmc
mkdir -p "$out"
echo "publishing appliance-bmc NativeAOT into $out ..." >&2
dotnet publish bmc/Appliance.Bmc -c Release -r linux-x64 -p:PublishAot=true \
  --artifacts-path "$out" -o "$out/publish" -v quiet -nologo >"$out/publish.log" 2>&1 \
  || { echo "publish-bmc.sh: NativeAOT publish failed; see $out/publish.log" >&2; exit 1; }
echo "$out/publish/appliance-bmc"
