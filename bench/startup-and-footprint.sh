#!/usr/bin/env bash
# Cold start of labd (to API answering) and lab-agent (to connected), and the agent's resident memory.
# Usage: bench/startup-and-footprint.sh [runs]   (needs the distributions: mvn -B install -DskipTests)
set -euo pipefail
runs=${1:-3}
work=$(mktemp -d /tmp/labctl-bench.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"

echo "== labd cold start (fresh data directory: PostgreSQL initdb, schema, CA) and warm restart"
for i in $(seq "$runs"); do
  install_labd; cold=$(start_labd); stop_labd; warm=$(start_labd); stop_labd
  echo "run $i: cold ${cold}s warm ${warm}s"
done

install_labd; start_labd >/dev/null
"${cli[@]}" config import "$work/labd/etc/admin.labctl.yaml" >/dev/null
echo "== lab-agent start to connected (enrolment included on the first start)"
for i in $(seq "$runs"); do
  name="bench-$i"
  token=$("${cli[@]}" create token --server "$name")
  rm -rf "$work/agent"; mkdir -p "$work/agent"; tar -xzf "$agent_tar" -C "$work/agent" --strip-components=1
  printf 'serverUrl = https://127.0.0.1:%s\nname = %s\ntoken = %s\n' "$port" "$name" "$token" > "$work/agent/etc/io.labctl.agent.cfg"
  t0=$(now); (cd "$work/agent" && exec setsid bin/lab-agent) >> "$work/agent.out" 2>&1 < /dev/null &
  until grep -q "connected to labd" "$work/agent/data/log/karaf.log" 2>/dev/null; do sleep 0.05; done
  first=$(since "$t0")
  pkill -f "karaf.home=$work/agent"; while pgrep -f "karaf.home=$work/agent" >/dev/null; do sleep 0.2; done
  : > "$work/agent/data/log/karaf.log"
  t0=$(now); (cd "$work/agent" && exec setsid bin/lab-agent) >> "$work/agent.out" 2>&1 < /dev/null &
  until grep -q "connected to labd" "$work/agent/data/log/karaf.log" 2>/dev/null; do sleep 0.05; done
  again=$(since "$t0")
  sleep 30   # heartbeating for a while
  pid=$(pgrep -f "karaf.home=$work/agent" | head -1)
  rss=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
  for _ in $(seq 200); do "${cli[@]}" ping "server/$name" >/dev/null; done
  sleep 5
  rss_after=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
  echo "run $i: first start (enrol+connect) ${first}s, restart to connected ${again}s, RSS after 30 s of heartbeats $((rss / 1024)) MiB, after 200 pings $((rss_after / 1024)) MiB"
  pkill -f "karaf.home=$work/agent"; while pgrep -f "karaf.home=$work/agent" >/dev/null; do sleep 0.2; done
done
pid=$(pgrep -f "karaf.home=$work/labd" | head -1)
echo "labd RSS with embedded PostgreSQL running beside it: JVM $(( $(awk '/VmRSS/{print $2}' /proc/"$pid"/status) / 1024 )) MiB"
