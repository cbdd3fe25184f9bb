#!/usr/bin/env bash
# Live upgrade of an agent capability: 'labctl agents upgrade --feature ping' between two versions of agent-ping (the
# built bundle with another Bundle-Version), on AGENTS agents in batches of BATCH, ROUNDS times each way. Prints each
# rollout's wall time (CLI to answer, the launcher's session) and each agent's own time (fetch and digest check,
# install, start, health check, removal of the old version), then the per-agent median and maximum.
# Usage: bench/agent-upgrade.sh [agents] [batch] [rounds]   (default 1 1 5; the issue's fleet case: 20 5 3)
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), jq, bc and python3.
set -euo pipefail
agents=${1:-1}
batch=${2:-1}
rounds=${3:-5}
work=$(mktemp -d /tmp/labctl-upgrade-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
for c in jq bc python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
trap cleanup EXIT   # stops labd, the agents and PostgreSQL by their ids (lib-agents.sh)
trap 'exit 130' INT TERM

setup_cli
install_labd
start_labd_session
for i in $(seq "$agents"); do
  "${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
  token=$("${lc[@]}" create token --server "u$i" --env bench 2>/dev/null)
  start_agent "$work/agent-$i" "u$i" "$token"
done
for i in $(seq "$agents"); do wait_online "u$i"; done

# two versions of agent-ping from the one the distribution ships
jar=$(find "$work/agent-1/system/io/labctl/io.labctl.agent.ping" -name '*.jar' | head -1)
for v in 0.2.0 0.3.0; do
  reversion "$jar" "$work/ping-$v.jar" "$v"
  "${lc[@]}" repo push "$work/ping-$v.jar" --name lab-agent-ping --version "$v" >/dev/null
done

echo "== agents upgrade --feature ping: $agents agent(s), batches of $batch, $rounds round(s) each way"
: > "$work/agent-ms"
for r in $(seq "$rounds"); do
  for v in 0.2.0 0.3.0; do
    t0=$(now)
    "${lc[@]}" agents upgrade --feature ping --to "$v" -l env=bench --batch "$batch" -o json > "$work/result.json"
    wall=$(since "$t0")
    jq -r '.servers[] | select(.result == "upgraded") | .millis' "$work/result.json" >> "$work/agent-ms"
    printf 'round %s to %s: rollout %.2f s, upgraded %s, failed %s\n' "$r" "$v" "$wall" \
      "$(jq .upgraded "$work/result.json")" "$(jq .failed "$work/result.json")"
  done
done
sort -n "$work/agent-ms" | awk '{a[NR]=$1} END {printf "per agent (the agent'"'"'s own time): n=%d median %d ms, max %d ms\n", NR, a[int((NR+1)/2)], a[NR]}'
"${lc[@]}" ping server/u1 >/dev/null && echo "ping still answers after the upgrades"
