#!/usr/bin/env bash
# kubectl against the Kubernetes API server double (no real API server runs here), directly and through a second
# kubeconfig (the one through labd's kubectl proxy), side by side: 'kubectl get pods' of 1,000 pods (RUNS timed runs
# each, median and p90, the two targets taking turns), 'kubectl exec POD -- echo hi' (a WebSocket upgrade; as many
# runs) and the latency of watch events (both watches open at once;
# EVENTS events published 20 ms apart, each stamped when published; p50 and p99 of printed-by-kubectl minus stamp).
# Runs kube's KubeProxyBench with the real kubectl ($KUBECTL, else kubectl on the PATH).
# Usage: bench/kube-proxy.sh [runs] [events]   (defaults 20 and 200); PODS (default 1000); M2 (a Maven local repository)
#   SECOND_SETUP: a shell command that makes the second kubeconfig. It gets $DOUBLE_KUBECONFIG (the double's own, made
#     for this run) and must write $SECOND_KUBECONFIG, e.g. through labd:
#       SECOND_SETUP='labctl clusters add bench --kubeconfig "$DOUBLE_KUBECONFIG" --env lab &&
#                     labctl kubectl --cluster bench config > "$SECOND_KUBECONFIG"'
#       SECOND_TEARDOWN='labctl clusters remove bench'
#   SECOND_CONTEXT: a context of that kubeconfig (default: its current context). Without SECOND_SETUP: direct only.
# Needs: mvn -B install -DskipTests done once; kubectl.
set -euo pipefail
runs=${1:-20}
events=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
mvn -B -o ${M2:+-Dmaven.repo.local=$M2} surefire:test -pl core-bundles/kube -Dtest=KubeProxyBench \
    -Dkube.bench="$runs" -Dkube.bench.events="$events" -Dkube.bench.pods="${PODS:-1000}" \
    -Dkube.bench.setup="${SECOND_SETUP:-}" -Dkube.bench.teardown="${SECOND_TEARDOWN:-}" \
    -Dkube.bench.context="${SECOND_CONTEXT:-}" -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
  | grep -E '^(kubectl|direct|second| {20}|watch)|Tests run:|FAIL|ERROR' || true
