#!/usr/bin/env bash
# The one entry point: ./build.sh setup | build | test [filter] | run | bench [name...] | image [target...] | image-test [filter]
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
  mmdebstrap squashfs-tools qemu-user-static binfmt-support arch-test  # images: Debian roots, also for armhf
  grub-pc-bin grub2-common fdisk u-boot-tools openssl     # images: bootloaders, partitions, signing (socat below also brings the board into a QEMU BMC)
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

# The image tests boot the built images in QEMU and take far longer than the rest: they run as
# their own step (./build.sh image-test), with their own "N passed, N failed" line.
IMAGE_TEST_PROJECT=tests/Appliance.Images.Tests/Appliance.Images.Tests.csproj
TEST_PROJECTS=()
for p in tests/*/*.Tests.csproj; do [[ $p == "$IMAGE_TEST_PROJECT" ]] || TEST_PROJECTS+=("$p"); done

test_all() {
  local results="$ROOT/TestResults" status=0 filter=() passed=0 failed=0 discovered_all=0
  # Results of an earlier run must never be counted as this run's.
  rm -rf "$results"; mkdir -p "$results"
  setup
  start_hypervisor
  build
  [[ $# -gt 0 ]] && filter=(--filter "$1")
  for proj in "${TEST_PROJECTS[@]}"; do
    local name discovered p f
    name=$(basename "$proj" .csproj)
    discovered=$(dotnet test "$proj" -c "$CONFIG" --no-build "${filter[@]}" --list-tests 2>/dev/null \
      | sed -n '/The following Tests are available:/,$p' | tail -n +2 | grep -c '^    ' || true)
    discovered_all=$((discovered_all + discovered))
    ((discovered > 0)) || continue
    log "== $name ($discovered tests)"
    # A test that hangs is stopped (and counted) instead of holding the whole run.
    dotnet test "$proj" -c "$CONFIG" --no-build "${filter[@]}" \
      --blame-hang-timeout "${HANG_TIMEOUT:-15m}" --blame-hang-dump-type none \
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

# The images (firmware/, appliance-os/image/) into out/images/<target>: firmware-amd64,
# firmware-armhf, appliance-os (all three without arguments). Each is rebuilt only when its inputs
# changed (out/images/<target>/inputs.sha256), unless IMAGE_FORCE=1.
IMAGES=$ROOT/out/images
IMAGE_TARGETS=(firmware-amd64 firmware-armhf appliance-os)
image_inputs() {
  local paths=(tools build.sh Directory.Build.props Directory.Packages.props global.json)
  case $1 in
    firmware-*) paths+=(firmware bmc hw) ;;
    appliance-os) paths+=(appliance-os bmc/Appliance.Ipmi) ;;
  esac
  # Documentation is not an input: editing a README rebuilds nothing.
  git ls-files -co --exclude-standard -- "${paths[@]}" ':(exclude)*.md' | sort | while read -r f; do [[ -f $f ]] && sha256sum "$f"; done \
    | sha256sum | cut -d' ' -f1
}

# The time since SECONDS was $1, as "N min N s".
since() { echo "$(( (SECONDS - $1) / 60 )) min $(( (SECONDS - $1) % 60 )) s"; }

images() {
  local targets=("$@") t
  ((${#targets[@]})) || targets=("${IMAGE_TARGETS[@]}")
  for t in "${targets[@]}"; do
    [[ " ${IMAGE_TARGETS[*]} " == *" $t "* ]] || { log "image: unknown target '$t' (${IMAGE_TARGETS[*]})"; exit 2; }
  done
  setup
  local start=$SECONDS
  mkdir -p "$IMAGES/keys" "$IMAGES/build"
  # Foreign-architecture roots run their maintainer scripts through qemu-user-static.
  [[ -e /proc/sys/fs/binfmt_misc/status ]] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || log "image: cannot mount binfmt_misc"
  update-binfmts --enable qemu-arm >/dev/null 2>&1 || true
  # The update signing key and the console password belong to this build machine; the public key goes into the firmware.
  local keys=$IMAGES/keys
  [[ -f $keys/firmware-signing.pem ]] || openssl ecparam -name prime256v1 -genkey -noout -out "$keys/firmware-signing.pem"
  openssl ec -in "$keys/firmware-signing.pem" -pubout -out "$keys/firmware-signing.pub" 2>/dev/null
  [[ -f $keys/console-password ]] || openssl rand -hex 8 | tr -d '\n' > "$keys/console-password"
  chmod 600 "$keys/firmware-signing.pem" "$keys/console-password"
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
  export VERSION=${IMAGE_VERSION:-1.0.$(git rev-list --count HEAD)+g$(git rev-parse --short=8 HEAD)}
  export SIGNING_KEY=$keys/firmware-signing.pem PUBLIC_KEY=$keys/firmware-signing.pub CONSOLE_PASSWORD_FILE=$keys/console-password
  local publish=$IMAGES/build quiet=(-v quiet -nologo -clp:ErrorsOnly)
  for t in "${targets[@]}"; do
    local inputs out=$IMAGES/$t
    inputs=$(image_inputs "$t")
    if [[ ${IMAGE_FORCE:-} != 1 && -f $out/inputs.sha256 && $(cat "$out/inputs.sha256") == "$inputs" ]]; then
      log "image: $t is up to date"
      continue
    fi
    rm -f "$out/inputs.sha256"
    local t0=$SECONDS
    case $t in
      firmware-amd64)
        # Optimised for size (OptimizationPreference in its project): the firmware's root must fit a slot of the flash.
        log "image: $t: publishing appliance-bmc (NativeAOT, size-optimised, linux-x64)"
        dotnet publish bmc/Appliance.Bmc -c "$CONFIG" -r linux-x64 -p:PublishAot=true -o "$publish/bmc-amd64" "${quiet[@]}"
        log "image: $t: published in $(since "$t0")"
        BMC_PUBLISH=$publish/bmc-amd64 firmware/build-firmware.sh amd64 "$out" ;;
      firmware-armhf)
        # NuGet serves no NativeAOT compiler package for linux-arm: armhf gets a self-contained, trimmed single file.
        log "image: $t: publishing appliance-bmc (self-contained, trimmed, linux-arm)"
        dotnet publish bmc/Appliance.Bmc -c "$CONFIG" -r linux-arm --self-contained -p:PublishAot=false -p:PublishTrimmed=true \
          -p:PublishSingleFile=true -o "$publish/bmc-armhf" "${quiet[@]}"
        log "image: $t: published in $(since "$t0")"
        BMC_PUBLISH=$publish/bmc-armhf firmware/build-firmware.sh armhf "$out" ;;
      appliance-os)
        log "image: $t: publishing appliance-node and appliance-cluster (NativeAOT, linux-x64)"
        dotnet publish appliance-os/Appliance.Node -c "$CONFIG" -r linux-x64 -p:PublishAot=true -o "$publish/node" "${quiet[@]}"
        dotnet publish appliance-os/Appliance.Cluster -c "$CONFIG" -r linux-x64 -p:PublishAot=true -o "$publish/cluster" "${quiet[@]}"
        log "image: $t: published in $(since "$t0")"
        NODE_PUBLISH=$publish/node CLUSTER_PUBLISH=$publish/cluster appliance-os/image/build-os.sh "$out" ;;
    esac
    echo "$VERSION" > "$out/version"
    echo "$inputs" > "$out/inputs.sha256"
    log "image: $t built in $(since "$t0")"
  done
  log "image: done in $(since "$start")"
  image_sizes
}

image_sizes() {
  python3 - "$IMAGES" <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
mib = lambda p: os.path.getsize(p) / 2**20
for arch in ("amd64", "armhf"):
    f = f"{d}/firmware-{arch}"
    if os.path.exists(f"{f}/rootfs.squashfs"):
        # The slot is the flash's second partition (environment, slot A, slot B, data).
        table = json.loads(subprocess.run(["sfdisk", "-J", f"{f}/flash.img"], capture_output=True, text=True, check=True).stdout)
        slot = table["partitiontable"]["partitions"][1]["size"] * table["partitiontable"].get("sectorsize", 512)
        root = os.path.getsize(f"{f}/rootfs.squashfs")
        print(f"firmware {arch}: slot image {root / 2**20:.1f} MiB ({root:,} B) of a {slot / 2**20:.1f} MiB slot ({slot:,} B); "
              f"flash {mib(f + '/flash.img'):.0f} MiB (2 slots, environment, data) against a 64 MiB SPI flash")
q = f"{d}/appliance-os/appliance-os.qcow2"
if os.path.exists(q):
    info = json.loads(subprocess.run(["qemu-img", "info", "--output=json", q], capture_output=True, text=True).stdout)
    print(f"appliance-os: qcow2 {mib(q):.0f} MiB (virtual disk {info['virtual-size'] // 2**30} GiB)")
PY
}

# The images are built before their tests start, so that no test's time (nor the hang limit) includes
# a build; a boot test takes many minutes under TCG, and the hang limit leaves room for the longest.
image_test() {
  images firmware-amd64 appliance-os
  TEST_PROJECTS=("$IMAGE_TEST_PROJECT")
  HANG_TIMEOUT=40m test_all "$@"
}

case "${1:-}" in
  setup) setup ;;
  build) setup; build ;;
  test) shift; test_all "$@" ;;
  run) shift; run_rack "$@" ;;
  bench) shift; bench "$@" ;;
  image) shift; images "$@" ;;
  image-test) shift; image_test "$@" ;;
  *) echo "usage: $0 setup | build | test [filter] | run | bench [name...] | image [target...] | image-test [filter]" >&2; exit 2 ;;
esac
