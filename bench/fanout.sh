#!/usr/bin/env bash
# Fan-out: one command on N servers at once, end to end. 'labctl exec --selector env=bench -- true' (one CLI JVM,
# one request to labd, labd fans out to N lab-agent connections) against parallel-ssh -p N and pdsh -R ssh -f N over
# N ssh aliases of one loopback sshd (key authentication, no connection sharing: N full handshakes).
# One labd and N lab-agent JVMs (a1..aN, each its own directory, enrolled with one reusable token --env bench), all
# on 127.0.0.1.
# Usage: bench/fanout.sh [agents] [runs]   (defaults 20 and 5)
#   WARMUP (default 3): unmeasured rounds first. labd and the labctl session compile their TLS and stream code with
#   C2 over the first few dozen fan-outs; WARMUP=30 measures that steady state (ssh's side does not change with it).
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
source "$here/lib-agents.sh"
for c in jq bc ssh /usr/sbin/sshd parallel-ssh pdsh; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done
trap cleanup EXIT   # stops labd, the agents, PostgreSQL and the sshd by their ids (lib-agents.sh)
trap 'exit 130' INT TERM

setup_cli   # the CLI with the root launcher's flags (lib-agents.sh)

install_labd
start_labd_session
"${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
token=$("${lc[@]}" create token --reusable --env bench --ttl 1h 2>/dev/null)

echo "== starting $n agents, $batch at a time"
t_all=$(now)
for first in $(seq 1 "$batch" "$n"); do
  last=$((first + batch - 1)); [ "$last" -gt "$n" ] && last=$n
  for i in $(seq "$first" "$last"); do start_agent "$work/agents/a$i" "a$i" "$token"; done
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
measure "labctl version (client start + hand-over to the session)" "${lc[*]} version"
echo "== $runs rounds (after ${WARMUP:-3} warm-up rounds), each command once per round; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_rounds "${WARMUP:-3}" "$runs"
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
