#!/usr/bin/env bash
# Enrolments per second end to end, then 'labctl get servers' wall time with 1,000 servers in the database (JVM
# start included), and CSR signing per second in-process.
# Usage: bench/fleet.sh [servers] [clients]   (needs: mvn -B install -DskipTests; hyperfine from Debian)
set -euo pipefail
servers=${1:-1000}
clients=${2:-8}
work=$(mktemp -d /tmp/labctl-bench.XXXXXX)
# the launcher's labctl session for this run lives in $work/session; its pid is in its lock file
stop_session() { local l; for l in "$work"/session/session-*.lock; do [ -f "$l" ] && kill "$(head -1 "$l")" 2>/dev/null || true; done; }
trap 'stop_session; stop_all; rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }

install_labd; start_labd >/dev/null
"${cli[@]}" config import "$work/labd/etc/admin.labctl.yaml" >/dev/null
cp="$(itests_classpath)"
echo "== enrolment"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.labctl.itests.bench.EnrolmentThroughput "$work/labd/etc/admin.labctl.yaml" "$servers" "$clients" bench
echo "== labctl get servers with $("${cli[@]}" get servers -o json | grep -c '"name"') servers"
export LABCTL_CONFIG="$work/config.yaml" LABCTL_SESSION_DIR="$work/session"
"$root/labctl" version >/dev/null   # the launcher writes its class-data-sharing archive on first use
"$root/labctl" get servers >/dev/null   # ... and starts the labctl session
hyperfine -N --warmup 3 --runs 20 --export-markdown "$work/get.md" \
  -n "./labctl get servers (the launcher: through the labctl session)" "$root/labctl get servers" \
  -n "LABCTL_SESSION=off ./labctl get servers (one-shot: AppCDS, C1, serial GC)" "env LABCTL_SESSION=off $root/labctl get servers" \
  -n "java -jar labctl.jar get servers (plain JVM)" "java -jar $root/cli/target/labctl.jar get servers" >/dev/null
cat "$work/get.md"
stop_all

echo "== CSR signing in-process"
(cd "$root" && mvn -B -q -o dependency:build-classpath -pl core-bundles/ca -Dmdep.outputFile="$work/ca.cp" >/dev/null)
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$root/core-bundles/ca/target/test-classes:$root/core-bundles/ca/target/classes:$(cat "$work/ca.cp")" \
  io.labctl.ca.internal.SigningThroughput 10
