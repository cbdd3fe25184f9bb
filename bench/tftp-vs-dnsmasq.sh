#!/usr/bin/env bash
# Benchmark: labctl TFTP server vs dnsmasq's TFTP server, on loopback.
#
# How to run (as root: dnsmasq's TFTP always listens on port 69):
#   mvn -B -q -o install -DskipTests -pl bastion-bundle -am && bash bench/tftp-vs-dnsmasq.sh
# Environment knobs: RUNS (default 5), WARMUP (default 3), SIZE_MB (default 40), OUR_PORT (default 6969).
#
# What it does: creates a random SIZE_MB MiB file, starts our server
# (io.labctl.bastion.tftp.ServeDirectory on OUR_PORT) and dnsmasq (port 69) side by side, does WARMUP
# untimed fetches from each per client (ours is a long-running JVM: C2 compiles the transfer loop
# during the first 2-3 transfers; dnsmasq gets the same treatment), then times RUNS fetches per
# server with
#   curl --tftp-blksize 1468                                   (lock-step, one block per round trip)
#   atftp --option "windowsize 16" --option "blksize 1468"     (RFC 7440 windows)
# alternating servers run by run so background load hits both alike. Every download is checked
# against the source's SHA-256. Prints the median MB/s (10^6 bytes/s) per server and client and
# the ratio ours/dnsmasq (> 1.0 means ours is faster). Also prints the server process's CPU time
# per transfer (utime+stime from /proc, 10 ms resolution), which is far less sensitive to other
# load on the machine than wall-clock throughput.
set -euo pipefail

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-3}
SIZE_MB=${SIZE_MB:-40}
OUR_PORT=${OUR_PORT:-6969}
HERE=$(cd "$(dirname "$0")/../bastion-bundle" && pwd)

for tool in java curl atftp dnsmasq sha256sum mvn; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "run as root (dnsmasq TFTP binds port 69)" >&2; exit 2; }
[ -d "$HERE/target/classes/io/labctl/bastion/tftp" ] || { echo "build first: mvn -B -q -o install -DskipTests -pl bastion-bundle -am" >&2; exit 2; }

# Another TFTP server on loopback port 69 would share (or steal) dnsmasq's requests.
if ss -Hulpn 'sport = :69' 2>/dev/null | grep -Eq '(0\.0\.0\.0|127\.0\.0\.1|\*|\[::\]):69 '; then
    echo "UDP port 69 is already in use on loopback; stop that server first:" >&2
    ss -Hulpn 'sport = :69' >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/tftp-bench.XXXXXX)
OUR_PID=""; DNSMASQ_PID=""
cleanup() {
    [ -n "$OUR_PID" ] && kill "$OUR_PID" 2>/dev/null || true
    [ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ROOT="$WORK/root"; mkdir -p "$ROOT"; chmod 755 "$WORK" "$ROOT"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$ROOT/big.bin"
chmod 644 "$ROOT/big.bin"
BYTES=$(stat -c %s "$ROOT/big.bin")
WANT=$(sha256sum "$ROOT/big.bin" | cut -d' ' -f1)

(cd "$HERE" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
java -cp "$HERE/target/classes:$(cat "$WORK/cp.txt")" io.labctl.bastion.tftp.ServeDirectory \
    --root "$ROOT" --port "$OUR_PORT" > "$WORK/ours.log" 2>&1 &
OUR_PID=$!
dnsmasq --no-daemon --port=0 --enable-tftp --tftp-root="$ROOT" --user=root --group=root \
    --interface=lo --bind-interfaces --pid-file="$WORK/dnsmasq.pid" --log-facility="$WORK/dnsmasq.log" \
    > "$WORK/dnsmasq.out" 2>&1 &
DNSMASQ_PID=$!
for _ in $(seq 50); do grep -q "serving" "$WORK/ours.log" 2>/dev/null && break; sleep 0.1; done
grep -q "serving" "$WORK/ours.log" || { echo "our server did not start:"; cat "$WORK/ours.log"; exit 1; }
sleep 0.5
kill -0 "$DNSMASQ_PID" 2>/dev/null || { echo "dnsmasq did not start:"; cat "$WORK/dnsmasq.out"; exit 1; }

port_of() { [ "$1" = ours ] && echo "$OUR_PORT" || echo 69; }
pid_of() { [ "$1" = ours ] && echo "$OUR_PID" || echo "$DNSMASQ_PID"; }
# utime + stime of a process in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# fetch SERVER CLIENT -> prints seconds; fails loudly on a bad checksum
fetch() {
    local port out t0 t1
    port=$(port_of "$1"); out="$WORK/out.bin"; rm -f "$out"
    t0=$(date +%s.%N)
    if [ "$2" = curl ]; then
        curl -sS --tftp-blksize 1468 "tftp://127.0.0.1:$port/big.bin" -o "$out"
    else
        atftp --option "windowsize 16" --option "blksize 1468" -g -r big.bin -l "$out" 127.0.0.1 "$port" \
            >/dev/null 2>&1
    fi
    t1=$(date +%s.%N)
    local got; got=$(sha256sum "$out" | cut -d' ' -f1)
    [ "$got" = "$WANT" ] || { echo "CHECKSUM MISMATCH from $1 via $2" >&2; exit 1; }
    echo "$t0 $t1" | awk '{printf "%.4f", $2 - $1}'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "file: $BYTES bytes; runs: $RUNS per server and client; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for client in curl atftp; do
    for _ in $(seq "$WARMUP"); do fetch ours "$client" >/dev/null; fetch dnsmasq "$client" >/dev/null; done
    declare -A rates=([ours]="" [dnsmasq]="") cpus=([ours]="" [dnsmasq]="")
    for run in $(seq "$RUNS"); do
        for server in ours dnsmasq; do
            c0=$(cpu_ticks "$(pid_of "$server")")
            s=$(fetch "$server" "$client")
            c=$(( ($(cpu_ticks "$(pid_of "$server")") - c0) * TICK_MS ))
            r=$(awk -v b="$BYTES" -v s="$s" 'BEGIN {printf "%.1f", b / 1e6 / s}')
            rates[$server]="${rates[$server]} $r"; cpus[$server]="${cpus[$server]} $c"
            printf "  %-6s %-8s run %d: %7ss %7s MB/s  server CPU %4d ms\n" "$client" "$server" "$run" "$s" "$r" "$c"
        done
    done
    mo=$(echo "${rates[ours]}" | median); md=$(echo "${rates[dnsmasq]}" | median)
    ratio=$(awk -v a="$mo" -v b="$md" 'BEGIN {printf "%.2f", a / b}')
    printf "%-6s median MB/s: ours %s, dnsmasq %s, ratio ours/dnsmasq %s" "$client" "$mo" "$md" "$ratio"
    printf "  | median server CPU ms: ours %s, dnsmasq %s\n" "$(echo "${cpus[ours]}" | median)" \
        "$(echo "${cpus[dnsmasq]}" | median)"
    unset rates cpus
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
