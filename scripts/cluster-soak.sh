#!/usr/bin/env bash
# The cluster soak (issue 22): the topology of scripts/cluster.sh on its own ports (CLUSTER_BASE_PORT, default 58500)
# and data (.data/cluster-soak), with load through HAProxy while an instance is killed mid bulk job, the standby is
# stopped and started, and PgBouncer is restarted. Prints each scenario's figures and "tests: N passed, N failed".
# scripts/test.sh runs it when CLUSTER_SOAK=1. One scenario: scripts/cluster-soak.sh bulk|replica|pgbouncer.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export CLUSTER_BASE_PORT="${CLUSTER_BASE_PORT:-58500}"
export CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/.data/cluster-soak}"
# A dead instance's bulk job is resumed once its lease ran out: 10 s here instead of 60.
export CLUSTER_APP_ENV="RateLimiting__ApiPerMinute=10000000 RateLimiting__SignInPerMinute=100000 BulkConversion__LeaseSeconds=10 Logging__Console=true"
source "$(dirname "$0")/cluster-lib.sh"

# Called back by the load generator to inject a fault.
if [ "${1:-}" = control ]; then
    case "$2" in
        kill-app) kill_app "$3" KILL ;;
        start-app) start_app "$3"; wait_app "$3" ;;
        stop-standby) stop_standby ;;
        start-standby) start_standby ;;
        restart-pgbouncer) stop_pgbouncer TERM; sleep 1; start_pgbouncer ;;
        *) die "unknown control $2" ;;
    esac
    exit 0
fi

ensure_cluster_packages
ensure_dotnet_tools
command -v python3 >/dev/null || apt_install python3
started=$(date +%s)
# A fresh database every run: the checks count rows.
pg_as_owner true
stop_postgres "$CLUSTER_DIR/primary" 2>/dev/null || true
rm -rf "$CLUSTER_DIR"
trap cluster_stop INT TERM EXIT
cluster_start

export LB_URL="http://127.0.0.1:$LB_PORT" PRIMARY_PORT CLUSTER_RUN CLUSTER_CONTROL="$ROOT/scripts/cluster-soak.sh"
export SOAK_RESULTS="$ROOT/.data/cluster-soak-results.txt"
rm -f "$SOAK_RESULTS"
status=0
python3 "$ROOT/scripts/cluster_soak.py" "$@" || status=1
echo "cluster soak took $(($(date +%s) - started)) s (figures in .data/cluster-soak-results.txt, logs in $CLUSTER_RUN)"
exit "$status"
