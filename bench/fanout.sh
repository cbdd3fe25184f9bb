#!/usr/bin/env bash
# Fan-out: one command on N servers at once, end to end. 'labctl exec --selector env=bench -- true' (one CLI JVM,
# one request to labd, labd fans out to N lab-agent connections) against parallel-ssh -p N and pdsh -R ssh -f N over
# N ssh aliases of one loopback sshd (key authentication, no connection sharing: N full handshakes).
# One labd and N lab-agent JVMs (a1..aN, each its own directory, enrolled with one reusable token --env bench), all
# on 127.0.0.1.
# Usage: bench/fanout.sh [agents] [runs]   (defaults 20 and 5)
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), and from Debian: openssh-server
# openssh-client pssh pdsh jq bc. LAB_AGENT_JAVA_OPTS passes through to the agents.
set -euo pipefail
n=${1:-20}
runs=${2:-5}
batch=4   # agents started at a time (2 cores)
work=$(mktemp -d /tmp/labctl-fanout-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
for c in jq bc ssh /usr/sbin/sshd parallel-ssh pdsh; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done

# Processes are stopped by their own ids: labd and every agent lead a session (setsid), so their process group id
# is their pid; the embedded PostgreSQL (its own session) by the pid in its postmaster.pid.
groups=()
cleanup() {
  local g pm pid
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for g in "${groups[@]}"; do
    for _ in $(seq 300); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null || true
  done
  while IFS= read -r pm; do
    pid=$(head -1 "$pm" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -INT "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done < <(find "$work" -name postmaster.pid 2>/dev/null)
  stop_sshd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Interleaved timing: every round runs each command once, in turn, so that a change in background load (other
# builds on this machine) falls on all of them alike. Wall time from bash's EPOCHREALTIME around the command.
labels=(); commands=()
measure() { labels+=("$1"); commands+=("$2"); }
run_rounds() {   # warm-up rounds, measured rounds
  local i k t0 t1
  for ((i = 0; i < $1 + $2; i++)); do
    for k in "${!commands[@]}"; do
      t0=$EPOCHREALTIME
      eval "${commands[$k]}" > /dev/null 2>&1 || { echo "failed: ${commands[$k]}" >&2; exit 1; }
      t1=$EPOCHREALTIME
      if [ "$i" -ge "$1" ]; then echo "$t0 $t1" | awk '{ printf "%.1f\n", ($2 - $1) * 1000 }' >> "$work/t.$k"; fi
    done
  done
}
# "median p90 min max" in ms of command k (median: mean of the middle two for an even count; p90: nearest rank)
stats() {
  sort -g "$work/t.$1" | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    p = int(0.9 * NR); if (p < 0.9 * NR) p++; printf "%.0f %.0f %.0f %.0f\n", m, a[p], a[1], a[NR] }'
}
print_timings() {
  local k
  printf '%-56s %7s %7s %7s %7s\n' "command (ms)" median p90 min max
  for k in "${!commands[@]}"; do printf '%-56s %7s %7s %7s %7s\n' "${labels[$k]}" $(stats "$k"); done
}

# The CLI as the root launcher runs it on JDK 17 (C1 only, serial GC, no perf data, an AppCDS archive dumped at the
# exit of one 'labctl version' run with LABCTL_CDS_TRAINING=1), but from a copy of the jar and with the archive in
# the temporary directory, so that nothing in the checkout is written and a rebuild meanwhile changes nothing.
cp "$root/cli/target/labctl.jar" "$work/labctl.jar"
jvm=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData -Xlog:cds=off -Xlog:cds+dynamic=off)
LABCTL_CDS_TRAINING=1 "${jvm[@]}" -XX:ArchiveClassesAtExit="$work/labctl.jsa" -jar "$work/labctl.jar" version >/dev/null
lc=("${jvm[@]}" -XX:SharedArchiveFile="$work/labctl.jsa" -jar "$work/labctl.jar")
export LABCTL_CONFIG="$work/config.yaml"

install_labd
start_labd >/dev/null
groups+=("$!")
"${lc[@]}" config import "$work/labd/etc/admin.labctl.yaml" >/dev/null
token=$("${lc[@]}" create token --reusable --env bench --ttl 1h 2>/dev/null)

echo "== starting $n agents, $batch at a time"
t_all=$(now)
for first in $(seq 1 "$batch" "$n"); do
  last=$((first + batch - 1)); [ "$last" -gt "$n" ] && last=$n
  for i in $(seq "$first" "$last"); do
    d="$work/agents/a$i"; mkdir -p "$d"; tar -xzf "$agent_tar" -C "$d" --strip-components=1
    printf 'serverUrl = https://127.0.0.1:%s\nname = a%s\ntoken = %s\n' "$port" "$i" "$token" > "$d/etc/io.labctl.agent.cfg"
    (cd "$d" && exec setsid bin/lab-agent) >> "$d.out" 2>&1 < /dev/null &
    groups+=("$!")
  done
  for i in $(seq "$first" "$last"); do
    for t in $(seq 1200); do
      grep -q "connected to labd" "$work/agents/a$i/data/log/karaf.log" 2>/dev/null && break
      [ "$t" = 1200 ] && { echo "agent a$i did not connect in 120 s" >&2; tail -20 "$work/agents/a$i.out" >&2; exit 1; }
      sleep 0.1
    done
  done
done
online=0
for _ in $(seq 120); do
  online=$("${lc[@]}" get servers -l env=bench -o json | jq '[.[] | select(.status == "online")] | length')
  [ "$online" = "$n" ] && break
  sleep 1
done
[ "$online" = "$n" ] || { echo "only $online of $n agents online" >&2; exit 1; }
echo "$n agents online after $(since "$t_all") s"
rss=0
for g in "${groups[@]:1}"; do rss=$((rss + $(awk '/VmRSS/ { print $2 }' "/proc/$g/status"))); done
echo "agents' RSS: $((rss / 1024)) MiB in total, $((rss / 1024 / n)) MiB each"

start_sshd "$n"
export PDSH_SSH_ARGS="-F $ssh_cfg %h"   # pdsh's ssh module: the same config, user and key as the others

# each tool must really reach all n before it is timed
ok=$({ "${lc[@]}" exec -l env=bench -o json -- true || true; } | jq '[.[] | select(.status == "ok" and .exitCode == 0)] | length')
[ "$ok" = "$n" ] || { echo "labctl exec -l env=bench: $ok of $n ok" >&2; exit 1; }
ok=$({ parallel-ssh -p "$n" -h "$ssh_hosts" -x "-F $ssh_cfg" true || true; } | grep -c SUCCESS || true)
[ "$ok" = "$n" ] || { echo "parallel-ssh: $ok of $n ok" >&2; exit 1; }
ok=$({ pdsh -R ssh -f "$n" -w "h[1-$n]" echo ok || true; } | grep -c ': ok$' || true)
[ "$ok" = "$n" ] || { echo "pdsh: $ok of $n ok" >&2; exit 1; }

measure "labctl exec --selector env=bench -- true" "${lc[*]} exec --selector env=bench -- true"
measure "parallel-ssh -p $n -h hosts -x \"-F cfg\" true" "parallel-ssh -p $n -h $ssh_hosts -x \"-F $ssh_cfg\" true"
measure "pdsh -R ssh -f $n -w h[1-$n] true" "pdsh -R ssh -f $n -w 'h[1-$n]' true"
measure "labctl exec server/a1 -- true (one server)" "${lc[*]} exec server/a1 -- true"
measure "ssh -F cfg h1 true (one server)" "ssh -F $ssh_cfg h1 true"
measure "labctl version (JVM start floor)" "${lc[*]} version"
echo "== $runs rounds (after 1 warm-up round), each command once per round; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_rounds 1 "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r lab _ < <(stats 0)
read -r pssh _ < <(stats 1)
read -r pd _ < <(stats 2)
ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
verdict() { if [ "$(echo "$1 <= $2" | bc)" = 1 ]; then echo met; else echo MISSED; fi; }

echo
print_timings
echo
printf '| %s | %s | %s | %s | %s | %s |\n' measure labctl "pssh / pdsh" ratio goal verdict
printf '| %s | %s | %s | %s | %s | %s |\n' --- --- --- --- --- ---
printf '| %s | %s ms | %s ms (parallel-ssh -p %s) | %s | %s | %s |\n' "\`true\` on $n servers, median of $runs" \
  "$lab" "$pssh" "$n" "$(ratio "$lab" "$pssh")" "≤ 0.5" "$(verdict "$(ratio "$lab" "$pssh")" 0.5)"
printf '| %s | %s ms | %s ms (pdsh -R ssh -f %s) | %s | %s | %s |\n' "\`true\` on $n servers, median of $runs" \
  "$lab" "$pd" "$n" "$(ratio "$lab" "$pd")" "≤ 0.5" "$(verdict "$(ratio "$lab" "$pd")" 0.5)"
