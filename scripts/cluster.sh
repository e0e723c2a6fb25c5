#!/usr/bin/env bash
# DealToLead scaled out on one machine (issue 22): a PostgreSQL primary and a hot standby, PgBouncer in transaction
# mode, three app instances behind HAProxy, smtp4dev; demo data and users as scripts/run.sh. Prints the load
# balancer's address; Ctrl-C stops all of it. Ports from CLUSTER_BASE_PORT (58400), see scripts/cluster-lib.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cluster-lib.sh"

ensure_cluster_packages
ensure_dotnet_tools
trap cluster_stop INT TERM EXIT
cluster_start

cat <<TXT

  DealToLead (load balancer)  http://127.0.0.1:$LB_PORT
  instances                   $(for ((i = 1; i <= CLUSTER_APPS; i++)); do printf 'http://127.0.0.1:%s ' "$(app_port "$i")"; done)
  PostgreSQL primary          127.0.0.1:$PRIMARY_PORT (data in .data/cluster/primary)
  hot standby (reads)         127.0.0.1:$STANDBY_PORT
  PgBouncer (transaction)     127.0.0.1:$BOUNCER_PORT
  Caught mail                 http://127.0.0.1:$CLUSTER_MAIL_UI_PORT
  Replica lag                 curl http://127.0.0.1:$LB_PORT/healthz
  Sign in as                  rep@dealtolead.local (or admin@, manager@, restricted@) with password DealToLead-demo1

  Ctrl-C stops all of it. Logs in .data/cluster/run.
TXT

# Until Ctrl-C, or until HAProxy dies.
wait "$(cat "$CLUSTER_RUN/haproxy.pid")" || true
