#!/usr/bin/env bash
# How long a copy of one agent's certificate and key can keep the real agent away: a 60 s attack that reconnects
# with the copied identity over and over (pinging the real agent through labd every 100 ms meanwhile), then the
# time labd takes to hand the agent's slot to a new connection when the real one is frozen (SIGSTOP: a connection
# that died silently). Usage: bench/duplicate-agent.sh [attack-seconds]   (needs: mvn -B install -DskipTests; jq)
set -euo pipefail
seconds=${1:-60}
work=$(mktemp -d /tmp/labctl-bench.XXXXXX)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ssh-baseline.sh"
source "$(dirname "$0")/lib-agents.sh"
trap cleanup EXIT

setup_cli
install_labd; start_labd_session
enrol_agent twin
cp="$(itests_classpath)"
run() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.labctl.itests.bench.DuplicateAgentConnection \
  "$work/labd/etc/admin.labctl.yaml" "$work/agent/identity" twin "$@"; }
echo "== attack with a copied agent identity"
run attack "$seconds"
echo "== takeover of a frozen agent's connection"
find_java_pids
kill -STOP "$agent_java"
run takeover
kill -CONT "$agent_java"
