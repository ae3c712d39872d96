#!/usr/bin/env bash
# Thermal step response of the default board's zones: overshoot, settle time and fan duty.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet bench/Appliance.Bench.Thermal/bin/Release/net10.0/Appliance.Bench.Thermal.dll hw/boards/hc1.json "$@"
