#!/usr/bin/env bash
# Cold start of labd (to API answering) and lab-agent (to connected), and the agent's resident memory.
# Usage: bench/startup-and-footprint.sh [runs]   (needs the distributions: mvn -B install -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
work=$(mktemp -d /tmp/labctl-bench.XXXXXX)
trap 'pkill -f "karaf.home=$work" 2>/dev/null || true; sleep 2; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000)); dbport=$((port + 1)); ssh=$((port + 2))
labd_tar=$(ls "$root"/karaf-assembly/labd/target/labd-*.tar.gz)
agent_tar=$(ls "$root"/karaf-assembly/lab-agent/target/lab-agent-*.tar.gz)
cli=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$root/cli/target/labctl.jar" --config "$work/config.yaml")
now() { date +%s.%N; }

install_labd() {
  rm -rf "$work/labd"; mkdir -p "$work/labd"; tar -xzf "$labd_tar" -C "$work/labd" --strip-components=1
  printf 'host = 127.0.0.1\nport = %s\nadvertiseUrl = https://127.0.0.1:%s\n' "$port" "$port" > "$work/labd/etc/io.labctl.web.cfg"
  printf 'embeddedPort = %s\n' "$dbport" > "$work/labd/etc/io.labctl.persistence.cfg"
  sed -i "s/^sshPort = .*/sshPort = $ssh/" "$work/labd/etc/org.apache.karaf.shell.cfg"
}
health() { curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" "https://127.0.0.1:$port/api/v1/health" 2>/dev/null || true; }
start_labd() {  # prints seconds from launch to the health check answering 200
  local t0; t0=$(now)
  (cd "$work/labd" && setsid bin/karaf server >> "$work/labd.out" 2>&1 < /dev/null &)
  until [ -f "$work/labd/etc/admin.labctl.yaml" ]; do sleep 0.05; done
  awk '/caCertificate: \|/{f=1;next} /^[a-zA-Z]/{f=0} f{sub(/^  /,"");print}' "$work/labd/etc/admin.labctl.yaml" > "$work/ca.pem"
  until [ "$(health)" = 200 ]; do sleep 0.05; done
  echo "$(now) - $t0" | bc
}
stop_labd() { pkill -f "karaf.home=$work/labd" || true; while pgrep -f "karaf.home=$work/labd" >/dev/null; do sleep 0.2; done; }

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
  t0=$(now); (cd "$work/agent" && setsid bin/lab-agent >> "$work/agent.out" 2>&1 < /dev/null &)
  until grep -q "connected to labd" "$work/agent/data/log/karaf.log" 2>/dev/null; do sleep 0.05; done
  first=$(echo "$(now) - $t0" | bc)
  pkill -f "karaf.home=$work/agent"; while pgrep -f "karaf.home=$work/agent" >/dev/null; do sleep 0.2; done
  : > "$work/agent/data/log/karaf.log"
  t0=$(now); (cd "$work/agent" && setsid bin/lab-agent >> "$work/agent.out" 2>&1 < /dev/null &)
  until grep -q "connected to labd" "$work/agent/data/log/karaf.log" 2>/dev/null; do sleep 0.05; done
  again=$(echo "$(now) - $t0" | bc)
  sleep 30   # heartbeating for a while
  pid=$(pgrep -f "karaf.home=$work/agent" | head -1)
  rss=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
  for _ in $(seq 20); do "${cli[@]}" describe "server/$name" >/dev/null; done
  sleep 10
  rss_after=$(awk '/VmRSS/{print $2}' /proc/"$pid"/status)
  echo "run $i: first start (enrol+connect) ${first}s, restart to connected ${again}s, RSS idle $((rss / 1024)) MiB, after requests $((rss_after / 1024)) MiB"
  pkill -f "karaf.home=$work/agent"; while pgrep -f "karaf.home=$work/agent" >/dev/null; do sleep 0.2; done
done
pid=$(pgrep -f "karaf.home=$work/labd" | head -1)
echo "labd RSS with embedded PostgreSQL running beside it: JVM $(( $(awk '/VmRSS/{print $2}' /proc/"$pid"/status) / 1024 )) MiB"
