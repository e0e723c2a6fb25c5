#!/usr/bin/env bash
# Every test, against a throwaway PostgreSQL: build with warnings as errors, check formatting, run all test
# projects, print "tests: N passed, N failed". Pass a filter to run some tests: scripts/test.sh "FullyQualifiedName~Login".
set -uo pipefail
source "$(dirname "$0")/lib.sh"

FILTER="${1:-}"
TEST_PG_PORT="${TEST_PG_PORT:-55433}"
command -v curl >/dev/null || apt_install curl ca-certificates
ensure_postgres
ensure_chromium
ensure_dotnet_tools

mkdir -p "$ROOT/.data"
PG_DIR="$(mktemp -d "$ROOT/.data/test-pg.XXXXXX")"
cleanup() {
    stop_postgres "$PG_DIR"
    rm -rf "$PG_DIR"
}
trap cleanup EXIT INT TERM

while port_in_use "$TEST_PG_PORT"; do TEST_PG_PORT=$((TEST_PG_PORT + 1)); done
# fsync off: a test database is thrown away, so durability buys nothing and costs seconds.
start_postgres "$PG_DIR" "$TEST_PG_PORT" fsync=off synchronous_commit=off full_page_writes=off
export DEALTOLEAD_TEST_PG="Host=127.0.0.1;Port=$TEST_PG_PORT;Username=postgres;Include Error Detail=true"
export DEALTOLEAD_TEST_PG_DIR="$PG_DIR" DEALTOLEAD_TEST_PG_BIN="$PG_BIN"

cd "$ROOT"
restore_solution
log "build (warnings are errors)"
dotnet build DealToLead.sln -c Debug --no-restore -nologo -v quiet -clp:ErrorsOnly || die "build failed"

if [ -z "$FILTER" ]; then
    log "dotnet format --verify-no-changes"
    dotnet format DealToLead.sln --verify-no-changes --no-restore -v quiet || die "formatting differs: run 'dotnet format DealToLead.sln'"
fi

passed=0; failed=0; skipped=0; status=0
results="$ROOT/.data/test-results"
rm -rf "$results"; mkdir -p "$results"
for project in tests/DealToLead.UnitTests tests/DealToLead.IntegrationTests tests/DealToLead.BrowserTests; do
    name="$(basename "$project")"
    log "dotnet test $name"
    args=(test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results")
    # The soak scenarios (minutes of fault injection) run from scripts/soak.sh, not here.
    if [ -n "$FILTER" ]; then args+=(--filter "($FILTER)&Category!=Soak"); else args+=(--filter "Category!=Soak"); fi
    dotnet "${args[@]}" || status=1
    trx="$results/$name.trx"
    if [ -f "$trx" ]; then
        counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
        p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
        t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
        passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
    elif [ -z "$FILTER" ]; then
        log "$name produced no results"; failed=$((failed + 1)); status=1
    fi
done

[ "$failed" -gt 0 ] && status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
