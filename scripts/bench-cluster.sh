# bench.sh --cluster, sourced by bench.sh once the quick data is seeded on the primary and pgbench has run (issue 22).
# Runs the bench tool four times against the same data, each with the app's warm-up, and prints the ratios:
#   1 direct        one instance, every query on the primary, prepared statements (inbox, list)
#   2 cluster       one instance through PgBouncer (no prepared statements), lists on the standby (inbox, list, conversion)
#   3 direct        as 1 (conversion), on the other half of the conversion pool
#   4 three         three instances through HAProxy, as 2 (inbox)
# shellcheck shell=bash

make_standby
start_standby
start_pgbouncer
BENCH_OUT="$ROOT/bench/results/cluster"
mkdir -p "$BENCH_OUT"

# bench_run NAME ONLY POOL_PART URL PID
bench_run() {
    log "bench run $1: $2"
    BENCH_POOL_PART="$3" dotnet "$BENCH_DLL" run --base-url "$4" --connection "$CS" --pgbench-tps "$TPS" \
        --app-pid "$5" --out "$BENCH_OUT/$1.json" --quick --only "$2" | tail -25
}

# bench_app N CRM [READONLY]: one Release instance on app port N (rate limits lifted, as for the plain benchmark).
bench_app() {
    local n="$1" crm="$2" readonly="${3:-}"
    (cd "$ROOT/src/DealToLead.Web" && exec setsid env ConnectionStrings__Crm="$crm" ConnectionStrings__CrmReadOnly="$readonly" \
        dotnet "$WEB_DLL" --urls "http://127.0.0.1:$(app_port "$n")" >"$CLUSTER_RUN/app$n.log" 2>&1) &
    echo $! >"$CLUSTER_RUN/app$n.pid"
    wait_app "$n" 120
}

bench_app 1 "$CS"
bench_run 1-direct inbox,list "" "http://127.0.0.1:$(app_port 1)" "$(cat "$CLUSTER_RUN/app1.pid")"
kill_app 1 TERM

bench_app 1 "$(cluster_bouncer_cs)" "$(cluster_standby_cs)"
bench_run 2-cluster inbox,list,conversion 1/2 "http://127.0.0.1:$(app_port 1)" "$(cat "$CLUSTER_RUN/app1.pid")"
kill_app 1 TERM

bench_app 1 "$CS"
bench_run 3-direct conversion 2/2 "http://127.0.0.1:$(app_port 1)" "$(cat "$CLUSTER_RUN/app1.pid")"
kill_app 1 TERM

for n in 1 2 3; do bench_app "$n" "$(cluster_bouncer_cs)" "$(cluster_standby_cs)"; done
start_haproxy
wait_for_url "http://127.0.0.1:$LB_PORT/healthz" 30 || die "HAProxy does not answer"
bench_run 4-three inbox "" "http://127.0.0.1:$LB_PORT" "$(cat "$CLUSTER_RUN/app1.pid")"

python3 - "$BENCH_OUT" "$OUT" <<'PY'
import json, sys, os
d = sys.argv[1]
runs = {n: json.load(open(os.path.join(d, n + ".json"))) for n in ("1-direct", "2-cluster", "3-direct", "4-three")}
def rows(run):
    return {(r["Scenario"], r["Figure"]): r for r in runs[run]["Rows"]} if "Rows" in runs[run] else {(r["scenario"], r["figure"]): r for r in runs[run]["rows"]}
def value(run, name, figure_part):
    for (scenario, figure), r in rows(run).items():
        if scenario == name and figure_part in figure:
            return r.get("Value", r.get("value"))
    return None
table = []
def pair(label, a_run, b_run, prefix, figure, a_name, b_name):
    a, b = value(a_run, prefix, figure), value(b_run, prefix, figure)
    ratio = (b / a) if a and b else None
    table.append({"figure": label, a_name: a, b_name: b, "ratio": ratio})
    print(f"  {label}: {a_name} {a:,.1f}, {b_name} {b:,.1f}, ratio {ratio:.2f}" if ratio else f"  {label}: {a} / {b}")
print("\ncluster benchmark (quick data; ratio = second / first):")
pair("inbox page 1 req/s", "1-direct", "2-cluster", "3 inbox page 1", "throughput", "primary reads", "replica reads")
pair("inbox deep page req/s", "1-direct", "2-cluster", "3 inbox page 100", "throughput", "primary reads", "replica reads")
pair("deal list p95 ms", "1-direct", "2-cluster", "5 deal list", "p95", "primary reads", "replica reads")
pair("conversions/s", "3-direct", "2-cluster", "1 single conversion", "conversions/s", "direct", "through PgBouncer")
pair("conversion p50 ms", "3-direct", "2-cluster", "1 single conversion", "p50", "direct", "through PgBouncer")
pair("inbox page 1 req/s, 1 vs 3 instances", "2-cluster", "4-three", "3 inbox page 1", "throughput", "1 instance", "3 instances")
load = os.getloadavg()
print(f"  load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
json.dump({"ratios": table, "load_average": load, "runs": runs}, open(sys.argv[2], "w"), indent=2, default=str)
print("written: " + sys.argv[2])
PY
log "benchmark took $((SECONDS - started)) s (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
