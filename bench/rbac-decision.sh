#!/usr/bin/env bash
# Access decisions of io.labctl.rbac: p50/p99/p99.9 of one decide() for a user bound to 100 roles with 1,000 rules
# (JMH, sample-time mode). Builds the module first when its sources are newer than the compiled benchmark.
# Usage: bench/rbac-decision.sh [JMH options]   default: 3 warmup + 5 measurement iterations of 1 s, 1 fork
#        e.g. bench/rbac-decision.sh -wi 5 -i 10 -f 2
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module="$root/core-bundles/rbac"
work=$(mktemp -d /tmp/labctl-rbac-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

marker="$module/target/test-classes/META-INF/BenchmarkList"
if [ ! -f "$marker" ] || [ -n "$(find "$module/src" "$module/pom.xml" -newer "$marker" -print -quit)" ]; then
  echo "building io.labctl.rbac ..." >&2
  (cd "$module" && { mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests; }) >&2
fi
(cd "$module" && mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp") >&2

java -cp "$module/target/test-classes:$module/target/classes:$(cat "$work/cp")" \
  io.labctl.rbac.internal.DecisionBenchmark "$@"
