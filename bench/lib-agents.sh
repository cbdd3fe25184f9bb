# shellcheck shell=bash
# Shared by the bench scripts that run labd with lab-agents and time the CLI against ssh (exec-vs-ssh.sh, fanout.sh,
# logs-follow.sh): the CLI as the launcher runs it, labd and agents stopped by their own ids, interleaved timing.
# Source it after lib.sh and ssh-baseline.sh; then 'trap cleanup EXIT'.
#   setup_cli [JVM flags]     -> $jvm, $lc (the CLI), LABCTL_CONFIG
#   start_labd_session        after install_labd: starts labd, imports its admin config
#   start_agent DIR NAME TOKEN, wait_online NAME, enrol_agent NAME (one agent in $work/agent, --env bench)
#   find_java_pids            -> $labd_java, $agent_java (after enrol_agent)
#   measure LABEL COMMAND, run_rounds WARMUP RUNS, stats K, print_timings

# Processes are stopped by their own ids: labd and every agent lead a session (setsid), so their process group id
# is their pid (in $groups); the embedded PostgreSQL (its own session) by the pid in its postmaster.pid; anything
# else a script starts by the pids it adds to $pids.
groups=(); pids=()
cleanup() {
  local g p pm pid
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
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
  for pm in "$work"/session/session-*.lock; do   # the labctl session: its pid is in its lock file
    pid=$(head -1 "$pm" 2>/dev/null || true)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  stop_sshd
  rm -rf "$work"
}

# The CLI as the root launcher runs it on JDK 17 (C1 only, serial GC, no perf data, an AppCDS archive dumped at the
# exit of one 'labctl version' run with LABCTL_CDS_TRAINING=1), but from a copy of the jar and with the archive in
# the temporary directory, so that nothing in the checkout is written and a rebuild meanwhile changes nothing.
# Arguments are appended to those JVM flags.
setup_cli() {
  cp "$root/cli/target/labctl.jar" "$work/labctl.jar"
  jvm=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData -Xlog:cds=off -Xlog:cds+dynamic=off
    "$@")
  LABCTL_CDS_TRAINING=1 "${jvm[@]}" -XX:ArchiveClassesAtExit="$work/labctl.jsa" -cp "$work/labctl.jar" io.labctl.cli.session.SessionClient \
    version >/dev/null
  lc=("${jvm[@]}" -XX:SharedArchiveFile="$work/labctl.jsa" -cp "$work/labctl.jar" io.labctl.cli.session.SessionClient)
  export LABCTL_CONFIG="$work/config.yaml"
  # the launcher's labctl session, private to this run (stopped with the rest: its process is found by this dir)
  export LABCTL_SESSION_DIR="$work/session"
}

# labd as installed by install_labd (EXTRA_JAVA_OPTS passes through); the CLI gets its admin context.
start_labd_session() {
  start_labd >/dev/null
  groups+=("$!")
  "${lc[@]}" config import "$work/labd/etc/admin.labctl.yaml" >/dev/null
}

# start_agent DIR NAME TOKEN: a lab-agent unpacked into DIR, output to DIR.out (LAB_AGENT_JAVA_OPTS passes through)
start_agent() {
  mkdir -p "$1"; tar -xzf "$agent_tar" -C "$1" --strip-components=1
  printf 'serverUrl = https://127.0.0.1:%s\nname = %s\ntoken = %s\n' "$port" "$2" "$3" > "$1/etc/io.labctl.agent.cfg"
  (cd "$1" && exec setsid bin/lab-agent) >> "$1.out" 2>&1 < /dev/null &
  groups+=("$!")
}

# until labd lists server NAME as online (5 minutes at most; the caller checks what it needs)
wait_online() {
  for _ in $(seq 600); do
    [ "$("${lc[@]}" get servers -o json | jq -r --arg n "$1" '.[] | select(.name == $n) | .status')" = online ] && break
    sleep 0.5
  done
}

# one agent, server NAME with env=bench, in $work/agent
enrol_agent() {
  local token
  "${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
  token=$("${lc[@]}" create token --server "$1" --env bench 2>/dev/null)
  start_agent "$work/agent" "$1" "$token"
  wait_online "$1"
}

find_java_pids() {
  labd_java=$(pgrep -g "${groups[0]}" -x java | head -1); agent_java=$(pgrep -g "${groups[1]}" -x java | head -1)
}

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

# reversion JAR OUT VERSION: a copy of a built bundle with another Bundle-Version (for live-upgrade benchmarks)
reversion() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys, zipfile
src, dst, version = sys.argv[1:]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "META-INF/MANIFEST.MF":
            data = re.sub(rb"Bundle-Version: [^\r\n]*", b"Bundle-Version: " + version.encode(), data)
        zout.writestr(item, data)
PY
}
