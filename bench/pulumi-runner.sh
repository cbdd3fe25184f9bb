#!/usr/bin/env bash
# labd's overhead around the Pulumi engine: 'labctl apply --yes' of a program that changes each round (its version
# alternates), against a labd whose engine is the stand-in (a test double of the pulumi binary: no engine can be had
# here), wrapped so that each engine process stamps its start and end. Per round, from the stamps and the command's
# own start and exit (all wall clock, ns):
#   start: labctl starts -> the first engine process starts (CLI, labd's checks and records, the SDK's setup)
#   between: the plan's last engine process ends -> the apply's first starts (the plan's end read, the next run made)
#   end: the last engine process ends -> labctl exits (outcome parsed, run recorded, the log's tail followed)
# Goal (issue 17): start and end <= 200 ms each. The engine's own time (the stand-in is a JVM per invocation, far
# slower than the real Go binary) is printed apart and is not labd's.
# Usage: bench/pulumi-runner.sh [rounds]   (default 10; 2 warm-up rounds first). SESSION=off: a cold labctl JVM per
# command instead of the warm labctl session. Needs: mvn -B install -DskipTests; python3.
set -euo pipefail
rounds=${1:-10}
work=$(mktemp -d /tmp/labctl-pulumi-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
stop_sshd() { :; }
source "$here/lib-agents.sh"
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
standin="$root/core-bundles/pulumi-engine/target/standin/pulumi"
[ -x "$standin" ] || { echo "no stand-in engine at $standin: mvn -B install -DskipTests first" >&2; exit 2; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$work/pulumi" <<WRAP
#!/bin/sh
echo "start \$(date +%s%N) \$1" >> "$work/engine.log"
"$standin" "\$@"; rc=\$?
echo "end \$(date +%s%N) \$1" >> "$work/engine.log"
exit \$rc
WRAP
chmod +x "$work/pulumi"

setup_cli
[ "${SESSION:-on}" = off ] && export LABCTL_SESSION=off
install_labd
printf 'pulumiBinary = %s\n' "$work/pulumi" > "$work/labd/etc/io.labctl.pulumi.engine.cfg"
start_labd_session
"${lc[@]}" create environment bench --cloud local >/dev/null

program() {
  printf 'name: bench\nruntime: yaml\nresources:\n  site:\n    type: test:index:Site\n    properties:\n      version: v%s\noutputs:\n  version: v%s\n' "$1" "$1" > "$work/bench.yaml"
}

: > "$work/rounds.txt"
for i in $(seq 1 $((rounds + 2))); do
  program "$i"
  : > "$work/engine.log"
  t0=$(date +%s%N)
  "${lc[@]}" apply -f "$work/bench.yaml" --env bench --yes > "$work/apply.out" 2>&1 || { cat "$work/apply.out"; exit 1; }
  t3=$(date +%s%N)
  [ "$i" -gt 2 ] && echo "$t0 $t3 $(tr '\n' ' ' < "$work/engine.log")" >> "$work/rounds.txt"
done

python3 - "$work/rounds.txt" <<'PY'
import statistics, sys
starts, betweens, ends, engine = [], [], [], []
for line in open(sys.argv[1]):
    w = line.split()
    t0, t3 = int(w[0]), int(w[1])
    ev = [(w[i], int(w[i + 1]), w[i + 2]) for i in range(2, len(w), 3)]
    procs = ev
    first_start = min(t for k, t, _ in procs if k == "start")
    last_end = max(t for k, t, _ in procs if k == "end")
    # the plan's run ends with its last process before the first 'up'; the apply's starts after it
    up_start = min(t for k, t, a in procs if k == "start" and a == "up")
    plan_end = max(t for k, t, a in procs if k == "end" and t < up_start)
    apply_first = min(t for k, t, _ in procs if k == "start" and t > plan_end)
    starts.append((first_start - t0) / 1e6)
    betweens.append((apply_first - plan_end) / 1e6)
    ends.append((t3 - last_end) / 1e6)
    engine.append(sum(t for k, t, _ in procs if k == "end") / 1e6 - sum(t for k, t, _ in procs if k == "start") / 1e6)
def show(name, xs):
    xs = sorted(xs)
    print(f"{name:<8} median {statistics.median(xs):7.0f} ms   p90 {xs[int(0.9 * (len(xs) - 1))]:7.0f} ms   max {xs[-1]:7.0f} ms")
print(f"rounds: {len(starts)} (labctl apply --yes: plan, then apply)")
show("start", starts)
show("between", betweens)
show("end", ends)
show("engine", engine)
PY
