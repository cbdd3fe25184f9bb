#!/usr/bin/env bash
# Lines lost or duplicated when the logs capability is upgraded under follow load: AGENTS agents, each with a file
# written at RATE numbered lines a second and followed with 'labctl logs server/uN --file F -f -n 0' (compressed, the
# CLI's default), while 'labctl agents upgrade --feature logs --to 0.2.0 --batch BATCH' rolls the new version out. Each
# follow is handed over to the new version with a cursor; afterwards every follower's output is checked: each number
# from its first line to the last line written once, in order. Prints the rollout's wall time, how many follows were
# handed over, lost, duplicated and out-of-order lines, and how many follows ended (should be none).
# With CORE=1 (the default) a second rollout then replaces the agent core itself ('--feature core --to 0.2.0'): each
# agent reconnects and its follow resumes; the agents' own reconnect times (old core stopping to new core connected,
# from their logs) are printed too, and the line check covers both rollouts.
# Usage: bench/logs-handover.sh [agents] [batch]   (default 20 5)   RATE (default 1000), AFTER (seconds of lines after
#   each rollout, default 5), CORE (default 1)
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), jq and python3.
set -euo pipefail
agents=${1:-20}
batch=${2:-5}
rate=${RATE:-1000}
after=${AFTER:-5}
core=${CORE:-1}
work=$(mktemp -d /tmp/labctl-handover-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
for c in jq python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
trap cleanup EXIT   # stops labd, the agents, PostgreSQL, the writer and the followers by their ids (lib-agents.sh)
trap 'exit 130' INT TERM

logs="$work/var-log"; mkdir -p "$logs"
setup_cli
install_labd
printf 'defaultLogPaths = %s/**\n' "$logs" >> "$work/labd/etc/io.labctl.rbac.cfg"
start_labd_session
for i in $(seq "$agents"); do
  "${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
  token=$("${lc[@]}" create token --server "u$i" --env bench 2>/dev/null)
  start_agent "$work/agent-$i" "u$i" "$token"
done
for i in $(seq "$agents"); do wait_online "u$i"; done

# agent-logs and agent-core 0.2.0: the bundles the distribution ships with another Bundle-Version
for b in logs core; do
  jar=$(find "$work/agent-1/system/io/labctl/io.labctl.agent.$b" -name '*.jar' | head -1)
  reversion "$jar" "$work/$b-0.2.0.jar" 0.2.0
  "${lc[@]}" repo push "$work/$b-0.2.0.jar" --name "lab-agent-$b" --version 0.2.0 >/dev/null
done

# one writer for every file: RATE lines a second each, ten per write(2), until $work/stop exists; then the last
# number of each file goes to FILE.last
cat > "$work/writer.py" <<'PY'
import os, sys, time
files, rate, stop = sys.argv[1].split(","), float(sys.argv[2]), sys.argv[3]
fds = [os.open(f, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) for f in files]
n, start = 0, time.monotonic()
while not os.path.exists(stop):
    for fd in fds:
        os.write(fd, b"".join(b"%d\n" % (n + j + 1) for j in range(10)))
    n += 10
    delay = start + n / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
for f in files:
    open(f + ".last", "w").write(str(n))
PY
files=$(for i in $(seq "$agents"); do printf '%s/app-%s.log,' "$logs" "$i"; done); files=${files%,}
for i in $(seq "$agents"); do : > "$logs/app-$i.log"; done
python3 "$work/writer.py" "$files" "$rate" "$work/stop" & writer=$!; pids+=("$writer")
follow_pids=()
for i in $(seq "$agents"); do
  "${lc[@]}" logs "server/u$i" --file "$logs/app-$i.log" -f -n 0 > "$work/out-$i" 2> "$work/err-$i" &
  follow_pids+=("$!"); pids+=("$!")
done
for i in $(seq "$agents"); do
  for _ in $(seq 600); do [ "$(wc -l < "$work/out-$i")" -ge "$rate" ] && break; sleep 0.2; done
done
echo "== $agents follows at $rate lines/s each; agents upgrade --feature logs --to 0.2.0 --batch $batch"
t0=$(now)
"${lc[@]}" agents upgrade --feature logs --to 0.2.0 -l env=bench --batch "$batch" -o json > "$work/result.json" || true
wall=$(since "$t0")
printf 'rollout %.2f s: upgraded %s, failed %s; follows handed over: %s\n' "$wall" "$(jq .upgraded "$work/result.json")" \
  "$(jq .failed "$work/result.json")" \
  "$(jq '[.servers[].message | capture("(?<n>[0-9]+) stream\\(s\\) handed over") | .n | tonumber] | add // 0' "$work/result.json")"
jq -r '.servers[] | select(.result == "upgraded") | .millis' "$work/result.json" | sort -n |
  awk '{a[NR]=$1} END {if (NR) printf "per agent (the agent'"'"'s own time): median %d ms, max %d ms\n", a[int((NR+1)/2)], a[NR]}'
sleep "$after"
if [ "$core" = 1 ]; then
  echo "== agents upgrade --feature core --to 0.2.0 --batch $batch (the agent core replaced, follows resumed)"
  t0=$(now)
  "${lc[@]}" agents upgrade --feature core --to 0.2.0 -l env=bench --batch "$batch" -o json > "$work/core.json" || true
  wall=$(since "$t0")
  printf 'rollout %.2f s: upgraded %s, failed %s\n' "$wall" "$(jq .upgraded "$work/core.json")" "$(jq .failed "$work/core.json")"
  jq -r '.servers[] | .message' "$work/core.json" | sed -n 's/.*reported 0.2.0 \([0-9]*\) ms after it answered.*/\1/p' |
    sort -n | awk '{a[NR]=$1} END {if (NR) printf "labd: answer to new core reported, per agent: median %d ms, max %d ms\n", a[int((NR+1)/2)], a[NR]}'
  for i in $(seq "$agents"); do
    sed -n 's/.*connected to labd again \([0-9]*\) ms after the old core began to stop.*/\1/p' "$work/agent-$i/data/log/karaf.log"
  done | sort -n | awk '{a[NR]=$1} END {if (NR) printf "agents: old core stopping to new core connected (n=%d): median %d ms, max %d ms\n", NR, a[int((NR+1)/2)], a[NR]}'
  sleep "$after"
fi
touch "$work/stop"; wait "$writer"
for i in $(seq "$agents"); do
  last=$(cat "$logs/app-$i.log.last")
  for _ in $(seq 300); do [ "$(tail -n 1 "$work/out-$i")" = "$last" ] && break; sleep 0.2; done
done
ended=0
for p in "${follow_pids[@]}"; do kill -0 "$p" 2>/dev/null || ended=$((ended + 1)); done
python3 - "$work" "$agents" "$ended" <<'PY'
import sys
work, agents, ended = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lost = dup = disorder = total = 0
for i in range(1, agents + 1):
    seen = [int(l) for l in open(f"{work}/out-{i}") if l.strip()]
    last = int(open(f"{work}/var-log/app-{i}.log.last").read())
    first = seen[0]
    total += len(seen)
    lost += len(set(range(first, last + 1)) - set(seen))
    dup += len(seen) - len(set(seen))
    disorder += sum(1 for a, b in zip(seen, seen[1:]) if b <= a)
print(f"{total} lines received by {agents} follows: lost {lost}, duplicated {dup}, out of order {disorder}; "
      f"follows that ended: {ended}")
PY
