#!/usr/bin/env bash
# Requests per second through labd's full path (mutual TLS, RBAC, audit write) vs a bare Jetty handler on the
# same TLS setup. Needs: mvn -B install -DskipTests. Usage: bench/audited-throughput.sh [seconds] [concurrency]
set -euo pipefail
work=$(mktemp -d); trap 'stop_all; rm -rf "$work"' EXIT
source "$(dirname "$0")/lib.sh"
seconds=${1:-15}; concurrency=${2:-8}
install_labd
echo "labd up in $(start_labd) s"
(cd "$root/itests" && mvn -B -q -o test-compile >/dev/null)
cp=$(itests_classpath)
# the bare server's certificate is the admin's (no IP name in it): this client skips host-name checks for both sides
java -Djdk.internal.httpclient.disableHostnameVerification=true -cp "$cp" \
  io.labctl.itests.bench.AuditedThroughput "$work/labd/etc/admin.labctl.yaml" "$seconds" "$concurrency"
