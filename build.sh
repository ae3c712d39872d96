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
  openvswitch-switch                                    # the virtual switch (userspace datapath, started by the tests)
  linux-image-amd64 busybox-static cpio xz-utils genisoimage e2fsprogs  # test guests
  etcd-server etcd-client                               # cluster store
  wrk hyperfine                                         # benchmarks
  clang zlib1g-dev                                      # NativeAOT publish of the BMC (bench/redfish.sh), bench/udp-echo.c
  libgpiod2 sqlite3 iproute2 procps psmisc              # real-board GPIO, inspection, namespaces
  i2c-tools dmidecode                                   # decode-dimms and dmidecode check the simulated SPDs and SMBIOS
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

# Sums the TRX counters of every test project into the required last line.
summarize() {
  local dir=$1 passed=0 failed=0 p f
  for trx in "$dir"/*.trx; do
    [[ -e $trx ]] || continue
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    passed=$((passed + p)); failed=$((failed + f))
  done
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

test_all() {
  setup
  start_hypervisor
  build
  local results="$ROOT/TestResults" status=0 filter=()
  rm -rf "$results"; mkdir -p "$results"
  [[ $# -gt 0 ]] && filter=(--filter "$1")
  for proj in tests/*/*.Tests.csproj; do
    local name; name=$(basename "$proj" .csproj)
    log "== $name"
    dotnet test "$proj" -c "$CONFIG" --no-build "${filter[@]}" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      --logger "console;verbosity=minimal" || status=1
  done
  summarize "$results" || status=1
  return $status
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
    for s in bench/*.sh; do names+=("$(basename "$s" .sh)"); done
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
