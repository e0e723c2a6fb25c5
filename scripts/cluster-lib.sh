# The scaled-out topology (issue 22, docs/decisions/0020 and 0021), shared by cluster.sh, cluster-soak.sh and
# bench.sh --cluster: a PostgreSQL primary and a hot standby (pg_basebackup, streaming replication), PgBouncer in
# transaction mode in front of the primary, three app instances and HAProxy health-checking them, all on loopback.
# Source lib.sh first. Ports: CLUSTER_BASE_PORT (58400) + 1 primary, + 2 standby, + 3 PgBouncer, + 10 HAProxy,
# + 11.. app instances, + 20 SMTP (smtp4dev), + 21 its web UI.
# shellcheck shell=bash

CLUSTER_BASE_PORT="${CLUSTER_BASE_PORT:-58400}"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/.data/cluster}"
CLUSTER_CONFIGURATION="${CLUSTER_CONFIGURATION:-Debug}"
CLUSTER_APPS="${CLUSTER_APPS:-3}"
CLUSTER_ENVIRONMENT="${CLUSTER_ENVIRONMENT:-Development}"
PRIMARY_PORT=$((CLUSTER_BASE_PORT + 1))
STANDBY_PORT=$((CLUSTER_BASE_PORT + 2))
BOUNCER_PORT=$((CLUSTER_BASE_PORT + 3))
LB_PORT=$((CLUSTER_BASE_PORT + 10))
CLUSTER_SMTP_PORT=$((CLUSTER_BASE_PORT + 20))
CLUSTER_MAIL_UI_PORT=$((CLUSTER_BASE_PORT + 21))
CLUSTER_RUN="$CLUSTER_DIR/run"
# Extra environment for every app instance (e.g. a bench's rate limits), as NAME=value words.
CLUSTER_APP_ENV="${CLUSTER_APP_ENV:-}"
CLUSTER_DATABASE="${CLUSTER_DATABASE:-dealtolead}"

app_port() { echo $((CLUSTER_BASE_PORT + 10 + $1)); }

# Through PgBouncer: its 1.18 has no protocol-level prepared statements, so none (ADR 0021); no reset either, because
# the app keeps no session state and PgBouncer gives each transaction whichever server connection is free.
cluster_primary_cs() { echo "Host=127.0.0.1;Port=$PRIMARY_PORT;Database=$CLUSTER_DATABASE;Username=postgres"; }
cluster_bouncer_cs() { echo "Host=127.0.0.1;Port=$BOUNCER_PORT;Database=$CLUSTER_DATABASE;Username=postgres;Max Auto Prepare=0;No Reset On Close=true;Maximum Pool Size=40"; }
cluster_standby_cs() { echo "Host=127.0.0.1;Port=$STANDBY_PORT;Database=$CLUSTER_DATABASE;Username=postgres;Maximum Pool Size=40"; }

ensure_cluster_packages() {
    ensure_postgres
    command -v pgbouncer >/dev/null || apt_install pgbouncer
    command -v haproxy >/dev/null || apt_install haproxy
    command -v curl >/dev/null || apt_install curl ca-certificates
}

# start_bg NAME COMMAND...: starts a long-running process in its own process group (as the postgres user when we
# are root: PgBouncer refuses root), logging to $CLUSTER_RUN/NAME.log, with its group id in NAME.pid.
start_bg() {
    local name="$1"
    shift
    if [ "$(id -u)" -eq 0 ] && [ "${AS_POSTGRES:-0}" = 1 ]; then
        (exec setsid runuser -u postgres -- "$@" >>"$CLUSTER_RUN/$name.log" 2>&1) &
    else
        (exec setsid "$@" >>"$CLUSTER_RUN/$name.log" 2>&1) &
    fi
    echo $! >"$CLUSTER_RUN/$name.pid"
}

stop_bg() {
    local name="$1" signal="${2:-TERM}" pid
    [ -f "$CLUSTER_RUN/$name.pid" ] || return 0
    pid="$(cat "$CLUSTER_RUN/$name.pid")"
    kill "-$signal" -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$CLUSTER_RUN/$name.pid"
}

start_primary() {
    # wal_level replica and wal senders are PostgreSQL 15's defaults; initdb --auth=trust lets 127.0.0.1 replicate.
    start_postgres "$CLUSTER_DIR/primary" "$PRIMARY_PORT" max_wal_senders=10 wal_keep_size=256MB
}

# The standby is made afresh from the primary on every start: seconds for demo data, and never a standby of an
# older primary (a different system identifier) after .data/cluster/primary was recreated.
make_standby() {
    local dir="$CLUSTER_DIR/standby"
    stop_postgres "$dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    log "pg_basebackup: a hot standby of 127.0.0.1:$PRIMARY_PORT"
    pg_as_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$dir" -X stream -R -c fast \
        || die "pg_basebackup failed"
}

start_standby() {
    # hot_standby_feedback: the primary's vacuum does not remove rows a replica query still reads, so such a query
    # is not cancelled for a replication conflict.
    start_postgres "$CLUSTER_DIR/standby" "$STANDBY_PORT" hot_standby=on hot_standby_feedback=on
}

stop_standby() { stop_postgres "$CLUSTER_DIR/standby"; }

start_pgbouncer() {
    local dir="$CLUSTER_DIR/pgbouncer"
    mkdir -p "$dir"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
$CLUSTER_DATABASE = host=127.0.0.1 port=$PRIMARY_PORT dbname=$CLUSTER_DATABASE user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
; transaction pooling: a server connection belongs to a client for one transaction only (ADR 0021)
pool_mode = transaction
default_pool_size = 40
max_client_conn = 1000
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
INI
    echo '"postgres" ""' >"$dir/userlist.txt"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    [ "$(id -u)" -eq 0 ] && touch "$CLUSTER_RUN/pgbouncer.log" && chown postgres:postgres "$CLUSTER_RUN/pgbouncer.log"
    log "starting PgBouncer (transaction pooling) on 127.0.0.1:$BOUNCER_PORT"
    AS_POSTGRES=1 start_bg pgbouncer pgbouncer "$dir/pgbouncer.ini"
    for _ in $(seq 1 50); do port_in_use "$BOUNCER_PORT" && return 0; sleep 0.2; done
    tail -5 "$CLUSTER_RUN/pgbouncer.log" >&2
    die "PgBouncer did not start"
}

stop_pgbouncer() { stop_bg pgbouncer "${1:-TERM}"; }

start_haproxy() {
    local cfg="$CLUSTER_DIR/haproxy.cfg" i
    {
        cat <<CFG
global
    maxconn 4000

defaults
    mode http
    option httplog
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # A request that could not reach an instance (it died, or is starting) goes to another one. Only reads are
    # retried after they were sent: a POST that reached a dying instance may have done its work.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503

frontend lb
    bind 127.0.0.1:$LB_PORT
    default_backend apps

backend apps
    balance roundrobin
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
CFG
        for ((i = 1; i <= CLUSTER_APPS; i++)); do echo "    server app$i 127.0.0.1:$(app_port "$i") check"; done
    } >"$cfg"
    haproxy -c -q -f "$cfg" || die "haproxy.cfg is invalid"
    log "starting HAProxy on 127.0.0.1:$LB_PORT"
    start_bg haproxy haproxy -db -f "$cfg"
}

start_smtp() {
    log "starting smtp4dev (SMTP $CLUSTER_SMTP_PORT, web UI $CLUSTER_MAIL_UI_PORT)"
    (cd "$ROOT" && exec setsid dotnet tool run smtp4dev -- --urls="http://127.0.0.1:$CLUSTER_MAIL_UI_PORT" --smtpport="$CLUSTER_SMTP_PORT" \
        --imapport="$((CLUSTER_SMTP_PORT + 2))" --pop3port="$((CLUSTER_SMTP_PORT + 3))" --bindaddress=127.0.0.1 \
        --db="$CLUSTER_DIR/smtp4dev.db" --nousersettings >"$CLUSTER_RUN/smtp4dev.log" 2>&1) &
    echo $! >"$CLUSTER_RUN/smtp4dev.pid"
}

app_dll() { echo "$ROOT/src/DealToLead.Web/bin/$CLUSTER_CONFIGURATION/net10.0/DealToLead.Web.dll"; }

# start_app N [NAME=value...]: instance N through PgBouncer, reading replica-tolerant lists from the standby.
start_app() {
    local n="$1" port
    shift
    port="$(app_port "$n")"
    # shellcheck disable=SC2086
    (cd "$ROOT/src/DealToLead.Web" && exec setsid env ASPNETCORE_ENVIRONMENT="$CLUSTER_ENVIRONMENT" \
        ConnectionStrings__Crm="$(cluster_bouncer_cs)" ConnectionStrings__CrmReadOnly="$(cluster_standby_cs)" \
        Database__MigrateOnStartup=false Seed__Demo=false \
        Smtp__Host=127.0.0.1 Smtp__Port="$CLUSTER_SMTP_PORT" App__PublicUrl="http://127.0.0.1:$LB_PORT" \
        Serilog__Properties__Instance="app$n" $CLUSTER_APP_ENV "$@" \
        dotnet "$(app_dll)" --urls "http://127.0.0.1:$port" >>"$CLUSTER_RUN/app$n.log" 2>&1) &
    echo $! >"$CLUSTER_RUN/app$n.pid"
}

kill_app() { stop_bg "app$1" "${2:-KILL}"; }

wait_app() { wait_for_url "http://127.0.0.1:$(app_port "$1")/healthz" "${2:-180}" || die "app$1 did not become healthy; see $CLUSTER_RUN/app$1.log"; }

build_app() {
    restore_solution
    log "building ($CLUSTER_CONFIGURATION)"
    dotnet build "$ROOT/src/DealToLead.Web" -c "$CLUSTER_CONFIGURATION" --no-restore -v quiet -nologo >/dev/null \
        || dotnet build "$ROOT/src/DealToLead.Web" -c "$CLUSTER_CONFIGURATION" --no-restore -nologo || die "build failed"
}

cluster_stop() {
    trap - INT TERM EXIT
    log "stopping the cluster"
    local i
    stop_bg haproxy
    for ((i = 1; i <= CLUSTER_APPS; i++)); do stop_bg "app$i"; done
    stop_bg smtp4dev
    stop_pgbouncer
    stop_standby
    stop_postgres "$CLUSTER_DIR/primary"
}

# cluster_start: everything, in order; the demo database is migrated (the deployment step, on the primary directly)
# and, in Development, seeded by instance 1 through PgBouncer before the others start.
cluster_start() {
    mkdir -p "$CLUSTER_RUN"
    local name port i
    for name in haproxy smtp4dev pgbouncer app1 app2 app3 app4 app5; do stop_bg "$name"; done
    for port in "$BOUNCER_PORT" "$LB_PORT" "$CLUSTER_SMTP_PORT" "$CLUSTER_MAIL_UI_PORT" $(for ((i = 1; i <= CLUSTER_APPS; i++)); do app_port "$i"; done); do
        port_in_use "$port" && die "port $port is in use by another program; set CLUSTER_BASE_PORT"
    done
    rm -f "$CLUSTER_RUN"/*.log
    start_primary
    local psql=(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qtA)
    "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='dealtolead'" | grep -q 1 || "${psql[@]}" -c "CREATE DATABASE dealtolead" >/dev/null
    start_smtp
    build_app
    log "migrating (dotnet DealToLead.Web.dll migrate, on the primary)"
    (cd "$ROOT/src/DealToLead.Web" && ASPNETCORE_ENVIRONMENT="$CLUSTER_ENVIRONMENT" ConnectionStrings__Crm="$(cluster_primary_cs)" \
        Logging__Console=false dotnet "$(app_dll)" migrate) || die "migration failed"
    make_standby
    start_standby
    start_pgbouncer
    if [ "$CLUSTER_ENVIRONMENT" = Development ]; then
        log "starting app1 (seeds the demo data once)"
        start_app 1 Database__MigrateOnStartup=true Seed__Demo=true
        wait_app 1
        for ((i = 2; i <= CLUSTER_APPS; i++)); do start_app "$i"; done
    else
        for ((i = 1; i <= CLUSTER_APPS; i++)); do start_app "$i"; done
    fi
    for ((i = 1; i <= CLUSTER_APPS; i++)); do wait_app "$i"; done
    start_haproxy
    wait_for_url "http://127.0.0.1:$LB_PORT/healthz" 30 || die "HAProxy does not answer on $LB_PORT"
}
