#!/usr/bin/env bash
# Power-on to installer kernel running: labctl's bastion against dnsmasq, in the same qemu setup.
#
#   mvn -B install -DskipTests && sudo bash bench/pxe-boot.sh [RUNS]        (default 3 runs each)
#   DNSMASQ_OPTS=--no-ping adds options to dnsmasq (by default it pings an address before offering it)
#
# Needs root and: qemu-system-x86 ipxe-qemu dnsmasq debian-installer-12-netboot-amd64 python3 iproute2.
# Both chains run in one network namespace with a bridge and a tap; a qemu VM (software emulation) PXE-boots from
# it with the same MAC, memory and NIC, and the clock runs from qemu's start to "Linux version" on its serial
# console (the Debian 12 netboot installer kernel).
#   dnsmasq: the reference chain from shared/recipes (DHCP + TFTP boot.ipxe, then per-MAC script and kernel over
#            python's http.server).
#   labctl:  labd with the bastion feature (DHCP full mode, boot HTTP), its state in labd's embedded PostgreSQL;
#            the MAC is forgotten before each run, so each boot is a first boot: discovery, then the installer
#            kernel (of the disk inventory).
set -euo pipefail
RUNS=${1:-3}
[ "$(id -u)" = 0 ] || { echo "run as root (DHCP port 67, network namespaces)" >&2; exit 2; }
for tool in qemu-system-x86_64 dnsmasq python3 ip bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
DI=/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64
[ -f "$DI/linux" ] || { echo "install debian-installer-12-netboot-amd64" >&2; exit 2; }

work=$(mktemp -d); chmod 755 "$work"   # dnsmasq serves TFTP as nobody
source "$(dirname "$0")/lib.sh"
NS=labbench$$; MAC=52:54:00:be:9c:01; HMAC=${MAC//:/-}
qpid=""; dpid=""; hpid=""; lpid=""
finish() {
  for p in $qpid $dpid $hpid; do kill "$p" 2>/dev/null || true; done
  [ -n "$lpid" ] && { kill -TERM -- "-$lpid" 2>/dev/null || true; sleep 5; kill -KILL -- "-$lpid" 2>/dev/null || true; }
  pm=$(find "$work" -name postmaster.pid 2>/dev/null | head -1)
  [ -n "$pm" ] && kill -INT "$(head -1 "$pm")" 2>/dev/null || true
  sleep 1; ip netns del "$NS" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap finish EXIT

ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" link set tap0 master br0
ip -n "$NS" addr add 10.78.0.1/24 dev br0
ip -n "$NS" -6 addr add fd78::1/64 dev br0 nodad   # for dnsmasq's router advertisements (the recipe's setup)
ip -n "$NS" link set br0 up; ip -n "$NS" link set tap0 up

# CAPTURE=1 records each boot's packets (tshark) into $work/<chain>-<run>.pcap, with KEEP=1 to look at them
capture() {
  [ -n "${CAPTURE:-}" ] || return 0
  ip netns exec "$NS" tshark -q -i br0 -w "$work/$1.pcap" > /dev/null 2>&1 &
  cpid=$!; sleep 2
}
stop_capture() { [ -n "${cpid:-}" ] && { sleep 1; kill "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true; cpid=""; }; return 0; }

# one boot: seconds from qemu's start to the installer kernel's first line
boot_once() {
  local serial=$work/serial.log t0 t
  : > "$serial"
  t0=$(now)
  ip netns exec "$NS" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
    -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=n0,mac=$MAC \
    -boot n < /dev/null > "$serial" 2>&1 &
  qpid=$!
  for _ in $(seq 1800); do
    grep -aq 'Linux version' "$serial" && break
    kill -0 "$qpid" 2>/dev/null || { echo "qemu exited" >&2; return 1; }
    sleep 0.1
  done
  t=$(since "$t0")
  kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true; qpid=""
  grep -aq 'Linux version' "$serial" || { echo "no kernel within 180 s" >&2; return 1; }
  echo "$t"
}

# ---- dnsmasq (the recipe)
mkdir -p "$work/tftp" "$work/http"
ln -sf "$DI/linux" "$work/http/linux"; ln -sf "$DI/initrd.gz" "$work/http/initrd.gz"
printf '#!ipxe\nchain http://10.78.0.1:8080/%s.ipxe\n' '${net0/mac:hexhyp}' > "$work/tftp/boot.ipxe"
printf '#!ipxe\nkernel http://10.78.0.1:8080/linux console=ttyS0,115200n8 auto=true priority=critical\ninitrd http://10.78.0.1:8080/initrd.gz\nboot\n' > "$work/http/$HMAC.ipxe"
cp /usr/lib/ipxe/undionly.kpxe "$work/tftp/"
ip netns exec "$NS" dnsmasq --keep-in-foreground --port=53 --no-resolv --no-hosts --interface=br0 --bind-interfaces \
  --dhcp-range=10.78.0.100,10.78.0.150,1h --enable-ra --dhcp-range=fd78::,ra-only,64 \
  --dhcp-match=set:ipxe,175 --dhcp-boot=tag:ipxe,boot.ipxe --dhcp-boot=tag:!ipxe,undionly.kpxe \
  --enable-tftp --tftp-root="$work/tftp" --dhcp-leasefile="$work/leases" --log-facility="$work/dnsmasq.log" ${DNSMASQ_OPTS:-} &
dpid=$!
(cd "$work/http" && exec ip netns exec "$NS" python3 -m http.server 8080 --bind 10.78.0.1) > "$work/http.log" 2>&1 &
hpid=$!
sleep 1
dnsmasq_times=()
for i in $(seq "$RUNS"); do
  capture "dnsmasq-$i"; dnsmasq_times+=("$(boot_once)"); stop_capture; echo "dnsmasq run $i: ${dnsmasq_times[-1]} s"
done
kill "$dpid" "$hpid"; wait "$dpid" "$hpid" 2>/dev/null || true; dpid=""; hpid=""

# ---- labctl: labd with the bastion, inside the namespace
install_labd
cat > "$work/labd/etc/io.labctl.bastion.cfg" <<EOF
interfaceName = br0
serverAddress = 10.78.0.1
dhcpMode = full
poolStart = 10.78.0.100
poolEnd = 10.78.0.150
httpPort = 8080
waitSeconds = 5
EOF
(cd "$work/labd" && exec ip netns exec "$NS" setsid bin/karaf server) >> "$work/labd.out" 2>&1 < /dev/null &
lpid=$!
until [ -f "$work/labd/etc/admin.labctl.yaml" ]; do sleep 0.2; done
until in_ns curl -s -o /dev/null http://10.78.0.1:8080/boot.ipxe; do sleep 0.2; done
in_ns "${cli[@]}" config import "$work/labd/etc/admin.labctl.yaml" > /dev/null
labctl_times=()
for i in $(seq "$RUNS"); do
  in_ns "${cli[@]}" provision forget "$MAC" > /dev/null 2>&1 || true
  capture "labctl-$i"; labctl_times+=("$(boot_once)"); stop_capture; echo "labctl run $i: ${labctl_times[-1]} s"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
md=$(median "${dnsmasq_times[@]}"); ml=$(median "${labctl_times[@]}")
echo "power-on to installer kernel, median of $RUNS: dnsmasq ${md} s, labctl ${ml} s, ratio labctl/dnsmasq $(echo "scale=2; $ml / $md" | bc)"
