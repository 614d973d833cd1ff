"""Benchmark at national scale: the public site and the API through gunicorn on PostgreSQL.

For each database (default: ``kz_perf`` at the default generate_data scale, then
``kz_scale10`` at one tenth), starts gunicorn with 2 workers on a free loopback port,
with Redis as the shared cache (as deployed; flushed first), drives a bounded load
(``--threads`` keep-alive clients, ``--requests`` per client or ``--seconds`` per
scenario, whichever ends first) and prints per scenario: requests/s, p50, p95, database
queries per request (measured in-process with Django's test client on the same
database, on a cache miss), the gunicorn workers' peak RSS during the scenario (VmHWM,
reset before each scenario) and p50 / p95 as a multiple of the p50 of the minimal
endpoint of the same stack measured in the same run (``/healthz`` for pages,
``/api/v1/status/`` for the API). Then how each p50 grows from the small database to the
large one, searching the same texts at both scales (picked from the small database, whose
names the large one holds too). Everything is measured twice: with the response and page caches on (as
deployed: repeated requests are answered from the cache until the data changes; searches
are never kept) and with them off (every answer built). A third pass measures the
searches (and the minimal endpoints) with ``SEARCH_CACHE_SECONDS`` set, the opt-in that
keeps searches too (``--search-cache``; 0 skips it). Run from the project folder:

    .venv/bin/python bench/run.py [--large postgres://…/kz_perf] [--small postgres://…/kz_scale10]

The databases must already hold generated data (``manage.py generate_data``; ``--scale
0.1`` for the small one) and be migrated. Nothing is written to them but the cache table
(``createcachetable``)."""

import argparse
import contextlib
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from common import PYTHON, ROOT, free_port, percentile, start_gunicorn, stop

BASE_ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "API_RATE_ANONYMOUS": "100000000",
    "API_RATE_PUBLIC": "100000000",
    "API_RATE_PARTNERS": "100000000",
    "LOG_LEVEL": "WARNING",
}
TARGETS = {"p50": 4.0, "p95": 10.0, "search_p95": 6.0, "growth": 1.3, "export_rows": 20_000}

# Runs inside the project (manage.py shell) against the benchmarked database: picks the
# sample records, builds the deep cursor, and counts queries per request with the test client.
PREPARE = r"""
import json
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from cases.models import Case
from kazmonitor.api.pagination import seal
from kazmonitor.models import Visibility
from people.models import Person

PUBLIC = Visibility.PUBLIC
cases = Case.objects.visible_to(PUBLIC)
persons = Person.objects.visible_to(PUBLIC).filter(identity_protected=False).order_by("pk")
if TEXTS:  # the texts searched at the other scale: the same requests on more data
    cyrillic, latin, surname = TEXTS["cyrillic"], TEXTS["latin"], TEXTS["surname"]
else:
    cyrillic = persons.filter(name__regex=r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі ]+$")[1000].name
    latin = persons.exclude(name_latin="")[2000].name_latin
    surname = latin.split()[-1]
ordered = cases.order_by(F("opened_on").desc(nulls_first=True), F("pk").asc())
position = min(999 * 50, cases.count() - 60)  # page 1,000 (or a late page of a small database)
opened_on, pk = ordered.values_list("opened_on", "pk")[position - 1]
payload = {"o": "-opened_on,pk", "p": [opened_on.isoformat() if opened_on else None, pk], "r": False}
cursor = seal(json.dumps(payload, separators=(",", ":")).encode())  # as the API seals its own
sample = list(cases.order_by("pk").values_list("slug", "uuid")[:: max(1, cases.count() // 20)][:20])
out = {
    "cases": Case.objects.count(),
    "public_cases": cases.count(),
    "persons": Person.objects.count(),
    "cyrillic": cyrillic,
    "latin": latin,
    "surname": surname,
    "found": {text: Person.objects.visible_to(PUBLIC).matching(text).count() for text in (cyrillic, latin, surname)},
    "cursor": cursor,
    "cursor_page": position // 50 + 1,
    "slugs": [slug for slug, _uuid in sample],
    "uuids": [str(uuid) for _slug, uuid in sample],
}
client = Client()
queries = {}
for name, path in json.loads(PATHS).items():
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path.format(**out))
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    queries[name] = (response.status_code, len(captured))
out["queries"] = queries
print("BENCH " + json.dumps(out, ensure_ascii=False))
"""

# name → (path template, is a search, client threads, stack); {…} are filled from PREPARE's
# sample. Each p50 is compared with the minimal endpoint of its own stack: /healthz (one
# `SELECT 1` through Django's middleware) for the public site, /api/v1/status/ (no
# query, through the middleware and DRF's key check, rate limit and rendering) for the API.
SITE, API = "minimal (/healthz)", "minimal API (/api/v1/status/)"
SCENARIOS = {
    SITE: ("/healthz", False, None, SITE),
    API: ("/api/v1/status/", False, None, API),
    "public case list, 2 filters": ("/cases/?kind=criminal&status=active", False, None, SITE),
    "public case page": ("/cases/{slug}/", False, None, SITE),
    "public search, Cyrillic name": ("/search/?q={cyrillic_q}", True, None, SITE),
    "public search, Latin name": ("/search/?q={latin_q}", True, None, SITE),
    "statistics page": ("/statistics/", False, None, SITE),
    "API case list, 50/page": ("/api/v1/cases/?page_size=50", False, None, API),
    "API case detail": ("/api/v1/cases/{uuid}/", False, None, API),
    "API person search": ("/api/v1/persons/?q={surname_q}", True, None, API),
    # the same search with pages that both scales fill (the sample finds 23 persons at one
    # tenth): its growth is the data's alone, not that of a page of 23 rows becoming 50
    "API person search, 20/page": ("/api/v1/persons/?q={surname_q}&page_size=20", True, None, API),
    "API page 1,000 by cursor": ("/api/v1/cases/?page_size=50&cursor={cursor}", False, None, API),
    "full CSV export (cases)": ("/api/v1/cases/?format=csv", False, 1, API),
}
# The response and page caches off: every request builds its answer.
UNCACHED = {"API_CACHE_SECONDS": "0", "PAGE_CACHE_SECONDS": "0"}


def prepare(env: dict, texts: dict | None = None) -> dict:
    """The sample of the database at ``env``; ``texts`` (cyrillic, latin, surname) are the
    texts to search, picked from this database when None."""
    paths = {name: path for name, (path, *_rest) in SCENARIOS.items()}
    for name, path in paths.items():  # one sample record for the in-process query count
        paths[name] = (
            path.replace("{slug}", "{slugs[0]}")
            .replace("{uuid}", "{uuids[0]}")
            .replace("{cyrillic_q}", "{cyrillic}")
            .replace("{latin_q}", "{latin}")
            .replace("{surname_q}", "{surname}")
        )
    for command in (["createcachetable"], ["collectstatic", "--no-input", "-v0"]):  # as a deployment does
        made = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if made.returncode:
            sys.exit(f"manage.py {command[0]} failed:\n{made.stderr[-3000:]}")
    literal = {
        name: json.dumps(json.dumps(value, ensure_ascii=False), ensure_ascii=False)
        for name, value in (("paths", paths), ("texts", texts))
    }
    code = f"import json\nPATHS = {literal['paths']}\nTEXTS = json.loads({literal['texts']})\n{PREPARE}"
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode or not lines:
        sys.exit(f"preparing the sample failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][6:])


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def reset_peak(pids: list[int]) -> None:
    """Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so each scenario has its own peak."""
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mb(pids: list[int]) -> float:
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


def drive(port: int, paths: list[str], threads: int, per_thread: int, seconds: float) -> dict:
    """GETs over keep-alive connections until each client made ``per_thread`` requests or
    ``seconds`` passed. Returns latencies, throughput and bytes."""
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        mine, my_sizes = [], []
        for n in range(per_thread):
            if n and time.monotonic() > deadline:
                break
            path = paths[(offset + n) % len(paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "en"})
                response = conn.getresponse()
                size = 0
                while chunk := response.read(65536):
                    size += len(chunk)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(f"{path}: {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                continue
            mine.append(time.perf_counter() - started)
            my_sizes.append(size)
            if response.status != 200:
                with lock:
                    errors.append(f"{path}: HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)
            sizes.extend(my_sizes)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "rate": len(latencies) / elapsed, "errors": errors, "bytes": sum(sizes)}


def scenario_paths(template: str, data: dict) -> list[str]:
    fill = {
        "cursor": data["cursor"],
        "cyrillic_q": quote(data["cyrillic"]),
        "latin_q": quote(data["latin"]),
        "surname_q": quote(data["surname"]),
    }
    if "{slug}" in template:
        return [template.format(slug=slug) for slug in data["slugs"]]
    if "{uuid}" in template:
        return [template.format(uuid=uuid) for uuid in data["uuids"]]
    return [template.format(**fill)]


def flush_cache(redis_url: str) -> None:
    """Start every measurement with an empty cache (no pages or figures from a run before)."""
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def measure(label: str, url: str, args, cached: bool = True, search_cache: int = 0, texts: dict | None = None) -> dict:
    """All scenarios; with ``search_cache`` (seconds) the searches and minimal endpoints only,
    with searches kept that long (``SEARCH_CACHE_SECONDS``). ``texts``: the texts to
    search (``prepare``)."""
    env = {**BASE_ENV, "DATABASE_URL": url, **({} if cached else UNCACHED)}
    if search_cache:
        env["SEARCH_CACHE_SECONDS"] = str(search_cache)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    flush_cache(args.redis_url)
    caches = "response and page caches on" if cached else "response and page caches OFF"
    if search_cache:
        caches += f", searches kept {search_cache} s (SEARCH_CACHE_SECONDS, opt-in)"
    print(f"\n## {label}: {url.rsplit('/', 1)[-1]}, {caches}", flush=True)
    data = prepare(env, texts)
    found = ", ".join(f"{text!r} {count:,}" for text, count in data["found"].items())
    print(
        f"{data['cases']:,} cases ({data['public_cases']:,} public), {data['persons']:,} persons; "
        f"search names: {data['cyrillic']!r}, {data['latin']!r}; API person search: {data['surname']!r}; "
        f"public persons found: {found}; cursor page {data['cursor_page']:,}",
        flush=True,
    )
    port = free_port()
    server = start_gunicorn(env, port, "--timeout=300")
    results = {}
    try:
        workers = workers_of(server.pid)
        for name, (template, is_search, threads, _stack) in SCENARIOS.items():
            if search_cache and not (is_search or name in (SITE, API)):
                continue
            paths = scenario_paths(template, data)
            threads = threads or args.threads
            per_thread = args.export_requests if threads == 1 else args.requests
            if threads > 1:  # warm up (connections, caches, code paths); an export needs none
                drive(port, paths, threads, 1, 60)
            reset_peak(workers)
            outcome = drive(port, paths, threads, per_thread, args.seconds)
            outcome["rss"] = peak_rss_mb(workers)
            outcome["queries"] = data["queries"][name][1]
            outcome["status"] = data["queries"][name][0]
            results[name] = outcome
            print(f"  measured {name}: {len(outcome['latencies'])} requests", flush=True)
    finally:
        stop(server)
    report(results, data)
    return {"results": results, "data": data}


def minimal_p50(results: dict, name: str) -> float:
    """The p50 of the minimal endpoint of ``name``'s stack."""
    return statistics.median(results[SCENARIOS[name][3]]["latencies"])


def report(results: dict, data: dict) -> None:
    print(
        f"\n{'scenario':<30} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'RSS MB':>7} "
        f"{'p50/min':>8} {'p95/min':>8}  errors"
    )
    for name, outcome in results.items():
        lat = outcome["latencies"]
        base = minimal_p50(results, name)
        p50, p95 = statistics.median(lat), percentile(lat, 0.95)
        errors = len(outcome["errors"])
        print(
            f"{name:<30} {outcome['rate']:>7.1f} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {outcome['queries']:>7} "
            f"{outcome['rss']:>7.0f} {p50 / base:>7.1f}× {p95 / base:>7.1f}×  {errors}"
            + (f" ({outcome['errors'][0]})" if errors else "")
        )
    export = results.get("full CSV export (cases)")
    if export:
        rows_per_s = data["public_cases"] / statistics.median(export["latencies"])
        megabytes = export["bytes"] / max(1, len(export["latencies"])) / 1e6
        print(
            f"CSV export: {data['public_cases']:,} rows, {megabytes:.0f} MB per export, "
            f"{rows_per_s:,.0f} rows/s (median export)"
        )
    sys.stdout.flush()


def verdict(large: dict, small: dict | None, title: str) -> None:
    results = large["results"]
    missed = []
    for name, (_template, is_search, _threads, _stack) in SCENARIOS.items():
        if name.startswith("minimal") or name.startswith("full CSV") or name not in results:
            continue
        base = minimal_p50(results, name)
        lat = results[name]["latencies"]
        p50, p95 = statistics.median(lat) / base, percentile(lat, 0.95) / base
        if p50 > TARGETS["p50"]:
            missed.append(f"{name}: p50 {p50:.1f}× minimal (target ≤ {TARGETS['p50']:g}×)")
        limit = TARGETS["search_p95"] if is_search else TARGETS["p95"]
        if p95 > limit:
            missed.append(f"{name}: p95 {p95:.1f}× minimal (target ≤ {limit:g}×)")
    export = results.get("full CSV export (cases)")
    rows_per_s = large["data"]["public_cases"] / statistics.median(export["latencies"]) if export else None
    if export and rows_per_s < TARGETS["export_rows"]:
        missed.append(f"CSV export: {rows_per_s:,.0f} rows/s (target ≥ {TARGETS['export_rows']:,})")
    if export and export["rss"] >= 300:
        missed.append(f"CSV export: worker peak RSS {export['rss']:.0f} MB (target < 300 MB)")
    if small:
        print(f"\n{'scenario':<30} {'p50 small ms':>12} {'p50 large ms':>12} {'growth':>7}")
        for name in results:
            p_small = statistics.median(small["results"][name]["latencies"])
            p_large = statistics.median(results[name]["latencies"])
            growth = p_large / p_small
            print(f"{name:<30} {p_small * 1000:>12.1f} {p_large * 1000:>12.1f} {growth:>6.2f}×")
            if growth > TARGETS["growth"] and not name.startswith(("full CSV", "minimal")):  # these scale by design
                missed.append(f"{name}: p50 grew {growth:.2f}× for 10× the data (target ≤ {TARGETS['growth']}×)")
    print(f"\n{title}: targets missed:" if missed else f"\n{title}: all targets met.")
    for line in missed:
        print(f"  - {line}")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (
        f"{os.cpu_count()} CPU ({cpu}), {int(memory.split()[1]) // 1024:,} MB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, load average before the run {' '.join(load)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", default="postgres://postgres@127.0.0.1:5432/kz_perf")
    parser.add_argument("--small", default="postgres://postgres@127.0.0.1:5432/kz_scale10", help="'' to skip")
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--requests", type=int, default=150, help="requests per client per scenario (default 150: 1,200 per scenario)"
    )
    parser.add_argument("--seconds", type=float, default=20, help="time bound per scenario (default 20 s)")
    parser.add_argument("--export-requests", type=int, default=3, help="full CSV exports, one at a time")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="the shared cache, as deployed (flushed before each measurement; '' for the database cache table)",
    )
    parser.add_argument("--no-uncached", action="store_true", help="skip the second pass with the caches off")
    parser.add_argument(
        "--search-cache",
        type=int,
        default=60,
        metavar="SECONDS",
        help="third pass: the searches with SEARCH_CACHE_SECONDS set to this (default 60; 0 skips it)",
    )
    args = parser.parse_args()
    print(f"KazMonitor benchmark (bench/run.py) — {machine()}")
    print(
        f"gunicorn 2 sync workers on 127.0.0.1, {args.threads} keep-alive clients, up to {args.requests} requests "
        f"each or {args.seconds:g} s per scenario; CSV export: {args.export_requests} exports, one client"
    )
    # The same texts are searched at both scales, picked from the small database (whose
    # names the large one has too): growth is then the same request on ten times the data.
    texts = None
    if args.small:
        picked = prepare({**BASE_ENV, "DATABASE_URL": args.small})
        texts = {name: picked[name] for name in ("cyrillic", "latin", "surname")}
    passes = [("Caches on (as deployed)", {})]
    if not args.no_uncached:
        passes.append(("Caches off (every answer built)", {"cached": False}))
    if args.search_cache:
        passes.append(
            (f"Searches kept {args.search_cache} s (SEARCH_CACHE_SECONDS, opt-in)", {"search_cache": args.search_cache})
        )
    for title, options in passes:
        large = measure("default scale", args.large, args, texts=texts, **options)
        small = measure("one tenth", args.small, args, texts=texts, **options) if args.small else None
        verdict(large, small, title)


if __name__ == "__main__":
    main()
