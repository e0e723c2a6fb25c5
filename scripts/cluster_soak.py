"""The cluster soak (issue 22), run by scripts/cluster-soak.sh against the topology of scripts/cluster-lib.sh.

Load goes through HAProxy while one fault is injected per scenario; each prints requests, 5xx, lost, duplicated and
the slowest request, then whether it passed. Only the standard library: urllib, threads, psql for the checks.
"""
import http.cookiejar
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

LB = os.environ["LB_URL"]
PSQL = ["psql", "-h", "127.0.0.1", "-p", os.environ["PRIMARY_PORT"], "-U", "postgres", "-d", "dealtolead", "-qtAX"]
CONTROL = os.environ["CLUSTER_CONTROL"]  # scripts/cluster-soak.sh itself, called back to inject faults
RESULTS = os.environ.get("SOAK_RESULTS")
REP = "00000000000000000000000000000000000000e1"
MANAGER = "00000000000000000000000000000000000000e2"


def sql(query):
    return subprocess.run(PSQL + ["-c", query], check=True, capture_output=True, text=True).stdout.strip()


def control(*args):
    subprocess.run([CONTROL, "control", *args], check=True)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors_5xx = 0      # what a client saw in the end (after its retries)
        self.raw_5xx = 0         # every 5xx or dropped connection, retried or not
        self.slowest = 0.0
        self.slowest_what = ""
        self.replica_reads = 0
        self.primary_reads = 0
        self.notes = []

    def record(self, what, seconds, status, reads=None):
        with self.lock:
            self.requests += 1
            if status >= 500 or status == 0:
                self.raw_5xx += 1
            if seconds > self.slowest:
                self.slowest, self.slowest_what = seconds, what
            if reads == "replica":
                self.replica_reads += 1
            elif reads == "primary":
                self.primary_reads += 1

    def failed(self, note):
        with self.lock:
            self.errors_5xx += 1
            if len(self.notes) < 5:
                self.notes.append(note)


class Client:
    """One user's client: an API token and a cookie jar (the read-your-writes cookie comes back on every request)."""

    def __init__(self, token, stats):
        self.token = token
        self.stats = stats
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def call(self, method, path, body=None, retries=8):
        """Retries what a careful client retries: 5xx and dropped connections, with back-off. Returns (status, json, reads)."""
        delay = 0.2
        for attempt in range(retries + 1):
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(LB + path, data=data, method=method,
                                             headers={"x-api-token": self.token, "Content-Type": "application/json"})
            started = time.monotonic()
            status, payload, reads = 0, None, None
            try:
                with self.opener.open(request, timeout=60) as response:
                    status, payload, reads = response.status, response.read(), response.headers.get("X-DealToLead-Reads")
            except urllib.error.HTTPError as e:
                status, payload, reads = e.code, e.read(), e.headers.get("X-DealToLead-Reads")
            except Exception as e:  # connection refused or reset: the request may or may not have arrived
                payload = str(e).encode()
            self.stats.record(f"{method} {path}", time.monotonic() - started, status, reads)
            if status != 0 and status < 500:
                try:
                    return status, json.loads(payload or b"null"), reads
                except ValueError:
                    return status, None, reads
            if attempt == retries:
                self.stats.failed(f"{method} {path}: {status} {payload[:200]!r}")
                return status, None, reads
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def readers(stats, stop, count=3):
    """Background load: lists that read from the replica, as several users."""
    def run(token):
        client = Client(token, stats)
        paths = ["/api/v2/deals?limit=50", "/api/v1/leads?limit=50", "/api/v2/persons?limit=50", "/api/v2/activities?limit=50"]
        i = 0
        while not stop.is_set():
            client.call("GET", paths[i % len(paths)])
            i += 1
    threads = [threading.Thread(target=run, args=(MANAGER if i % 2 else REP,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    return threads


def make_deals(client, count, label):
    status, person, _ = client.call("POST", "/api/v2/persons", {"name": f"Soak {label}"})
    assert status == 201, (status, person)
    person_id = person["data"]["id"]
    ids = []
    lock = threading.Lock()

    def work(n):
        for i in range(n):
            s, deal, _ = client.call("POST", "/api/v2/deals", {"title": f"{label} {uuid.uuid4().hex[:8]}", "person_id": person_id})
            if s == 201:
                with lock:
                    ids.append(deal["data"]["id"])
    threads = [threading.Thread(target=work, args=(count // 4,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ids


def report(name, stats, lost, duplicated, extra, ok):
    line = (f"{name}: requests {stats.requests}, 5xx {stats.errors_5xx} (after client retries; {stats.raw_5xx} raw 5xx or "
            f"dropped), lost {lost}, duplicated {duplicated}, slowest {stats.slowest * 1000:.0f} ms ({stats.slowest_what}); "
            f"{extra} -> {'passed' if ok else 'FAILED'}")
    print(line, flush=True)
    for note in stats.notes:
        print("    " + note, flush=True)
    if RESULTS:
        with open(RESULTS, "a") as f:
            f.write(line + "\n")
    return ok


def kill_mid_bulk_job():
    stats = Stats()
    rep = Client(REP, stats)
    ids = make_deals(rep, 800, "bulk")
    sql("UPDATE company_settings SET bulk_conversion_limit = 10000")
    stop = threading.Event()
    load = readers(stats, stop)
    started = sql("SELECT now()")
    status, job, _ = rep.call("POST", "/api/v2/deals/convert/lead", {"ids": ids})
    assert status in (200, 201, 202), (status, job)
    job_id = job["data"]["job_id"]
    killed = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row = sql(f"SELECT processed, total, coalesce(leased_by, '') FROM bulk_conversion_jobs WHERE id = '{job_id}'")
        processed, total, leased_by = row.split("|")
        if killed is None and 0 < int(processed) < int(total) and leased_by:
            pid = leased_by.split(":")[1]
            for n in range(1, 4):
                path = os.path.join(os.environ["CLUSTER_RUN"], f"app{n}.pid")
                if os.path.exists(path) and open(path).read().strip() == pid:
                    killed = n
            if killed is None:
                raise SystemExit(f"no instance has pid {pid} ({leased_by})")
            print(f"  killing app{killed} (SIGKILL) at {processed}/{total} of job {job_id}", flush=True)
            control("kill-app", str(killed))
        if sql(f"SELECT status FROM bulk_conversion_jobs WHERE id = '{job_id}'") == "Completed":
            break
        time.sleep(0.2)
    finished = sql(f"SELECT status FROM bulk_conversion_jobs WHERE id = '{job_id}'")
    time.sleep(3)  # the email outbox
    stop.set()
    for t in load:
        t.join()
    if killed:
        control("start-app", str(killed))
    id_list = ",".join(map(str, ids))
    leads_per_deal = sql(f"SELECT coalesce(sum(c - 1), 0) FROM (SELECT count(*) c FROM leads WHERE origin_deal_id IN ({id_list}) GROUP BY origin_deal_id) x")
    not_converted = sql(f"SELECT count(*) FROM deals WHERE id IN ({id_list}) AND deleted_at IS NULL")
    without_lead = sql(f"SELECT count(*) FROM deals d WHERE d.id IN ({id_list}) AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.origin_deal_id = d.id)")
    items = sql(f"SELECT count(*) FILTER (WHERE outcome = 'Converted'), count(*) FROM bulk_conversion_job_items WHERE job_id = '{job_id}'")
    emails = int(sql(f"SELECT count(*) FROM outbox_emails WHERE \"to\" = 'rep@dealtolead.local' AND subject LIKE '%converted to lead%' AND created_at >= '{started}'"))
    lost = int(not_converted) + int(without_lead)
    duplicated = int(leads_per_deal) + max(0, emails - 1)
    ok = finished == "Completed" and killed is not None and lost == 0 and duplicated == 0 and emails == 1 and stats.errors_5xx == 0
    return report("kill an instance mid bulk job", stats, lost, duplicated,
                  f"{len(ids)} deals, job {finished}, items converted/total {items.replace('|', '/')}, app{killed} killed, emails {emails}", ok)


def replica_stop_start():
    stats = Stats()
    stop = threading.Event()
    load = readers(stats, stop, count=2)
    stale = [0]
    written = []
    lock = threading.Lock()

    def writer(token, label):
        client = Client(token, stats)
        while not stop.is_set():
            name = f"RYW {label} {uuid.uuid4().hex[:10]}"
            status, created, _ = client.call("POST", "/api/v2/persons", {"name": name})
            if status != 201:
                continue
            with lock:
                written.append(name)
            person_id = created["data"]["id"]
            status, page, _ = client.call("GET", "/api/v2/persons?sort_by=id&sort_direction=desc&limit=20")
            if status == 200 and person_id not in [p["id"] for p in page["data"]]:
                with lock:
                    stale[0] += 1
                    stats.notes.append(f"stale read: person {person_id} missing right after its write")
    writers = [threading.Thread(target=writer, args=(REP if i % 2 else MANAGER, i), daemon=True) for i in range(3)]
    for t in writers:
        t.start()
    time.sleep(6)
    print("  stopping the standby (pg_ctl -m fast)", flush=True)
    control("stop-standby")
    time.sleep(8)
    print("  starting the standby", flush=True)
    control("start-standby")
    time.sleep(10)
    stop.set()
    for t in writers + load:
        t.join()
    names = ",".join("'" + n + "'" for n in written)
    found = int(sql(f"SELECT count(DISTINCT name) FROM persons WHERE name IN ({names})")) if written else 0
    rows = int(sql(f"SELECT count(*) FROM persons WHERE name IN ({names})")) if written else 0
    lost = len(written) - found
    duplicated = rows - found
    ok = lost == 0 and duplicated == 0 and stale[0] == 0 and stats.errors_5xx == 0 and stats.raw_5xx == 0
    return report("stop and start the replica", stats, lost, duplicated,
                  f"{len(written)} writes each read back at once, stale reads {stale[0]}, reads on replica/primary "
                  f"{stats.replica_reads}/{stats.primary_reads}", ok)


def pgbouncer_restart():
    stats = Stats()
    setup = Client(REP, Stats())
    ids = make_deals(setup, 400, "single")
    stop = threading.Event()
    load = readers(stats, stop, count=2)
    queue = list(ids)
    lock = threading.Lock()
    answered = {}

    def converter():
        client = Client(REP, stats)
        while True:
            with lock:
                if not queue:
                    return
                deal = queue.pop()
            status, body, _ = client.call("POST", f"/api/v2/deals/{deal}/convert/lead")
            with lock:
                answered[deal] = status
            time.sleep(0.02)
    threads = [threading.Thread(target=converter, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(3)
    print("  restarting PgBouncer (SIGTERM: immediate shutdown, then start)", flush=True)
    control("restart-pgbouncer")
    for t in threads:
        t.join()
    time.sleep(1)
    stop.set()
    for t in load:
        t.join()
    id_list = ",".join(map(str, ids))
    converted_ok = [d for d, s in answered.items() if s in (200, 201)]
    refused = [d for d, s in answered.items() if s == 409]
    half = sql(f"""SELECT count(*) FROM deals d WHERE d.id IN ({id_list}) AND (
        (d.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.origin_deal_id = d.id))
        OR (d.deleted_at IS NULL AND EXISTS (SELECT 1 FROM leads l WHERE l.origin_deal_id = d.id)))""")
    dup = sql(f"SELECT coalesce(sum(c - 1), 0) FROM (SELECT count(*) c FROM leads WHERE origin_deal_id IN ({id_list}) GROUP BY origin_deal_id) x")
    ok_list = ",".join(map(str, converted_ok)) or "0"
    lost = int(sql(f"SELECT count(*) FROM deals WHERE id IN ({ok_list}) AND deleted_at IS NULL"))
    live = int(sql(f"SELECT count(*) FROM deals WHERE id IN ({id_list}) AND deleted_at IS NULL"))
    ok = int(half) == 0 and int(dup) == 0 and lost == 0 and live == 0 and stats.errors_5xx == 0
    return report("restart PgBouncer", stats, lost, int(dup),
                  f"{len(ids)} single conversions: {len(converted_ok)} answered 2xx, {len(refused)} 409 (a retry of one that had "
                  f"committed), half-converted {half}, still live {live}", ok)


SCENARIOS = {"bulk": kill_mid_bulk_job, "replica": replica_stop_start, "pgbouncer": pgbouncer_restart}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SCENARIOS)
    results = [SCENARIOS[name]() for name in chosen]
    passed = sum(1 for r in results if r)
    print(f"tests: {passed} passed, {len(results) - passed} failed", flush=True)
    sys.exit(0 if passed == len(results) else 1)
