#!/usr/bin/env bash
# Following a growing log file: 'labctl logs server/b1 --file F -f -n 0' (CLI -> labd over mutual TLS, labd -> agent
# stream, the agent's FileTail reading F) against 'ssh -F cfg h1 tail -F -n 0 F' (a loopback sshd, GNU tail).
# A writer appends N lines of about 100 bytes to F, each starting with its own write time (ns, CLOCK_REALTIME) and
# a sequence number; the follower's stdout goes through a FIFO into a reader that stamps every read() on return and
# computes lines per second (first to last line received) and the end-to-end latency (arrival - write time) of
# every line, and checks that each sequence number arrived exactly once.
# The two followers run one after the other (labctl first, then ssh), each on a file of its own that is empty when
# the follower starts, with a fresh writer run each: on 2 cores, running them at the same time would make them
# compete for the CPU with each other and with the writer.
# Usage: bench/logs-follow.sh [lines]   (default 200000)
#   Experiments: RATE (lines per second the writer keeps to; default 0 = as fast as it can), BATCH (lines per
#   write(2); default 10), TIMEOUT (seconds a reader waits for all lines; default 300), WARMUP (unmeasured passes
#   of each follower first; default 0), DRAFT (the markdown file written; default none, '-' for
#   none); EXTRA_JAVA_OPTS, LAB_AGENT_JAVA_OPTS and BENCH_CLI_JAVA_OPTS as for exec-vs-ssh.sh.
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), and from Debian: openssh-server
# openssh-client jq bc python3 coreutils (GNU tail).
set -euo pipefail
lines=${1:-200000}
rate=${RATE:-0}; batch=${BATCH:-10}; timeout=${TIMEOUT:-300}
work=$(mktemp -d /tmp/labctl-logs-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
draft=${DRAFT:--}
for c in jq bc ssh /usr/sbin/sshd python3 tail mkfifo; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
command="bench/logs-follow.sh${*:+ $*}"
for v in RATE BATCH TIMEOUT WARMUP EXTRA_JAVA_OPTS LAB_AGENT_JAVA_OPTS BENCH_CLI_JAVA_OPTS; do
  [ -n "${!v:-}" ] && command="$v=\"${!v}\" $command"
done

# Everything started here is stopped by its own id (lib-agents.sh): labd, the agent, the embedded PostgreSQL, the
# sshd, and the followers, readers and the remote tail by the pids added to $pids.
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the writer and the reader -------------------------------------------------------------------------------------
# writer.py FILE N BATCH RATE: appends N lines '<write time ns> <seq> <message>' (100 bytes with the newline),
# BATCH lines per write(2), each line stamped just before its batch is written; RATE > 0 paces the batches.
# Prints the first line's stamp and the time after the last write (ns).
cat > "$work/writer.py" <<'EOF'
import os, sys, time
path, n, batch, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
msg = b" INFO  web.access: GET /api/v1/items/42 status=200 bytes=5120 user=alice"
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
start = time.monotonic()
first = time.time_ns()
i = 0
while i < n:
    if rate > 0:
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    end = min(n, i + batch)
    os.write(fd, b"".join([b"%d %07d%s\n" % (time.time_ns(), j, msg) for j in range(i, end)]))
    i = end
last = time.time_ns()
os.close(fd)
print(first, last)
EOF
# reader.py N TIMEOUT OUT < stream: the time of each read(2)'s return is the arrival time of every line it
# completes. The loop only reads, stamps and counts newlines (the parsing comes after), so that the reader does not
# fall behind and delay its own stamps. Stops after N lines, at end of stream, or after TIMEOUT seconds. Writes one
# line to OUT: received duplicates unparsable first_arrival_ns last_arrival_ns latency p50 p99 min max mean (ns).
cat > "$work/reader.py" <<'EOF'
import os, sys, time, select
n, timeout, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
chunks = []
newlines = 0
deadline = time.monotonic() + timeout
while newlines < n:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([0], [], [], left)[0]:
        break
    data = os.read(0, 1 << 20)
    t = time.time_ns()
    if not data:
        break
    chunks.append((t, data))
    newlines += data.count(b"\n")
seen = bytearray(n)
lat = []
count = dup = bad = first = last = 0
rest = b""
for t, data in chunks:
    parts = (rest + data).split(b"\n")
    rest = parts.pop()
    if not parts:
        continue
    if not first:
        first = t
    last = t
    for p in parts:
        f = p.split(b" ", 2)
        try:
            ts, seq = int(f[0]), int(f[1])
        except (ValueError, IndexError):
            bad += 1
            continue
        if not 0 <= seq < n:
            bad += 1
        elif seen[seq]:
            dup += 1
        else:
            seen[seq] = 1
            count += 1
            lat.append(t - ts)
lat.sort()
def rank(q):
    k = -(-len(lat) * q // 100)
    return lat[max(0, int(k) - 1)] if lat else 0
mean = sum(lat) // len(lat) if lat else 0
with open(out, "w") as o:
    print(count, dup, bad, first, last, rank(50), rank(99), lat[0] if lat else 0, lat[-1] if lat else 0, mean, file=o)
EOF

# --- labd, one agent, the CLI, the sshd ----------------------------------------------------------------------------
logs="$work/logs"; mkdir -p "$logs"
# the CLI with the root launcher's flags (lib-agents.sh), BENCH_CLI_JAVA_OPTS appended
setup_cli ${BENCH_CLI_JAVA_OPTS:-}

install_labd
# What 'logs --file' may read: labd's defaultLogPaths (etc/io.labctl.rbac.cfg; roles without --log-path globs get
# these, admin included).
printf 'defaultLogPaths = %s/**\n' "$logs" >> "$work/labd/etc/io.labctl.rbac.cfg"
start_labd_session
enrol_agent b1
# labd's components may get their configuration a moment after they start: try for up to 30 s
echo hello > "$logs/check.log"
for i in $(seq 30); do
  [ "$("${lc[@]}" logs server/b1 --file "$logs/check.log" 2> "$work/check.err")" = hello ] && break
  [ "$i" = 30 ] && { echo "labctl logs --file does not work:" >&2; cat "$work/check.err" >&2; exit 1; }
  sleep 1
done
find_java_pids

start_sshd 1
[ "$(ssh -F "$ssh_cfg" h1 tail -n 1 "$logs/check.log")" = hello ] || { echo "ssh h1 tail does not work" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------------------------------------------
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
sum_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }
has_open() {   # pid file: whether the process holds the file open
  local fd; for fd in /proc/"$1"/fd/*; do [ "$(readlink "$fd" 2>/dev/null)" = "$2" ] && return 0; done; return 1
}
wait_open() {  # pid file follower-pid: until pid has the file open (60 s at most); fails if the follower ended
  for _ in $(seq 600); do
    has_open "$1" "$2" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
hz=$(getconf CLK_TCK)
cpu_s() { echo "scale=2; $1 / $hz" | bc | sed 's/^\./0./'; }

# --- the two followers, one after the other --------------------------------------------------------------------------
# follow_labctl TAG / follow_ssh TAG: one follower on the empty file $logs/TAG.log, one writer run; the reader's
# figures go to $work/res.TAG, the writer's to $work/w.TAG; sets the CPU ticks and exit codes read below.
follow_labctl() {
  local f="$logs/$1.log" reader follower l0 a0 c0
  : > "$f"; mkfifo "$work/pipe.$1"
  python3 "$work/reader.py" "$lines" "$timeout" "$work/res.$1" < "$work/pipe.$1" & reader=$!; pids+=("$reader")
  "${lc[@]}" logs server/b1 --file "$f" -f -n 0 > "$work/pipe.$1" 2> "$work/$1.err" & follower=$!; pids+=("$follower")
  wait_open "$agent_java" "$f" "$follower" || { echo "labctl logs -f did not open $f:" >&2; cat "$work/$1.err" >&2; exit 1; }
  sleep 0.5
  # the CLI is the launcher's client process and the labctl session that runs the verb for it
  local session_java; session_java=$(head -1 "$work"/session/session-*.lock 2>/dev/null || true)
  l0=$(ticks "$labd_java"); a0=$(ticks "$agent_java"); c0=$(sum_ticks "$follower" $session_java)
  python3 "$work/writer.py" "$f" "$lines" "$batch" "$rate" > "$work/w.$1"
  wait "$reader" || true
  labd_cpu=$(($(ticks "$labd_java") - l0)); agent_cpu=$(($(ticks "$agent_java") - a0))
  cli_cpu=$(($(sum_ticks "$follower" $session_java) - c0))
  kill -TERM "$follower"; lc_rc=0; wait "$follower" || lc_rc=$?
  # labd was asked to stop the stream: the agent should let go of the file
  closed=no; for _ in $(seq 100); do has_open "$agent_java" "$f" || { closed=yes; break; }; sleep 0.1; done
}
follow_ssh() {
  local f="$logs/$1.log" reader follower tail_pid s0 ssh_side
  : > "$f"; mkfifo "$work/pipe.$1"; rm -f "$work/tail.pid"
  python3 "$work/reader.py" "$lines" "$timeout" "$work/res.$1" < "$work/pipe.$1" & reader=$!; pids+=("$reader")
  ssh -F "$ssh_cfg" h1 "echo \$\$ > $work/tail.pid; exec tail -F -n 0 $f" > "$work/pipe.$1" 2> "$work/$1.err" & follower=$!
  pids+=("$follower")
  for _ in $(seq 300); do [ -s "$work/tail.pid" ] && break; sleep 0.1; done
  tail_pid=$(cat "$work/tail.pid"); pids+=("$tail_pid")
  wait_open "$tail_pid" "$f" "$follower" || { echo "ssh tail -F did not open $f:" >&2; cat "$work/$1.err" >&2; exit 1; }
  sleep 0.5
  ssh_side=("$follower" $(descendants "$ssh_pid"))   # ssh client, the sshd session processes, tail
  s0=$(sum_ticks "${ssh_side[@]}")
  python3 "$work/writer.py" "$f" "$lines" "$batch" "$rate" > "$work/w.$1"
  wait "$reader" || true
  ssh_cpu=$(($(sum_ticks "${ssh_side[@]}") - s0))
  kill -TERM "$tail_pid" 2>/dev/null || true; ssh_rc=0; wait "$follower" || ssh_rc=$?
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $load_before"
# WARMUP=k (experiments): k unmeasured passes of each first, so that labd's and the agent's streaming code is
# compiled as in a long-running labd (the CLI is a new JVM every time either way)
for ((w = 1; w <= ${WARMUP:-0}; w++)); do follow_labctl "warm-labctl-$w"; follow_ssh "warm-ssh-$w"; done
follow_labctl labctl
follow_ssh ssh
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $load_after"

# --- figures -------------------------------------------------------------------------------------------------------
read -r l_n l_dup l_bad l_first l_last l_p50 l_p99 l_min l_max l_mean < "$work/res.labctl"
read -r s_n s_dup s_bad s_first s_last s_p50 s_p99 s_min s_max s_mean < "$work/res.ssh"
read -r lw_first lw_last < "$work/w.labctl"
read -r sw_first sw_last < "$work/w.ssh"
ms() { printf '%.1f' "$(echo "scale=3; $1 / 1000000" | bc)"; }
rate_of() { if [ "$1" -gt 1 ] && [ "$3" -gt "$2" ]; then printf '%.0f' "$(echo "scale=3; ($1 - 1) * 1000000000 / ($3 - $2)" | bc)"; else echo 0; fi; }
ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; else echo "—"; fi; }
l_rate=$(rate_of "$l_n" "$l_first" "$l_last"); s_rate=$(rate_of "$s_n" "$s_first" "$s_last")
lw_rate=$(rate_of "$lines" "$lw_first" "$lw_last"); sw_rate=$(rate_of "$lines" "$sw_first" "$sw_last")
lost() { echo "$((lines - $1)) lost, $2 duplicated, $3 garbled"; }
# the verdict compares the unrounded rates: labctl's lines/s ≥ ssh's
rate_verdict() { if [ "$1" -gt 0 ] && [ "$1" -ge "$2" ]; then echo met; else echo "**missed**"; fi; }
r_rate=$(ratio "$l_rate" "$s_rate")
lossv=met; { [ "$l_n" = "$lines" ] && [ "$s_n" = "$lines" ] && [ "$l_dup$l_bad$s_dup$s_bad" = 0000 ]; } || lossv="**missed**"
grouped() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
writer_desc() { if [ "$rate" = 0 ]; then echo "as fast as it can"; else echo "paced at $rate lines/s"; fi; }

table=$(
printf '| %s | %s | %s | %s | %s | %s |\n' measure labctl "ssh tail -F" "ratio labctl/ssh" goal verdict
printf '| %s | %s | %s | %s | %s | %s |\n' --- --- --- --- --- ---
printf '| %s | %s | %s | %s | %s | %s |\n' "lines per second, first to last line received" \
  "$(grouped "$l_rate")" "$(grouped "$s_rate")" "$r_rate" "≥ 1.0" "$(rate_verdict "$l_rate" "$s_rate")"
printf '| %s | %s ms | %s ms | %s | %s | %s |\n' "end-to-end latency p50 (arrival − write stamp)" \
  "$(ms "$l_p50")" "$(ms "$s_p50")" "$(ratio "$l_p50" "$s_p50")" "—" ""
printf '| %s | %s ms | %s ms | %s | %s | %s |\n' "end-to-end latency p99" \
  "$(ms "$l_p99")" "$(ms "$s_p99")" "$(ratio "$l_p99" "$s_p99")" "reported" "reported"
printf '| %s | %s / %s / %s ms | %s / %s / %s ms | %s | %s | %s |\n' "latency min / mean / max" \
  "$(ms "$l_min")" "$(ms "$l_mean")" "$(ms "$l_max")" "$(ms "$s_min")" "$(ms "$s_mean")" "$(ms "$s_max")" "" "—" ""
printf '| %s | %s | %s | %s | %s | %s |\n' "lines received of $(grouped "$lines")" \
  "$(grouped "$l_n") ($(lost "$l_n" "$l_dup" "$l_bad"))" "$(grouped "$s_n") ($(lost "$s_n" "$s_dup" "$s_bad"))" "" "none lost" "$lossv"
printf '| %s | %s ms | %s ms | %s | %s | %s |\n' "last line received after the writer's last write" \
  "$(ms $((l_last - lw_last)))" "$(ms $((s_last - sw_last)))" "" "—" ""
printf '| %s | %s lines/s (%s s) | %s lines/s (%s s) | %s | %s | %s |\n' "the writer's own rate in that run ($(writer_desc))" \
  "$(grouped "$lw_rate")" "$(ms $((lw_last - lw_first)) | awk '{ printf "%.2f", $1 / 1000 }')" \
  "$(grouped "$sw_rate")" "$(ms $((sw_last - sw_first)) | awk '{ printf "%.2f", $1 / 1000 }')" "" "—" ""
printf '| %s | labd %s + agent %s + CLI (client and session) %s = %s s | sshd + ssh + tail %s s | %s | %s | %s |\n' \
  "CPU seconds spent by the follower's processes while the writer wrote and the lines arrived" \
  "$(cpu_s "$labd_cpu")" "$(cpu_s "$agent_cpu")" "$(cpu_s "$cli_cpu")" "$(cpu_s $((labd_cpu + agent_cpu + cli_cpu)))" \
  "$(cpu_s "$ssh_cpu")" "$(ratio $((labd_cpu + agent_cpu + cli_cpu)) "$ssh_cpu")" "—" ""
)
echo
echo "$table"
echo
echo "labctl exit code after SIGTERM: $lc_rc (143 = 128 + SIGTERM, after its shutdown hook asked labd to stop); the agent let go of the file: $closed; ssh exit code after the remote tail was killed: $ssh_rc"

if [ "$draft" != - ]; then
  mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  jv=$(java -version 2>&1 | head -1 | sed 's/.*version "\(.*\)".*/\1/')
  sv=$(ssh -V 2>&1 | cut -d, -f1 | sed 's/OpenSSH_//')
  {
    echo "## Log following (issue: remote exec and log streaming): \`labctl logs --file F -f\` vs \`ssh h1 tail -F F\`"
    echo
    echo "Command: \`$command\` ($(date -u '+%Y-%m-%d %H:%M UTC'); needs the built distributions and \`cli/target/labctl.jar\`; from"
    echo "Debian \`openssh-server openssh-client jq bc python3\`)."
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $mem, Debian $(cat /etc/debian_version),"
    echo "OpenJDK $jv, OpenSSH $sv, GNU tail $(tail --version | head -1 | awk '{ print $NF }'), Python $(python3 -c 'import platform; print(platform.python_version())'),"
    echo "everything on 127.0.0.1. Load average $load_before before, $load_after after (other engineers' builds"
    echo "may run at the same time)."
    echo
    echo "How it is measured: one labd and one lab-agent (server b1) from the built tarballs, labd's"
    echo "\`defaultLogPaths\` (\`etc/io.labctl.rbac.cfg\`) set to \`<temp dir>/logs/**\`; the CLI with the root launcher's JDK 17"
    echo "flags (C1 only, serial GC, AppCDS archive) from a copy of the jar; one sshd from \`bench/ssh-baseline.sh\`."
    echo "The followers run **one after the other** (labctl first, then ssh), each on an empty file of its own with a"
    echo "fresh writer run, started before the writer and ready (the agent's JVM, or tail, holds the file open):"
    echo "\`labctl logs server/b1 --file F -f -n 0\` and \`ssh -F cfg h1 'exec tail -F -n 0 F'\`. A Python writer appends"
    echo "$(grouped "$lines") lines of 100 bytes (\`<time_ns> <seq> <log-like message>\`), $batch lines per \`write(2)\`, $(writer_desc);"
    echo "each line's stamp is taken just before its batch is written. The follower's stdout goes through a FIFO to a"
    echo "Python reader that stamps each \`read(2)\` on return (the arrival time of every line that read completes),"
    echo "counts each sequence number once and stops when all have arrived (or after ${timeout} s). Lines per second:"
    echo "(received − 1) / (last arrival − first arrival). Percentiles: nearest rank over all lines. Then labctl is"
    echo "stopped with SIGTERM (exit $lc_rc; its shutdown hook asks labd to stop the stream, and the agent closed the file:"
    echo "$closed) and the remote tail by its pid (a background job ignores SIGINT, so no Ctrl-C)."
    echo
    echo "$table"
  } > "$draft"
  echo "wrote $draft"
fi
