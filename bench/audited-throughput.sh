#!/usr/bin/env bash
# Requests per second through labd's full path (mutual TLS, identity, RBAC, audit row written) vs a bare Jetty
# handler on the same TLS setup in a JVM of its own, and vs labd's unguarded health route (same Jersey stack).
# Needs: mvn -B install -DskipTests. Usage: bench/audited-throughput.sh [seconds] [concurrency]
set -euo pipefail
work=$(mktemp -d)
bare_pid=
trap '[ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null; stop_all; rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"
seconds=${1:-15}; concurrency=${2:-16}
install_labd
echo "labd up in $(start_labd) s"
(cd "$root/itests" && mvn -B -q -o test-compile >/dev/null)
cp=$(itests_classpath)
mkdir -p "$work/bare"
java -XX:+UseSerialGC -Xmx512m -cp "$cp" io.labctl.itests.bench.AuditedThroughput serve-bare \
  "$work/labd/etc/admin.labctl.yaml" "$work/bare" > "$work/bare.out" 2>&1 &
bare_pid=$!
until [ -f "$work/bare/port" ]; do sleep 0.1; done
# the bare server's certificate names no host: the client skips host-name checks for both sides
java -Djdk.internal.httpclient.disableHostnameVerification=true -cp "$cp" io.labctl.itests.bench.AuditedThroughput \
  "$work/labd/etc/admin.labctl.yaml" "$seconds" "$concurrency" "$work/bare"
