#!/usr/bin/env bash
# The benchmark in one command: Release build, a private PostgreSQL (same settings as run.sh, fsync on), a seeded
# database at scale, pgbench's ceiling, the app, the scenarios. Prints a table and writes bench/results/latest.json.
# The full run first measures inbox, search and list at 100,000 leads and list deals, then grows the same database to
# 1,000,000 and runs everything: the growth rows compare the two.
# Everything it starts is stopped on exit. --quick: smaller data, shorter runs (under 3 minutes).
# --scale: only the inbox, search and list scenarios, at 10,000, 100,000 and 1,000,000 leads and list deals (the
# database grows by binary COPY between the runs), then the curve of their p95 and the growth from 100,000 to 1,000,000.
# --trace: also samples the app's CPU with dotnet-trace and its runtime counters with dotnet-counters during the
# scenarios (.data/bench-logs/app.nettrace, app.speedscope.json, counters.csv) and prints the top methods.
# BENCH_ONLY=inbox,search,board,list,api,conversion,bulk,mail runs only those scenarios (after the ceilings). mail: issue
# #19's figures on Debian's dovecot (initial sync of a 10,000-message mailbox, an idle poll's commands, Bcc latency).
# Ports: BENCH_PG_PORT (55434), BENCH_APP_PORT (5090).
# --cluster (issue 22): quick data on a primary with a hot standby and PgBouncer (scripts/cluster-lib.sh, ports from
# CLUSTER_BASE_PORT 58540); inbox and list with reads on the primary and on the replica, conversions/s directly and
# through PgBouncer (prepared statements off), and the inbox through HAProxy with three instances; prints the ratios
# and writes bench/results/cluster.json.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUICK=""
TRACE=""
CLUSTER=""
SCALE=""
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK="--quick" ;;
        --trace) TRACE=1 ;;
        --cluster) CLUSTER=1; QUICK="--quick" ;;
        --scale) SCALE=1 ;;
        *) die "usage: scripts/bench.sh [--quick] [--trace] [--cluster] [--scale]" ;;
    esac
done

PG_PORT="${BENCH_PG_PORT:-55434}"
APP_PORT="${BENCH_APP_PORT:-5090}"
PG_DIR="$ROOT/.data/bench-pg"
LOGS="$ROOT/.data/bench-logs"
OUT="$ROOT/bench/results/latest.json"
PGBENCH_SECONDS=30
[ -n "$QUICK" ] && PGBENCH_SECONDS=10
started=$SECONDS
APP_PID=""
PROFILER_PIDS=()

command -v curl >/dev/null || apt_install curl ca-certificates
ensure_postgres
mkdir -p "$LOGS"
port_in_use "$APP_PORT" && die "port $APP_PORT is in use; set BENCH_APP_PORT"

if [ -n "$CLUSTER" ]; then
    export CLUSTER_BASE_PORT="${CLUSTER_BASE_PORT:-58540}" CLUSTER_DIR="$ROOT/.data/bench-cluster" CLUSTER_CONFIGURATION=Release
    export CLUSTER_DATABASE=dealtolead_bench CLUSTER_ENVIRONMENT=Benchmark
    source "$ROOT/scripts/cluster-lib.sh"
    ensure_cluster_packages
    stop_postgres "$CLUSTER_DIR/primary"
    rm -rf "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_RUN"
    PG_PORT="$PRIMARY_PORT"
    PG_DIR="$CLUSTER_DIR/primary"
    OUT="$ROOT/bench/results/cluster.json"
fi

cleanup() {
    trap - INT TERM EXIT
    [ -n "$CLUSTER" ] && cluster_stop
    for pid in "${PROFILER_PIDS[@]}"; do
        kill -INT "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$APP_PID" ]; then
        kill "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    stop_postgres "$PG_DIR"
}
trap cleanup INT TERM EXIT

restore_solution
log "building (Release)"
dotnet build "$ROOT/src/DealToLead.Web" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null \
    || dotnet build "$ROOT/src/DealToLead.Web" -c Release -nologo || die "build failed"
dotnet build "$ROOT/bench/DealToLead.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null \
    || dotnet build "$ROOT/bench/DealToLead.Bench" -c Release -nologo || die "build failed"
WEB_DLL="$ROOT/src/DealToLead.Web/bin/Release/net10.0/DealToLead.Web.dll"
BENCH_DLL="$ROOT/bench/DealToLead.Bench/bin/Release/net10.0/DealToLead.Bench.dll"

if [ -n "$CLUSTER" ]; then start_primary; else start_postgres "$PG_DIR" "$PG_PORT"; fi
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qX)
for db in dealtolead_bench pgbench; do
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
done
CS="Host=127.0.0.1;Port=$PG_PORT;Database=dealtolead_bench;Username=postgres"

# Not Development (no demo seed, no developer pages); the app has no HTTPS endpoint here, so nothing redirects.
export ASPNETCORE_ENVIRONMENT=Benchmark
export ConnectionStrings__Crm="$CS" Database__MigrateOnStartup=false Seed__Demo=false
export Serilog__MinimumLevel__Default=Warning App__PublicUrl="http://127.0.0.1:$APP_PORT"
# Rate limits protect production from abuse; the benchmark is the load it must carry, so they are lifted.
export RateLimiting__ApiPerMinute=1000000000 RateLimiting__SignInPerMinute=1000000000

log "migrating"
dotnet "$WEB_DLL" migrate >"$LOGS/migrate.log" 2>&1 || { tail -20 "$LOGS/migrate.log" >&2; die "migration failed"; }

SCALE_SIZES=(10000 100000 1000000)
# The full run measures the growth target itself: inbox, search and list at 100,000 first, then the same database
# grown by COPY to the full size for every scenario. --quick and BENCH_ONLY runs seed their size at once.
GROWTH_FROM=""
[ -z "$SCALE$QUICK$CLUSTER${BENCH_ONLY:-}" ] && GROWTH_FROM=100000
if [ -n "$SCALE" ]; then
    log "seeding the first size of the curve (${SCALE_SIZES[0]} leads and list deals)"
    dotnet "$BENCH_DLL" seed --connection "$CS" --quick --leads "${SCALE_SIZES[0]}" --list-deals "${SCALE_SIZES[0]}"
elif [ -n "$GROWTH_FROM" ]; then
    log "seeding, with $GROWTH_FROM leads and list deals for the growth figures first"
    dotnet "$BENCH_DLL" seed --connection "$CS" --leads "$GROWTH_FROM" --list-deals "$GROWTH_FROM"
else
    log "seeding ${QUICK:+(quick)}"
    dotnet "$BENCH_DLL" seed --connection "$CS" $QUICK
fi

TPS=0
if [ -z "$SCALE" ]; then # the curve's scenarios are read against the trivial endpoint only
log "pgbench: -i -s 10, then 8 clients for $PGBENCH_SECONDS s (the database's ceiling)"
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -s 10 -q pgbench >"$LOGS/pgbench-init.log" 2>&1 \
    || { tail -20 "$LOGS/pgbench-init.log" >&2; die "pgbench -i failed"; }
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 8 -j 2 -T "$PGBENCH_SECONDS" -b tpcb-like pgbench >"$LOGS/pgbench.log" 2>&1 \
    || { tail -20 "$LOGS/pgbench.log" >&2; die "pgbench failed"; }
TPS="$(awk '/^tps = / { print $3; exit }' "$LOGS/pgbench.log")"
[ -n "$TPS" ] || die "no tps in $LOGS/pgbench.log"
log "pgbench: $TPS tps"
fi

if [ -n "$CLUSTER" ]; then
    source "$ROOT/scripts/bench-cluster.sh"
    exit 0
fi

log "starting DealToLead (Release) on 127.0.0.1:$APP_PORT"
(cd "$ROOT/src/DealToLead.Web" && exec dotnet "$WEB_DLL" --urls "http://127.0.0.1:$APP_PORT") >"$LOGS/app.log" 2>&1 &
APP_PID=$!
wait_for_url "http://127.0.0.1:$APP_PORT/healthz" 120 || { tail -30 "$LOGS/app.log" >&2; die "the app did not become healthy"; }

if [ -n "$TRACE" ]; then
    ensure_dotnet_tools
    # The dotnet host execs the app, so the pid we started is the runtime's own.
    (cd "$ROOT" && exec dotnet dotnet-trace collect -p "$APP_PID" --profile dotnet-sampled-thread-time --format Speedscope \
        -o "$LOGS/app.nettrace") >"$LOGS/trace.log" 2>&1 &
    PROFILER_PIDS+=($!)
    (cd "$ROOT" && exec dotnet dotnet-counters collect -p "$APP_PID" --refresh-interval 1 --format csv \
        --counters System.Runtime,Microsoft.AspNetCore.Hosting,Npgsql -o "$LOGS/counters.csv") >"$LOGS/counters.log" 2>&1 &
    PROFILER_PIDS+=($!)
    sleep 3
fi

if [ -n "$SCALE" ]; then
    CURVE=()
    for n in "${SCALE_SIZES[@]}"; do
        if [ "$n" != "${SCALE_SIZES[0]}" ]; then
            log "growing to $n leads and list deals (binary COPY)"
            dotnet "$BENCH_DLL" seed --connection "$CS" --quick --grow --leads "$n" --list-deals "$n"
        fi
        log "inbox, search and list at $n (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
        dotnet "$BENCH_DLL" run --base-url "http://127.0.0.1:$APP_PORT" --connection "$CS" --pgbench-tps "$TPS" \
            --app-pid "$APP_PID" --out "$ROOT/bench/results/scale-$n.json" --only inbox,search,list --rows "$n"
        CURVE+=("$n=$ROOT/bench/results/scale-$n.json")
    done
    log "the curve"
    dotnet "$BENCH_DLL" curve "${CURVE[@]}"
else
    GROWTH_ARGS=()
    if [ -n "$GROWTH_FROM" ]; then
        GROWTH_OUT="$ROOT/bench/results/growth-$GROWTH_FROM.json"
        log "inbox, search and list at $GROWTH_FROM leads and list deals (for the growth figures)"
        dotnet "$BENCH_DLL" run --base-url "http://127.0.0.1:$APP_PORT" --connection "$CS" --pgbench-tps "$TPS" \
            --app-pid "$APP_PID" --out "$GROWTH_OUT" --only inbox,search,list --rows "$GROWTH_FROM"
        log "growing to the full size (binary COPY)"
        dotnet "$BENCH_DLL" seed --connection "$CS" --grow
        GROWTH_ARGS=(--growth-from "$GROWTH_FROM=$GROWTH_OUT")
    fi
    log "running the scenarios"
    dotnet "$BENCH_DLL" run --base-url "http://127.0.0.1:$APP_PORT" --connection "$CS" --pgbench-tps "$TPS" \
        --app-pid "$APP_PID" --out "$OUT" $QUICK ${BENCH_ONLY:+--only "$BENCH_ONLY"} "${GROWTH_ARGS[@]}"
fi

if [ -n "$TRACE" ]; then
    for pid in "${PROFILER_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    PROFILER_PIDS=()
    log "top methods by inclusive time ($LOGS/app.nettrace; open app.speedscope.json in speedscope.app for the flame graph)"
    (cd "$ROOT" && dotnet dotnet-trace report "$LOGS/app.nettrace" topN -n 40 --inclusive) || true
fi

if [ -z "$SCALE" ] && { [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *,mail,* ]]; }; then
    log "mail: initial sync, idle poll and Bcc latency on dovecot"
    ensure_dovecot
    dotnet "$BENCH_DLL" mail --connection "$CS" --out "$ROOT/bench/results/mail.json" $QUICK
fi

log "benchmark took $((SECONDS - started)) s (load average now: $(cut -d' ' -f1-3 /proc/loadavg)); app log: $LOGS/app.log"
