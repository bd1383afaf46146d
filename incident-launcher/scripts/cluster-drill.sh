#!/usr/bin/env bash
# Cluster drill, outside the test suite: the suite's ClusterFaultTest sized for a night. Three Kafka nodes (each a
# process of its own), two command instances (one of them a process of its own), and two query instances splitting the
# processors (one of them a process of its own); while the commands flow through both command instances, the leader of
# a partition of the incident topic is killed with SIGKILL and brought back, the command process is made the one that
# publishes, killed with SIGKILL (the other instance takes the publication over) and brought back, the query process is
# killed with SIGKILL while it applies the status projection and comes back, then killed again as the audit ledger's
# writer (the other instance takes the ledger over) and comes back, each after a fifth of the commands. Then it checks,
# reading from both query instances: every 2xx command is in every view exactly once, each incident's version equals
# the event store's, the audit ledger holds every event once in a contiguous order, a rebuild gives the same digest;
# and prints the measured takeover times.
#
# Usage (from anywhere; PostgreSQL on 127.0.0.1:5432 as for bin/test):
#   incident-launcher/scripts/cluster-drill.sh [commands=100000] [clients=12]
# Exits 0 only when every check holds; the last line is the summary. Output: incident-launcher/target/cluster-drill.log
# and the test's own output under incident-launcher/target/surefire-reports/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

COMMANDS=${1:-100000}
CLIENTS=${2:-12}
LOG=incident-launcher/target/cluster-drill.log
OUTPUT=incident-launcher/target/surefire-reports/io.incidenttracker.launcher.ClusterFaultTest-output.txt
mkdir -p incident-launcher/target
rm -f "$OUTPUT"

bin/test -pl incident-launcher -am -Dtest=ClusterFaultTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dincident.cluster.commands="$COMMANDS" -Dincident.cluster.clients="$CLIENTS" >"$LOG" 2>&1
status=$?

summary=$(grep -h "^CLUSTER DRILL PASSED" "$OUTPUT" 2>/dev/null | tail -1)
grep -h "^TAKEOVER\|^cluster fault test" "$OUTPUT" 2>/dev/null
if [ "$status" -eq 0 ] && [ -n "$summary" ]; then
    echo "$summary"
    exit 0
fi
grep -E "Tests run:|FAIL|ERROR\]" "$LOG" | tail -5
echo "CLUSTER DRILL FAILED (commands=$COMMANDS, exit code $status): see $LOG and $OUTPUT"
exit 1
