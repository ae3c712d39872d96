#!/usr/bin/env bash
# The one entry point: ./build.sh setup | build | test [filter] | run | bench [name...]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIG=Release
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the product and its tests drive for real.
APT_PACKAGES=(
  ipmitool freeipmi-tools openipmi                      # IPMI clients and the peer BMC (ipmi_sim)
  redfishtool python3 python3-sushy                     # Redfish clients
  chromium                                              # browser for the web console tests
  libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils  # hypervisor
  libxml2-utils                                         # virt-xml-validate checks domain XML against libvirt's schemas
  openvswitch-switch                                    # the virtual switch (userspace datapath, started by the tests)
  linux-image-amd64 busybox-static cpio xz-utils genisoimage e2fsprogs  # test guests
  etcd-server etcd-client                               # cluster store
  wrk hyperfine                                         # benchmarks
  clang zlib1g-dev                                      # NativeAOT publish of the BMC (bench/redfish.sh), bench/udp-echo.c
  libgpiod2 sqlite3 iproute2 procps psmisc              # real-board GPIO, inspection, namespaces
  i2c-tools dmidecode                                   # decode-dimms and dmidecode check the simulated SPDs and SMBIOS
  util-linux bsdutils socat                             # setsid (the host's console), script (console clients on a terminal), a UART's pty pair
)

log() { printf '%s\n' "$*" >&2; }

setup() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
      log "setup: cannot install ${missing[*]}: run ./build.sh as root (apt-get needs it)"
    else
      log "setup: installing ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null || log "setup: apt-get update failed; trying the install anyway"
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || log "setup: apt-get install failed for some of: ${missing[*]}"
    fi
  fi
  dotnet restore Appliance.sln -v quiet
  if [[ -x appliance-os/guest/build-guest.sh ]]; then
    appliance-os/guest/build-guest.sh "$ROOT/.cache/guest"
  fi
}

build() {
  dotnet build Appliance.sln -c "$CONFIG" --no-restore -v quiet -nologo -clp:ErrorsOnly
}

# libvirtd and virtlogd for qemu:///system; CI has no systemd, so start them by hand.
start_hypervisor() {
  command -v libvirtd >/dev/null || { log "setup: libvirtd missing; hypervisor tests will fail"; return 0; }
  # Ask the system daemons themselves: tests run namespaced libvirtd instances that pgrep would also find.
  # A socket file can outlive its daemon (a killed virtlogd leaves it behind), so ask the daemon.
  if ! virt-admin -c virtlogd:///system version >/dev/null 2>&1; then virtlogd -d; fi
  for _ in $(seq 50); do virt-admin -c virtlogd:///system version >/dev/null 2>&1 && break; sleep 0.1; done
  if ! virsh -c qemu:///system version >/dev/null 2>&1; then libvirtd -d; fi
  for _ in $(seq 100); do virsh -c qemu:///system version >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "setup: libvirtd did not answer on qemu:///system"
}

# One project's result: its TRX counters against the tests it was found to hold. Anything but a
# pass counts as a failure (error, timeout, aborted, not executed ...), and so does a test that was
# discovered but has no result (a crashed test host) or a project that wrote no results at all.
# Prints "passed failed" and explains each shortfall on stderr.
tally() {
  local name=$1 discovered=$2 trx=$3
  python3 - "$name" "$discovered" "$trx" <<'PY'
import os, sys, xml.etree.ElementTree as ET
name, discovered, trx = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def say(msg): print(f"test: {name}: {msg}", file=sys.stderr)
if not os.path.exists(trx):
    if discovered:
        say(f"wrote no results for its {discovered} tests (did the test host crash?)")
    print(0, discovered); sys.exit()
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
counters = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns).attrib
c = {k: int(v) for k, v in counters.items()}
passed = c["passed"]
bad = {k: v for k, v in c.items() if k not in ("total", "executed", "passed", "completed") and v}
missing = max(0, discovered - c["total"])
for k, v in bad.items():
    say(f"{v} test(s) {k}")
if missing:
    say(f"{missing} of {discovered} discovered tests have no result")
print(passed, max(discovered - passed, sum(bad.values()) + missing))
PY
}

test_all() {
  local results="$ROOT/TestResults" status=0 filter=() passed=0 failed=0 discovered_all=0
  # Results of an earlier run must never be counted as this run's.
  rm -rf "$results"; mkdir -p "$results"
  setup
  start_hypervisor
  build
  [[ $# -gt 0 ]] && filter=(--filter "$1")
  for proj in tests/*/*.Tests.csproj; do
    local name discovered p f
    name=$(basename "$proj" .csproj)
    discovered=$(dotnet test "$proj" -c "$CONFIG" --no-build "${filter[@]}" --list-tests 2>/dev/null \
      | sed -n '/The following Tests are available:/,$p' | tail -n +2 | grep -c '^    ' || true)
    discovered_all=$((discovered_all + discovered))
    ((discovered > 0)) || continue
    log "== $name ($discovered tests)"
    # A test that hangs is stopped (and counted) instead of holding the whole run.
    dotnet test "$proj" -c "$CONFIG" --no-build "${filter[@]}" \
      --blame-hang-timeout 15m --blame-hang-dump-type none \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      --logger "console;verbosity=minimal" || status=1
    read -r p f < <(tally "$name" "$discovered" "$results/$name.trx")
    if ((status != 0 && f == 0)); then
      log "test: $name: dotnet test failed without a failed test (see its output above)"
      f=1
    fi
    status=0
    passed=$((passed + p)); failed=$((failed + f))
  done
  if ((discovered_all == 0)); then
    log "test: no test matches ${1:-the suite}"
    failed=$((failed + 1))
  fi
  echo "$passed passed, $failed failed"
  ((failed == 0))
}

run_rack() {
  setup
  start_hypervisor
  build
  exec tools/rack.sh "${@}"
}

bench() {
  setup
  start_hypervisor
  build
  local names=("$@")
  if ((${#names[@]} == 0)); then
    # ipmi-sim.sh is the IPMI bench's peer, not a benchmark: it serves until stopped.
    for s in bench/*.sh; do [[ $(basename "$s") == ipmi-sim.sh ]] || names+=("$(basename "$s" .sh)"); done
  fi
  for n in "${names[@]}"; do
    [[ -x bench/$n.sh ]] || { log "bench: no benchmark named '$n' (see bench/*.sh)"; exit 2; }
    log "== bench $n"
    bench/"$n".sh
  done
}

case "${1:-}" in
  setup) setup ;;
  build) setup; build ;;
  test) shift; test_all "$@" ;;
  run) shift; run_rack "$@" ;;
  bench) shift; bench "$@" ;;
  *) echo "usage: $0 setup | build | test [filter] | run | bench [name...]" >&2; exit 2 ;;
esac
