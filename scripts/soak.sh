#!/usr/bin/env bash
# The long fault-injection runs (issue 9): the app as real processes against a throwaway PostgreSQL, killed,
# cut off from SMTP and from its database, and run twice side by side. Prints the figures and
# "tests: N passed, N failed". Pass a filter to run one scenario: scripts/soak.sh "FullyQualifiedName~Crash".
set -uo pipefail
source "$(dirname "$0")/lib.sh"

FILTER="${1:-}"
CONFIGURATION="${SOAK_CONFIGURATION:-Debug}"
TEST_PG_PORT="${TEST_PG_PORT:-55533}"
command -v curl >/dev/null || apt_install curl ca-certificates
ensure_postgres

mkdir -p "$ROOT/.data"
PG_DIR="$(mktemp -d "$ROOT/.data/soak-pg.XXXXXX")"
cleanup() {
    stop_postgres "$PG_DIR"
    rm -rf "$PG_DIR"
}
trap cleanup EXIT INT TERM

started=$(date +%s)
while port_in_use "$TEST_PG_PORT"; do TEST_PG_PORT=$((TEST_PG_PORT + 1)); done
start_postgres "$PG_DIR" "$TEST_PG_PORT" fsync=off synchronous_commit=off full_page_writes=off
export DEALTOLEAD_TEST_PG="Host=127.0.0.1;Port=$TEST_PG_PORT;Username=postgres;Include Error Detail=true"
# The database-outage scenario stops and starts this server with pg_ctl.
export DEALTOLEAD_TEST_PG_DIR="$PG_DIR" DEALTOLEAD_TEST_PG_BIN="$PG_BIN"
export DEALTOLEAD_SOAK_RESULTS="$ROOT/.data/soak-results.txt"
rm -f "$DEALTOLEAD_SOAK_RESULTS"
rm -rf "$ROOT/.data/soak-logs"

cd "$ROOT"
restore_solution
log "build $CONFIGURATION (warnings are errors)"
dotnet build DealToLead.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly || die "build failed"

results="$ROOT/.data/soak-test-results"
rm -rf "$results"; mkdir -p "$results"
filter="Category=Soak"
[ -n "$FILTER" ] && filter="$filter&($FILTER)"
log "dotnet test --filter $filter (app logs in .data/soak-logs)"
dotnet test tests/DealToLead.IntegrationTests -c "$CONFIGURATION" --no-build -nologo --filter "$filter" \
    --logger "trx;LogFileName=soak.trx" --logger "console;verbosity=normal" --results-directory "$results"
status=$?

passed=0; failed=0
trx="$results/soak.trx"
if [ -f "$trx" ]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
    passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
else
    failed=1; status=1
fi

echo
echo "soak figures (.data/soak-results.txt):"
if [ -f "$DEALTOLEAD_SOAK_RESULTS" ]; then sed 's/^/  /' "$DEALTOLEAD_SOAK_RESULTS"; else echo "  (none written)"; fi
echo "soak run took $(($(date +%s) - started)) s"
[ "${failed:-0}" -gt 0 ] && status=1
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
