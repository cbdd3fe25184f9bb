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
# Each tool runs ROUNDS times (default 5), alternating; the figures are the medians of the rounds, with every round's
# lines/s shown too: round 1 is the first follow since labd, the agent and the labctl session started.
# Usage: bench/logs-follow.sh [lines]   (default 200000)
#   Experiments: RATE (lines per second the writer keeps to; default 0 = as fast as it can), BATCH (lines per
#   write(2); default 10), TIMEOUT (seconds a reader waits for all lines; default 300), WARMUP (unmeasured passes
#   of each follower first; default 0), DRAFT (the markdown file written; default none, '-' for
#   none), LOGS_OPTS (more 'labctl logs' flags, e.g. --no-compress), SSH_OPTS (more ssh flags, e.g. -C for
#   ssh's own zlib compression); EXTRA_JAVA_OPTS, LAB_AGENT_JAVA_OPTS and BENCH_CLI_JAVA_OPTS as for
#   exec-vs-ssh.sh.
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), and from Debian: openssh-server
# openssh-client jq bc python3 coreutils (GNU tail).
set -euo pipefail
lines=${1:-200000}
rate=${RATE:-0}; batch=${BATCH:-10}; timeout=${TIMEOUT:-300}; rounds=${ROUNDS:-5}
work=$(mktemp -d /tmp/labctl-logs-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
draft=${DRAFT:--}
for c in jq bc ssh /usr/sbin/sshd python3 tail mkfifo; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
command="bench/logs-follow.sh${*:+ $*}"
for v in RATE BATCH TIMEOUT ROUNDS WARMUP LOGS_OPTS SSH_OPTS EXTRA_JAVA_OPTS LAB_AGENT_JAVA_OPTS BENCH_CLI_JAVA_OPTS; do
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

# --- the two followers, one after the other --------------------------------------------------------------------------
# follow_labctl TAG / follow_ssh TAG: one follower on the empty file $logs/TAG.log, one writer run; the reader's
# figures go to $work/res.TAG, the writer's to $work/w.TAG; sets the CPU ticks and exit codes read below.
follow_labctl() {
  local f="$logs/$1.log" reader follower l0 a0 c0
  : > "$f"; mkfifo "$work/pipe.$1"
  python3 "$work/reader.py" "$lines" "$timeout" "$work/res.$1" < "$work/pipe.$1" & reader=$!; pids+=("$reader")
  # shellcheck disable=SC2086  # LOGS_OPTS is a list of flags
  "${lc[@]}" logs server/b1 --file "$f" -f -n 0 ${LOGS_OPTS:-} > "$work/pipe.$1" 2> "$work/$1.err" & follower=$!
  pids+=("$follower")
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
  closed=0; for _ in $(seq 100); do has_open "$agent_java" "$f" || { closed=1; break; }; sleep 0.1; done
}
follow_ssh() {
  local f="$logs/$1.log" reader follower tail_pid s0 ssh_side
  : > "$f"; mkfifo "$work/pipe.$1"; rm -f "$work/tail.pid"
  python3 "$work/reader.py" "$lines" "$timeout" "$work/res.$1" < "$work/pipe.$1" & reader=$!; pids+=("$reader")
  # shellcheck disable=SC2086  # SSH_OPTS is a list of flags
  ssh -F "$ssh_cfg" ${SSH_OPTS:-} h1 "echo \$\$ > $work/tail.pid; exec tail -F -n 0 $f" > "$work/pipe.$1" 2> "$work/$1.err" &
  follower=$!
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
# WARMUP=k (experiments): k unmeasured passes of each first
for ((w = 1; w <= ${WARMUP:-0}; w++)); do follow_labctl "warm-labctl-$w"; follow_ssh "warm-ssh-$w"; done
# ROUNDS measured rounds, labctl then ssh in each; round 1 is labd's, the agent's and the session's first follow
# since they started (their streaming code not yet compiled), the later ones are as on a platform that has been up
for ((r = 1; r <= rounds; r++)); do
  follow_labctl "labctl-$r"
  echo "$labd_cpu $agent_cpu $cli_cpu $lc_rc $closed" > "$work/cpu.labctl-$r"
  follow_ssh "ssh-$r"
  echo "$ssh_cpu $ssh_rc" > "$work/cpu.ssh-$r"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after: $load_after"

# --- figures -------------------------------------------------------------------------------------------------------
# figures.py WORK LINES ROUNDS HZ: the table (markdown) from the rounds' res.*, w.* and cpu.* files
cat > "$work/figures.py" <<'PY'
import statistics, sys
work, lines, rounds, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def nums(path):
    return [int(x) for x in open(path).read().split() if x.lstrip('-').isdigit()]
def rate(n, first, last):
    return (n - 1) * 1e9 / (last - first) if n > 1 and last > first else 0.0
runs = {"labctl": [], "ssh": []}
for tool in runs:
    for r in range(1, rounds + 1):
        n, dup, bad, first, last, p50, p99, lo, hi, mean = nums(f"{work}/res.{tool}-{r}")
        w_first, w_last = nums(f"{work}/w.{tool}-{r}")
        cpu = nums(f"{work}/cpu.{tool}-{r}")
        runs[tool].append(dict(n=n, dup=dup, bad=bad, rate=rate(n, first, last), p50=p50, p99=p99, max=hi,
                               lag=last - w_last, writer=rate(lines, w_first, w_last), cpu=cpu))
def med(tool, key):
    return statistics.median(x[key] for x in runs[tool])
def grouped(v): return f"{v:,.0f}"
def ms(ns): return f"{ns / 1e6:.1f} ms"
def ratio(a, b): return f"{a / b:.2f}" if b else "—"
L, S = runs["labctl"], runs["ssh"]
lr, sr = med("labctl", "rate"), med("ssh", "rate")
rows = [("measure", f"labctl, median of {rounds} rounds", f"ssh tail -F, median of {rounds}", "ratio labctl/ssh", "goal", "verdict"),
        ("---",) * 6]
rows.append(("lines per second, first to last line received", grouped(lr), grouped(sr), ratio(lr, sr), "≥ 1.0",
             "met" if lr >= sr > 0 else "**missed**"))
rows.append(("the same, each round (round 1: fresh JVMs)", " / ".join(grouped(x["rate"]) for x in L),
             " / ".join(grouped(x["rate"]) for x in S), " / ".join(ratio(a["rate"], b["rate"]) for a, b in zip(L, S)), "—", ""))
for key, label in (("p50", "end-to-end latency p50 (arrival − write stamp)"), ("p99", "end-to-end latency p99"),
                   ("max", "end-to-end latency max"), ("lag", "last line received after the writer's last write")):
    rows.append((label, ms(med("labctl", key)), ms(med("ssh", key)), ratio(med("labctl", key), med("ssh", key)),
                 "reported" if key == "p99" else "—", ""))
def lost(runs_):
    return sum(lines - x["n"] for x in runs_), sum(x["dup"] for x in runs_), sum(x["bad"] for x in runs_)
ok = all(x["n"] == lines and x["dup"] == 0 and x["bad"] == 0 for x in L + S)
rows.append((f"lines received of {grouped(lines)} per round", "%d lost, %d duplicated, %d garbled" % lost(L),
             "%d lost, %d duplicated, %d garbled" % lost(S), "", "none lost", "met" if ok else "**missed**"))
rows.append(("the writer's own rate (median)", f"{grouped(med('labctl', 'writer'))} lines/s",
             f"{grouped(med('ssh', 'writer'))} lines/s", "", "—", ""))
cl = [sum(x["cpu"][:3]) for x in L]
cs = [x["cpu"][0] for x in S]
i = sorted(range(rounds), key=lambda k: cl[k])[rounds // 2]
labd, agent, cli = (L[i]["cpu"][k] / hz for k in range(3))
rows.append(("CPU seconds of the follower's processes while the lines were written and arrived (median round)",
             f"labd {labd:.2f} + agent {agent:.2f} + CLI (client and session) {cli:.2f} = {cl[i] / hz:.2f}",
             f"sshd + ssh + tail {statistics.median(cs) / hz:.2f}", ratio(cl[i], statistics.median(cs)), "—", ""))
rows.append(("the same, round 1 (fresh JVMs)", f"{cl[0] / hz:.2f}", f"{cs[0] / hz:.2f}", ratio(cl[0], cs[0]), "—", ""))
for row in rows:
    print("| " + " | ".join(row) + " |")
exits = sorted({x["cpu"][3] for x in L}), sorted({x["cpu"][4] for x in L}), sorted({x["cpu"][1] for x in S})
print(f"\nlabctl exit codes after SIGTERM: {exits[0]} (143 = 128 + SIGTERM, after its shutdown hook asked labd to stop);"
      f" the agent let go of the file (1 = yes): {exits[1]}; ssh exit codes after the remote tail was killed: {exits[2]}")
PY
table=$(python3 "$work/figures.py" "$work" "$lines" "$rounds" "$hz")
echo
echo "$table"
writer_desc() { if [ "$rate" = 0 ]; then echo "as fast as it can"; else echo "paced at $rate lines/s"; fi; }

if [ "$draft" != - ]; then
  mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  jv=$(java -version 2>&1 | head -1 | sed 's/.*version "\(.*\)".*/\1/')
  sv=$(ssh -V 2>&1 | cut -d, -f1 | sed 's/OpenSSH_//')
  {
    echo "## Log following (issue: remote exec and log streaming): \`labctl logs --file F -f\` vs \`ssh h1 tail -F F\`"
    echo
    echo "Command: \`$command\` ($(date -u '+%Y-%m-%d %H:%M UTC')); machine: $(nproc) cores, $mem, OpenJDK $jv,"
    echo "OpenSSH $sv; load average $load_before before, $load_after after. $rounds rounds, each: labctl, then ssh,"
    echo "each on an empty file of its own, $lines lines of 100 bytes, $batch lines per write(2), $(writer_desc)."
    echo
    echo "$table"
  } > "$draft"
  echo "wrote $draft"
fi
