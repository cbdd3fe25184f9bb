#!/usr/bin/env bash
# A big journal read by the agent, before and now: before, journalctl formatted the entries (-o short-iso --utc) and
# the agent copied its bytes; now journalctl writes the export format (-o export) and the agent formats each entry,
# keeping its cursor (so that a follow can be handed over exactly). Runs agent-logs' JournalReadBench: it writes a
# journal of ENTRIES entries with systemd-journal-remote, then reads all of it both ways, in turns, ROUNDS times, and
# checks that both give the same bytes. Prints entries per second for each.
# Usage: bench/journal-read.sh [entries]   (default 200000); ROUNDS (default 3); M2 (a Maven local repository);
#   ARGLINE (the test JVM's options; -XX:TieredStopAtLevel=1 runs C1 only, as the agent does).
# Needs: mvn -B install -DskipTests done once; journalctl and systemd-journal-remote (Debian: systemd-journal-remote).
set -euo pipefail
entries=${1:-200000}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
mvn -B -o ${M2:+-Dmaven.repo.local=$M2} surefire:test -pl agent-bundles/agent-logs -Dtest=JournalReadBench \
    ${ARGLINE:+"-DargLine=$ARGLINE"} -Djournal.bench="$entries" -Djournal.bench.rounds="${ROUNDS:-3}" -Dsurefire.failIfNoSpecifiedTests=false \
  | grep -E '^(journal:|round [0-9]+:)|Tests run:|FAIL|ERROR' || true
