#!/usr/bin/env bash
# Two builds of the app side by side: scripts/compare.sh REV_A REV_B [PATH]
# Builds both git revisions (Release, each in its own worktree under .data/compare), seeds one private PostgreSQL
# with the benchmark's --quick data (COMPARE_ROWS leads and list deals, default 50,000; migrated by REV_B, so REV_A
# must run on REV_B's schema), starts both apps, and loads PATH (default: the inbox sorted by creation) on each in
# alternated rounds, printing requests/s, p95 and CPU per request of each app and of its PostgreSQL backends.
# This machine's speed moves by more than 2 × between runs; only a comparison like this one shows a change of 5–20 %.
# COMPARE_ROUNDS (6), COMPARE_SECONDS (10), COMPARE_CLIENTS (8); ports COMPARE_PG_PORT (55435), COMPARE_APP_PORT (5093, and the next).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: scripts/compare.sh REV_A REV_B [PATH]"
REV_A="$1" REV_B="$2" PAGE="${3:-/leads?source=Deal&sort=Created}"
PG_PORT="${COMPARE_PG_PORT:-55435}"
APP_PORT="${COMPARE_APP_PORT:-5093}"
ROWS="${COMPARE_ROWS:-50000}"
WORK="$ROOT/.data/compare"
PG_DIR="$WORK/pg"
CS="Host=127.0.0.1;Port=$PG_PORT;Database=dealtolead_compare;Username=postgres"
declare -A APP_PID=()

command -v curl >/dev/null || apt_install curl ca-certificates
ensure_postgres
for port in "$APP_PORT" "$((APP_PORT + 1))"; do
    port_in_use "$port" && die "port $port is in use; set COMPARE_APP_PORT"
done

cleanup() {
    trap - INT TERM EXIT
    for pid in "${APP_PID[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    stop_postgres "$PG_DIR"
    for side in a b; do git -C "$ROOT" worktree remove --force "$WORK/$side" 2>/dev/null || true; done
}
trap cleanup INT TERM EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
for side in a b; do
    rev="$REV_A"; [ "$side" = b ] && rev="$REV_B"
    log "building $side ($rev, Release)"
    git -C "$ROOT" worktree add --force --detach "$WORK/$side" "$rev" >/dev/null
    dotnet build "$WORK/$side/src/DealToLead.Web" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null \
        || die "the build of $rev failed"
done
restore_solution
dotnet build "$ROOT/bench/DealToLead.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null || die "the benchmark's build failed"
BENCH_DLL="$ROOT/bench/DealToLead.Bench/bin/Release/net10.0/DealToLead.Bench.dll"

start_postgres "$PG_DIR" "$PG_PORT"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE dealtolead_compare" >/dev/null
export ASPNETCORE_ENVIRONMENT=Benchmark Database__MigrateOnStartup=false Seed__Demo=false Serilog__MinimumLevel__Default=Warning
export RateLimiting__ApiPerMinute=1000000000 RateLimiting__SignInPerMinute=1000000000
log "migrating (b) and seeding $ROWS leads and list deals"
ConnectionStrings__Crm="$CS" dotnet "$WORK/b/src/DealToLead.Web/bin/Release/net10.0/DealToLead.Web.dll" migrate >"$WORK/migrate.log" 2>&1 \
    || { tail -20 "$WORK/migrate.log" >&2; die "migration failed"; }
dotnet "$BENCH_DLL" seed --connection "$CS" --quick --leads "$ROWS" --list-deals "$ROWS"

port="$APP_PORT"
for side in a b; do
    # Each app names its connections, so its PostgreSQL backends' CPU can be told from the other's.
    (cd "$WORK/$side/src/DealToLead.Web" && ConnectionStrings__Crm="$CS;Application Name=compare-$side" App__PublicUrl="http://127.0.0.1:$port" \
        exec dotnet "bin/Release/net10.0/DealToLead.Web.dll" --urls "http://127.0.0.1:$port") >"$WORK/app-$side.log" 2>&1 &
    APP_PID[$side]=$!
    wait_for_url "http://127.0.0.1:$port/healthz" 120 || { tail -30 "$WORK/app-$side.log" >&2; die "app $side did not become healthy"; }
    port=$((port + 1))
done

log "loading $PAGE on a ($REV_A) and b ($REV_B)"
dotnet "$BENCH_DLL" compare --a "http://127.0.0.1:$APP_PORT" --b "http://127.0.0.1:$((APP_PORT + 1))" --path "$PAGE" \
    --a-pid "${APP_PID[a]}" --b-pid "${APP_PID[b]}" --a-name compare-a --b-name compare-b --connection "$CS" \
    --rounds "${COMPARE_ROUNDS:-6}" --seconds "${COMPARE_SECONDS:-10}" --clients "${COMPARE_CLIENTS:-8}"
