#!/usr/bin/env bash
# Fault drill, outside the test suite: a long stream of commands against the local launcher while the whole
# process (broker and both services) is killed with SIGKILL and started again at random moments. At the end it checks
# guarantees 1 to 4 on the databases themselves:
#   - every command answered 2xx is in the event store and in the views,
#   - every committed event is in the status views exactly once (per-incident versions and timelines match),
#   - the audit ledger holds every committed event exactly once,
#   - the projections rebuilt from the topic have the digest of the live ones.
#
# Usage (from the repository root, after `mvn -B -q -DskipTests package`):
#   incident-launcher/scripts/fault-drill.sh [commands=100000] [parallel=12] [kill-every-seconds=90]
#   incident-launcher/scripts/fault-drill.sh verify     (only the checks, on the databases of the last drill)
# Uses its own databases (incident_drill_command, incident_drill_query) and data directory; leaves a report in
# target/fault-drill/report.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

VERIFY_ONLY=false
if [ "${1:-}" = verify ]; then VERIFY_ONLY=true; shift; fi
TOTAL=${1:-100000}
PARALLEL=${2:-12}
KILL_EVERY=${3:-90}
WORK=incident-launcher/target/fault-drill
PG="psql -h 127.0.0.1 -U postgres -X -q -At"
export INCIDENT_COMMAND_DB_URL=jdbc:postgresql://localhost:5432/incident_drill_command
export INCIDENT_QUERY_DB_URL=jdbc:postgresql://localhost:5432/incident_drill_query
export INCIDENT_TRACKER_DATA_DIR=$WORK/data

if ! $VERIFY_ONLY; then
    rm -rf "$WORK" && mkdir -p "$WORK/answers"
    cp incident-launcher/target/incident-launcher.jar "$WORK/incident-launcher.jar"   # a rebuild during the drill must not change it
    $PG -d postgres -c "DROP DATABASE IF EXISTS incident_drill_command" -c "DROP DATABASE IF EXISTS incident_drill_query"
fi

launcher_pid=""
start_launcher() {
    java -jar "$WORK/incident-launcher.jar" >>"$WORK/launcher.log" 2>&1 &
    launcher_pid=$!
    for _ in $(seq 1 120); do
        curl -sf localhost:8082/actuator/health/liveness >/dev/null 2>&1 && \
        curl -sf localhost:8081/actuator/health/liveness >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "launcher did not come up; see $WORK/launcher.log" >&2
    exit 1
}
stop_launcher() { [ -n "$launcher_pid" ] && kill -TERM "$launcher_pid" 2>/dev/null && wait "$launcher_pid" 2>/dev/null || true; }
trap stop_launcher EXIT

# One command: every tenth opens an incident, the others isolate a new system on one of the incidents of its batch.
# Like a careful client, it retries with the same Idempotency-Key while the service is unreachable or failing, so a
# command that did commit before a crash is answered again, not applied twice.
post() {
    curl -s -o /dev/null -w '%{http_code}' -m 20 -u responder:responder -H 'Content-Type: application/json' \
        -H "Idempotency-Key: drill-$1" -X POST "localhost:8081$2" -d "$3"
}
send() {
    local n=$1 incident path body expected code attempt
    incident=$(printf '00000000-0000-4000-8000-%012d' $(( n / 10 )))
    if (( n % 10 == 0 )); then
        path=/api/incidents expected=201
        body="{\"incidentId\":\"$incident\",\"title\":\"Drill $n\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"2023-08-30T06:15:00Z\"}"
    else
        path="/api/incidents/$incident/systems/host-$n/isolation" expected=200
        body='{"isolatedAt":"2023-08-30T07:00:00Z"}'
    fi
    for attempt in $(seq 1 120); do
        code=$(post "$n" "$path" "$body")
        case "$code" in
            000|5??) sleep 1 ;;
            404) (( n % 10 == 0 )) && break; sleep 0.2 ;;   # its incident is not opened yet
            *) break ;;
        esac
    done
    if [ "$code" = "$expected" ]; then
        if (( n % 10 == 0 )); then echo "open $incident"; else echo "isolate $incident host-$n"; fi >>"$WORK/answers/accepted.log"
    fi
    echo "$code" >>"$WORK/answers/codes.log"
}
export -f send post
export WORK

start_launcher
started=$(date +%s)
kills=0
if ! $VERIFY_ONLY; then
( seq 0 $((TOTAL - 1)) | xargs -P "$PARALLEL" -I{} bash -c 'send {}' ) &
load=$!
while kill -0 "$load" 2>/dev/null; do
    sleep $(( KILL_EVERY / 2 + RANDOM % KILL_EVERY ))
    kill -0 "$load" 2>/dev/null || break
    echo "$(date -u +%T) kill -9 the launcher" | tee -a "$WORK/report.txt"
    kill -KILL "$launcher_pid"; wait "$launcher_pid" 2>/dev/null || true
    kills=$((kills + 1))
    sleep 2
    start_launcher
done
wait "$load" || true
fi
elapsed=$(( $(date +%s) - started ))

# Let publication and projection catch up, then compare.
cmd() { $PG -d incident_drill_command -c "$1"; }
qry() { $PG -d incident_drill_query -c "$1"; }
for _ in $(seq 1 300); do
    committed=$(cmd "SELECT count(*) FROM domain_event_entry")
    projected=$(qry "SELECT coalesce(sum(version + 1), 0) FROM incident")
    ledger=$(qry "SELECT count(*) FROM audit_entry")
    [ "$committed" = "$projected" ] && [ "$committed" = "$ledger" ] && break
    sleep 2
done

cmd "SELECT aggregate_identifier || ' ' || max(sequence_number) FROM domain_event_entry GROUP BY aggregate_identifier ORDER BY 1" >"$WORK/committed.txt"
qry "SELECT incident_id || ' ' || version FROM incident ORDER BY 1" >"$WORK/projected.txt"
qry "SELECT incident_id || ' ' || (count(*) - 1) FROM timeline_entry GROUP BY incident_id ORDER BY 1" >"$WORK/timeline.txt"
sort -u "$WORK/answers/accepted.log" >"$WORK/accepted.txt" 2>/dev/null || true
qry "SELECT 'isolate ' || incident_id || ' ' || system_id FROM incident_system WHERE state = 'ISOLATED'" | sort -u >"$WORK/isolated.txt"
missing=$(grep '^isolate' "$WORK/accepted.txt" | comm -23 - "$WORK/isolated.txt" | wc -l)
codes=$(sort "$WORK/answers/codes.log" | uniq -c | tr '\n' ' ')
duplicates=$(qry "SELECT count(*) - count(DISTINCT event_id) FROM audit_entry")

verdict=PASS
[ "$committed" = "$projected" ] || verdict=FAIL
[ "$committed" = "$ledger" ] || verdict=FAIL
[ "$duplicates" = 0 ] || verdict=FAIL
[ "$missing" = 0 ] || verdict=FAIL
cmp -s "$WORK/committed.txt" "$WORK/projected.txt" || verdict=FAIL
cmp -s "$WORK/committed.txt" "$WORK/timeline.txt" || verdict=FAIL

{
    $VERIFY_ONLY || echo "commands sent: $TOTAL in ${elapsed}s with $PARALLEL clients; answers by status: $codes"
    echo "kill -9 of broker and both services: $kills"
    echo "events committed: $committed; projected (sum of versions + 1): $projected; in the audit ledger: $ledger (duplicates $duplicates)"
    echo "accepted isolations missing from the views: $missing"
    echo "per-incident versions equal to the event store: $(cmp -s "$WORK/committed.txt" "$WORK/projected.txt" && echo yes || echo NO)"
    echo "timelines contiguous and complete: $(cmp -s "$WORK/committed.txt" "$WORK/timeline.txt" && echo yes || echo NO)"
} | tee -a "$WORK/report.txt"

live=$(curl -s -u admin:admin localhost:8082/api/admin/projections | sed 's/.*"digest":"\([0-9a-f]*\)".*/\1/')
curl -s -o /dev/null -u admin:admin -X POST localhost:8082/api/admin/projections/rebuild
rebuilt=""
for _ in $(seq 1 600); do
    sleep 2
    rebuilt=$(curl -s -u admin:admin localhost:8082/api/admin/projections | sed 's/.*"digest":"\([0-9a-f]*\)".*/\1/')
    [ "$rebuilt" = "$live" ] && break
done
echo "digest live $live, after rebuild $rebuilt: $([ "$rebuilt" = "$live" ] && echo equal || echo DIFFERENT)" | tee -a "$WORK/report.txt"
[ "$rebuilt" = "$live" ] || verdict=FAIL
echo "fault drill: $verdict" | tee -a "$WORK/report.txt"
[ "$verdict" = PASS ]
