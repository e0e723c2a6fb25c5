#!/usr/bin/env bash
# Installs what is missing, starts PostgreSQL and smtp4dev, migrates, seeds demo data and serves DealToLead.
# Ctrl-C stops everything it started. Ports: PG_PORT, SMTP_PORT, MAIL_UI_PORT, APP_PORT.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_PORT="${PG_PORT:-55432}"
SMTP_PORT="${SMTP_PORT:-2525}"
MAIL_UI_PORT="${MAIL_UI_PORT:-5081}"
APP_PORT="${APP_PORT:-5080}"
DATA="$ROOT/.data"
RUN_DIR="$DATA/run"
mkdir -p "$RUN_DIR"

command -v curl >/dev/null || apt_install curl ca-certificates
ensure_postgres
ensure_dotnet_tools

# Leftovers of an earlier run that was killed rather than stopped.
for name in app smtp4dev; do
    if [ -f "$RUN_DIR/$name.pid" ]; then
        kill -- "-$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || true
        rm -f "$RUN_DIR/$name.pid"
    fi
done
sleep 0.5

cleanup() {
    trap - INT TERM EXIT
    log "stopping"
    for name in app smtp4dev; do
        [ -f "$RUN_DIR/$name.pid" ] && { kill -- "-$(cat "$RUN_DIR/$name.pid")" 2>/dev/null || true; rm -f "$RUN_DIR/$name.pid"; }
    done
    stop_postgres "$DATA/pg"
}
trap cleanup INT TERM EXIT

start_postgres "$DATA/pg" "$PG_PORT"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtA)
# The local database holds demo data only. If it was made by a migration that no longer exists in the code (the
# initial migration was regenerated before the first release), it cannot be migrated: start it afresh.
if "${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='dealtolead'" | grep -q 1; then
    applied=$("${PSQL[@]}" -d dealtolead -c "SELECT migration_id FROM \"__EFMigrationsHistory\"" 2>/dev/null || true)
    for migration in $applied; do
        if [ ! -f "$ROOT/src/DealToLead.Infrastructure/Database/Migrations/$migration.cs" ]; then
            log "the local demo database comes from migration $migration, which the code no longer has: recreating it"
            "${PSQL[@]}" -c "DROP DATABASE dealtolead WITH (FORCE)" >/dev/null
            break
        fi
    done
fi
"${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='dealtolead'" | grep -q 1 \
    || "${PSQL[@]}" -c "CREATE DATABASE dealtolead" >/dev/null

for port in "$SMTP_PORT" "$MAIL_UI_PORT" "$APP_PORT"; do
    port_in_use "$port" && die "port $port is in use by another program; set SMTP_PORT / MAIL_UI_PORT / APP_PORT"
done

log "starting smtp4dev (SMTP $SMTP_PORT, web UI $MAIL_UI_PORT)"
(cd "$ROOT" && exec setsid dotnet tool run smtp4dev -- --urls="http://127.0.0.1:$MAIL_UI_PORT" --smtpport="$SMTP_PORT" \
    --imapport="$((SMTP_PORT + 1))" --pop3port="$((SMTP_PORT + 2))" --bindaddress=127.0.0.1 \
    --db="$DATA/smtp4dev.db" --nousersettings >"$RUN_DIR/smtp4dev.log" 2>&1) &
echo $! >"$RUN_DIR/smtp4dev.pid"

restore_solution
log "building"
dotnet build "$ROOT/src/DealToLead.Web" -c Debug --no-restore -v quiet -nologo >/dev/null || dotnet build "$ROOT/src/DealToLead.Web" -c Debug --no-restore -nologo

log "starting DealToLead (migrations and demo seed run at start-up)"
export ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__Crm="Host=127.0.0.1;Port=$PG_PORT;Database=dealtolead;Username=postgres"
export Smtp__Host=127.0.0.1 Smtp__Port="$SMTP_PORT"
# Smart Bcc: the app reads what smtp4dev caught over its IMAP port (any user name and password).
export Mail__Inbound__Host=127.0.0.1 Mail__Inbound__Port="$((SMTP_PORT + 1))" Mail__Inbound__Security=None \
    Mail__Inbound__User=dealtolead Mail__Inbound__Password=dealtolead
export App__PublicUrl="http://127.0.0.1:$APP_PORT"
(cd "$ROOT/src/DealToLead.Web" && exec setsid dotnet bin/Debug/net10.0/DealToLead.Web.dll --urls "http://127.0.0.1:$APP_PORT") &
echo $! >"$RUN_DIR/app.pid"

if wait_for_url "http://127.0.0.1:$APP_PORT/healthz" 180; then
    wait_for_url "http://127.0.0.1:$MAIL_UI_PORT/" 30 || log "smtp4dev web UI is not answering yet; see $RUN_DIR/smtp4dev.log"
    cat <<TXT

  DealToLead   http://127.0.0.1:$APP_PORT
  Caught mail  http://127.0.0.1:$MAIL_UI_PORT
  Sign in as   rep@dealtolead.local (or admin@, manager@, restricted@) with password DealToLead-demo1

  Ctrl-C stops the app, smtp4dev and PostgreSQL.
TXT
else
    die "the app did not become healthy within 180 s"
fi

wait "$(cat "$RUN_DIR/app.pid")" || true
