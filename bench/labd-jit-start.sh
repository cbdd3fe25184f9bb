#!/usr/bin/env bash
# labd's cold start (fresh data directory) and warm restart with its JVM flags from bin/setenv (C1 and C2) against
# the same flags with -XX:TieredStopAtLevel=1 (C1 only), interleaved so that the machine's state falls on both.
# Usage: bench/labd-jit-start.sh [runs]   (default 3; needs: mvn -B install -DskipTests)
set -euo pipefail
runs=${1:-3}
work=$(mktemp -d /tmp/labctl-bench.XXXXXX)
trap 'stop_all; rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"
for i in $(seq "$runs"); do
  unset EXTRA_JAVA_OPTS
  install_labd; c2=$(start_labd); stop_labd; c2w=$(start_labd); stop_labd
  export EXTRA_JAVA_OPTS="-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
  install_labd; c1=$(start_labd); stop_labd; c1w=$(start_labd); stop_labd
  printf 'run %s: C1+C2 cold %.2f s, warm %.2f s | C1 only cold %.2f s, warm %.2f s\n' "$i" "$c2" "$c2w" "$c1" "$c1w"
done
