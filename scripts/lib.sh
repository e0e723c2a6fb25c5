# Shared by run.sh, test.sh and bench.sh: installs what a fresh machine lacks and runs a private PostgreSQL.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1;32m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

# retry WHAT COMMAND...: runs a network step up to 5 times, waiting 2, 4, 8 and 16 s between tries, and says what it is
# waiting for. A registry that times out or a restore that "partially failed" (seen with dotnet tool restore on a
# fresh machine) usually works on the next try.
retry() {
    local what="$1" attempt delay=2
    shift
    for attempt in 1 2 3 4 5; do
        "$@" && return 0
        [ "$attempt" -eq 5 ] && break
        log "$what failed (try $attempt of 5); retrying in ${delay}s"
        sleep "$delay"
        delay=$((delay * 2))
    done
    return 1
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "apt-get is not available; install $* by hand"
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        retry "apt-get update" as_root apt-get update -qq >/dev/null || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    retry "apt-get install $*" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || die "apt-get install $* failed"
}

find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then PG_BIN="$dir"; fi
    done
    [ -n "${PG_BIN:-}" ]
}

ensure_postgres() {
    if ! find_pg_bin; then
        apt_install postgresql postgresql-contrib
        find_pg_bin || die "PostgreSQL server binaries not found after install"
    fi
    command -v psql >/dev/null || apt_install postgresql-client
    export PG_BIN
}

ensure_chromium() {
    if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
        apt_install chromium fonts-liberation
    fi
    export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
}

# Node.js 18+ for the Pipedrive SDK contract suite (node's built-in test runner); Debian 12 ships 18.
ensure_node() {
    command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

# The IMAP server the inbound-mail tests start (docs/decisions/0015-inbound-mail.md).
ensure_dovecot() {
    [ -x /usr/sbin/dovecot ] || apt_install dovecot-imapd
}

ensure_dotnet_tools() {
    (cd "$ROOT" && retry "dotnet tool restore" dotnet tool restore >/dev/null) || die "dotnet tool restore failed"
}

# dotnet restore, retried: the build steps after it then need no network.
restore_solution() {
    (cd "$ROOT" && retry "dotnet restore" dotnet restore DealToLead.sln -v quiet) || die "dotnet restore failed"
}

# PostgreSQL refuses to run as root, so a root caller runs the cluster as the postgres user.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || as_root useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# start_postgres DIR PORT [extra postgres -c settings...]
start_postgres() {
    local dir port="$2"
    dir="$(mkdir -p "$1" && cd "$1" && pwd)"
    shift 2
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
        chown postgres:postgres "$dir"
        chmod 700 "$dir"
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        log "initdb $dir"
        pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
            || pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null \
            || die "initdb failed"
    fi
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        log "PostgreSQL already running in $dir"
        return 0
    fi
    # random_page_cost: the planner's default (4) assumes spinning disks; at 1.1, for SSDs and cached data, it counts the
    # inbox through its covering index (1.2 ms for 10,000 leads) instead of scanning the table (2.2 ms).
    local opts="-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=300 -c random_page_cost=1.1"
    local setting
    for setting in "$@"; do opts="$opts -c $setting"; done
    log "starting PostgreSQL on 127.0.0.1:$port"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
        || { tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start (port $port taken?)"; }
}

stop_postgres() {
    local dir="$1"
    [ -f "$dir/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_url() {
    local url="$1" seconds="$2" i
    for ((i = 0; i < seconds * 2; i++)); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}
