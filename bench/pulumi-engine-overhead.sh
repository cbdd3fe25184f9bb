#!/bin/sh
# The Pulumi engine driver's own time around the engine, measured with the stand-in engine (a test double of the
# pulumi binary): per run, wall time, the time engine processes ran, the rest (the driver: SDK, process plumbing,
# event log), the time before the first engine process started and after the last one ended.
# Usage: bench/pulumi-engine-overhead.sh [runs]   (after mvn install -DskipTests)
set -e
cd "$(dirname "$0")/../core-bundles/pulumi-engine"
REPO=${MAVEN_REPO:-$HOME/.m2/repository}
mvn -q -o -Dmaven.repo.local="$REPO" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" io.labctl.pulumi.engine.internal.EngineOverheadBench "${1:-10}" target/standin/pulumi
