#!/usr/bin/env bash
# How long a user's open stream outlives the end of their access, on the labd that made the change (goal: 1 s).
# One labd, one agent (server b1). Each round creates a user bound to role bench-exec, starts
# 'labctl exec server/b1 -- sh -c "echo started; exec sleep 600"' as that user, waits for "started", then either
# deletes the user (rounds 1, 3, ...) or unbinds the role (rounds 2, 4, ...), and measures:
#   labd:   the change's audit row (written in the change's transaction) to the stream's closing audit row, both
#           stamped by labd's clock: how long labd took to end the stream;
#   client: the change command's return to the exec process's exit: what a user sees (includes the CLI's exit).
# Usage: bench/revocation.sh [rounds]   (default 10)
# Needs the distributions and the CLI jar (mvn -B install -DskipTests), jq and python3.
set -euo pipefail
rounds=${1:-10}
work=$(mktemp -d /tmp/labctl-revocation-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
stop_sshd() { :; }   # lib-agents.sh's cleanup stops an sshd; this bench starts none
source "$here/lib-agents.sh"
for c in jq python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
trap cleanup EXIT
trap 'exit 130' INT TERM

setup_cli
export LABCTL_SESSION=off   # every command its own process: the stream's exit is the CLI's exit
install_labd
start_labd_session
enrol_agent b1
"${lc[@]}" create role bench-exec --allow 'exec:*:*:*' >/dev/null

# ms between two audit timestamps (ISO-8601)
ms_between() { python3 -c 'import sys
from datetime import datetime
a, b = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:3])
print("%.0f" % ((b - a).total_seconds() * 1000))' "$1" "$2"; }
newest_at() { "${lc[@]}" logs audit "$@" --limit 1 -o json | jq -r '.[0].at'; }

: > "$work/labd.ms"; : > "$work/client.ms"
for ((i = 1; i <= rounds; i++)); do
  user="rv$i"
  "${lc[@]}" create user "$user" --out "$work/$user.yaml" >/dev/null 2>&1
  "${lc[@]}" bind role bench-exec --user "$user" >/dev/null
  LABCTL_CONFIG="$work/$user-config.yaml" "${lc[@]}" config import "$work/$user.yaml" >/dev/null
  LABCTL_CONFIG="$work/$user-config.yaml" "${lc[@]}" exec server/b1 -- sh -c 'echo started; exec sleep 600' \
    > "$work/$user.out" 2> "$work/$user.err" &
  stream=$!; pids+=("$stream")
  until grep -q started "$work/$user.out"; do
    kill -0 "$stream" 2>/dev/null || { echo "the stream of $user did not start: $(cat "$work/$user.err")" >&2; exit 1; }
    sleep 0.05
  done
  if ((i % 2)); then
    kind=delete; verb=user.delete; "${lc[@]}" delete "user/$user" >/dev/null
  else
    kind=unbind; verb=role.unbind; "${lc[@]}" unbind role bench-exec --user "$user" >/dev/null
  fi
  changed=$EPOCHREALTIME
  code=0; wait "$stream" || code=$?
  ended=$EPOCHREALTIME
  [ "$code" = 77 ] || { echo "round $i: exit $code, not 77: $(cat "$work/$user.err")" >&2; exit 1; }
  client=$(echo "$changed $ended" | awk '{ printf "%.0f", ($2 - $1) * 1000 }')
  labd=$(ms_between "$(newest_at --action "$verb")" "$(newest_at --user "$user" --action exec.close)")
  echo "$labd" >> "$work/labd.ms"; echo "$client" >> "$work/client.ms"
  printf 'round %2d (%s): labd %5s ms, client %5s ms\n' "$i" "$kind" "$labd" "$client"
done

summary() { sort -g "$1" | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "median %.0f ms, min %.0f, max %.0f (%d rounds)\n", m, a[1], a[NR], NR }'; }
echo "labd (change's audit row to the stream's closing row): $(summary "$work/labd.ms")"
echo "client (change command returned to the exec's exit):   $(summary "$work/client.ms")"
