#!/usr/bin/env bash
# One remote command, end to end, as a user types it: 'labctl exec server/b1 -- true' (the launcher's client JVM
# hands it to the user's labctl session, which keeps its mutual-TLS connection to labd; labd -> agent stream, the
# agent forks 'true', exit code back) against 'ssh -F cfg h1 true' (a fresh ssh,
# key exchange + public-key authentication against a loopback sshd, no connection sharing). Then bulk output:
# 100 MB of stdout through each. One labd, one lab-agent (server b1) and one sshd, all on 127.0.0.1.
# Usage: bench/exec-vs-ssh.sh [runs]   (default 20)
#   Experiments: EXTRA_JAVA_OPTS (labd's JVM flags, replacing bin/setenv's), LAB_AGENT_JAVA_OPTS (added to the
#   agent's) and BENCH_CLI_JAVA_OPTS (added to the CLI's), e.g. to turn C2 on for the bulk-output figures.
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), and from Debian: openssh-server
# openssh-client jq bc.
set -euo pipefail
runs=${1:-20}
work=$(mktemp -d /tmp/labctl-exec-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
for c in jq bc ssh /usr/sbin/sshd; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
trap cleanup EXIT   # stops labd, the agent, PostgreSQL and the sshd by their ids (lib-agents.sh)
trap 'exit 130' INT TERM

# The CLI with the root launcher's flags (lib-agents.sh); BENCH_CLI_JAVA_OPTS (experiments only) is appended to
# them. labd's EXTRA_JAVA_OPTS and the agent's LAB_AGENT_JAVA_OPTS pass through from the environment too.
setup_cli ${BENCH_CLI_JAVA_OPTS:-}

install_labd
start_labd_session
enrol_agent b1
[ "$("${lc[@]}" exec server/b1 -- echo hello)" = hello ] || { echo "labctl exec server/b1 does not work" >&2; exit 1; }

start_sshd 1
[ "$(ssh -F "$ssh_cfg" h1 echo hello)" = hello ] || { echo "ssh h1 does not work" >&2; exit 1; }

# For reference beside the goal's pair: labctl without its session (a cold JVM with mutual TLS per command, as
# LABCTL_SESSION=off or a first command runs), and ssh with a kept master connection (ControlPersist), the ssh
# counterpart of the labctl session.
ssh_mux=(ssh -F "$ssh_cfg" -o ControlMaster=auto -o ControlPath="$work/ssh-mux-%C" -o ControlPersist=120)
"${ssh_mux[@]}" h1 true
trap '"${ssh_mux[@]}" -O exit h1 >/dev/null 2>&1; cleanup' EXIT

measure "labctl exec server/b1 -- true" "${lc[*]} exec server/b1 -- true"
measure "ssh -F cfg h1 true" "ssh -F $ssh_cfg h1 true"
measure "labctl version (client start + hand-over to the session)" "${lc[*]} version"
measure "labctl version --server (+ GET to labd on a kept connection)" "${lc[*]} version --server"
measure "labctl ping server/b1 (+ labd -> agent round trip)" "${lc[*]} ping server/b1"
measure "LABCTL_SESSION=off labctl exec (cold JVM + mutual TLS)" "LABCTL_SESSION=off ${lc[*]} exec server/b1 -- true"
measure "ssh with ControlPersist (kept master connection)" "${ssh_mux[*]} h1 true"
echo "== $runs rounds (after 3 warm-up rounds), each command once per round; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_rounds 3 "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r lc_med lc_p90 _ < <(stats 0)
read -r ssh_med ssh_p90 _ < <(stats 1)
ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
verdict() { if [ "$(echo "$1 <= $2" | bc)" = 1 ]; then echo met; else echo MISSED; fi; }

# bulk output: 100 MB of stdout, 3 runs each, median wall time (labctl's includes its JVM start and handshake)
bytes=100000000
got=$("${lc[@]}" exec server/b1 -- sh -c "head -c $bytes /dev/zero" | wc -c)
[ "$got" = "$bytes" ] || { echo "labctl exec delivered $got bytes of $bytes" >&2; exit 1; }
got=$(ssh -F "$ssh_cfg" h1 "head -c $bytes /dev/zero" | wc -c)
[ "$got" = "$bytes" ] || { echo "ssh delivered $got bytes of $bytes" >&2; exit 1; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
# CPU seconds labd's and the agent's JVMs spend on the labctl runs (where the bulk time goes)
find_java_pids
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
lt=(); st=(); labd_cpu=0; agent_cpu=0
for _ in 1 2 3; do
  l0=$(ticks "$labd_java"); a0=$(ticks "$agent_java")
  t0=$(now); "${lc[@]}" exec server/b1 -- sh -c "head -c $bytes /dev/zero" > /dev/null; lt+=("$(since "$t0")")
  labd_cpu=$((labd_cpu + $(ticks "$labd_java") - l0)); agent_cpu=$((agent_cpu + $(ticks "$agent_java") - a0))
  t0=$(now); ssh -F "$ssh_cfg" h1 "head -c $bytes /dev/zero" > /dev/null; st+=("$(since "$t0")")
done
hz=$(getconf CLK_TCK)
lbt=$(printf '%.2f' "$(median3 "${lt[@]}")"); sbt=$(printf '%.2f' "$(median3 "${st[@]}")")
lmbs=$(printf '%.1f' "$(echo "scale=3; $bytes / 1000000 / $lbt" | bc)"); smbs=$(printf '%.1f' "$(echo "scale=3; $bytes / 1000000 / $sbt" | bc)")
# the same, less each tool's median 'true' run (start, handshake, command): the streaming rate alone
lnet=$(printf '%.1f' "$(echo "scale=3; $bytes / 1000000 / ($lbt - $lc_med / 1000)" | bc)")
snet=$(printf '%.1f' "$(echo "scale=3; $bytes / 1000000 / ($sbt - $ssh_med / 1000)" | bc)")

echo
print_timings
echo "100 MB runs (s): labctl $(printf '%.2f ' "${lt[@]}"); ssh $(printf '%.2f ' "${st[@]}")"
echo "CPU per 100 MB through labctl (mean of 3): labd JVM $(echo "scale=2; $labd_cpu / 3 / $hz" | bc) s, agent JVM $(echo "scale=2; $agent_cpu / 3 / $hz" | bc) s"
echo
printf '| %s | %s | %s | %s | %s | %s |\n' measure labctl ssh "ratio labctl/ssh" goal verdict
printf '| %s | %s | %s | %s | %s | %s |\n' --- --- --- --- --- ---
printf '| %s | %s ms | %s ms | %s | %s | %s |\n' "one command, median of $runs" "$lc_med" "$ssh_med" \
  "$(ratio "$lc_med" "$ssh_med")" "≤ 1.0" "$(verdict "$(ratio "$lc_med" "$ssh_med")" 1.0)"
printf '| %s | %s ms | %s ms | %s | %s | %s |\n' "one command, p90 of $runs" "$lc_p90" "$ssh_p90" \
  "$(ratio "$lc_p90" "$ssh_p90")" "—" ""
printf '| %s | %s MB/s (%s s) | %s MB/s (%s s) | %s | %s | %s |\n' "100 MB stdout, median of 3, start included" \
  "$lmbs" "$lbt" "$smbs" "$sbt" "$(ratio "$lmbs" "$smbs")" "—" ""
printf '| %s | %s MB/s | %s MB/s | %s | %s | %s |\n' "100 MB stdout, less the median 'true' run" \
  "$lnet" "$snet" "$(ratio "$lnet" "$snet")" "—" ""
