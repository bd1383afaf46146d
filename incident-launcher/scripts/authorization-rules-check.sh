#!/usr/bin/env bash
# Shows that every authorization rule is held by a test: for each rule (a line marked "// rule" in a service's
# AccessRules.java) it comments the line out, runs that service's AuthorizationMatrixTest, records whether the test
# failed, and restores the file (also when interrupted or when the build breaks).
# Usage: incident-launcher/scripts/authorization-rules-check.sh   (from anywhere; needs the test PostgreSQL)
# Writes incident-launcher/target/authorization-rules.txt; exits 1 when removing some rule fails no test.
set -u
cd "$(dirname "$0")/../.."
report=incident-launcher/target/authorization-rules.txt
log=incident-launcher/target/authorization-rules-build.log
mkdir -p incident-launcher/target
: > "$report"
status=0
file=""
backup=$(mktemp)
restore() { if [ -n "$file" ]; then cp "$backup" "$file"; fi; }
trap restore EXIT
trap 'restore; exit 130' INT TERM

for module in incident-command incident-query; do
  file=$(find "$module/src/main/java" -name AccessRules.java)
  cp "$file" "$backup"
  for line in $(grep -n '// rule' "$file" | cut -d: -f1); do
    rule=$(sed -n "${line}p" "$file" | sed -e 's/^ *//' -e 's#; // rule.*#;#')
    sed -i "${line}s#^#//#" "$file"
    if mvn -B -q -pl "$module" -am verify -Dtest=AuthorizationMatrixTest \
        -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; then
      result="PASSES: this rule is held by no test"
      status=1
    elif grep -q "There are test failures" "$log"; then
      result="FAILS: $(grep -o 'Tests run: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | tail -1)"
    else
      result="BUILD BROKE (see $log)"
      status=1
    fi
    cp "$backup" "$file"
    echo "$module AccessRules.java:$line without  $rule  ->  AuthorizationMatrixTest $result" | tee -a "$report"
  done
done
exit $status
