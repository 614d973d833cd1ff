"""Benchmark of the partner API through the production stack.

Serves the API with gunicorn (2 workers) on PostgreSQL, loads a few thousand generated
cases (``manage.py generate_data`` at a small scale), then drives a bounded load with
threads over persistent HTTP connections and prints requests per second and p50/p95
latency for the case list (50 per page), a case detail, a person search and a CSV
export — each p50 also as a ratio to ``/api/v1/status/`` (the minimal API endpoint: no
query, but the same middleware, key check, rate limit and rendering) measured in the
same run through the same stack; ``/healthz`` (outside DRF) is shown for reference.
Each configuration runs with the response cache on (as deployed) and off. Run from the
project folder:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_api_bench .venv/bin/python bench/api_bench.py

Options: ``--scale`` (0.015 ≈ 3,000 cases), ``--requests`` per scenario, ``--threads``,
``--redis`` (also with a throw-away redis-server as the cache), ``--uncached-only`` (only
with the response cache off: every answer built).
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from common import PYTHON, ROOT, free_port, percentile, start_gunicorn, stop

ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "API_RATE_ANONYMOUS": "100000000",
    "API_RATE_PUBLIC": "100000000",
    "API_RATE_PARTNERS": "100000000",
    "LOG_LEVEL": "WARNING",
}


def manage(*args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(scale: float) -> dict:
    manage("migrate", "--no-input", "-v0")
    manage("createcachetable")
    sample = manage("shell", "-c", SAMPLE_CODE).strip().splitlines()[-1]
    if sample == "EMPTY":
        print(f"generating data (generate_data --scale {scale}) …", flush=True)
        manage("generate_data", "--scale", str(scale), "--seed", "7")
        sample = manage("shell", "-c", SAMPLE_CODE).strip().splitlines()[-1]
    cases, sample_cases, search, key = sample.split("|")
    return {"cases": int(cases), "sample": sample_cases.split(","), "search": search, "key": key}


SAMPLE_CODE = """
from django.db.models import Count
from cases.models import Case
from kazmonitor.models import Visibility
from people.models import ApiKey, Organization, Person
from people.services import api_key_create
public = Case.objects.visible_to(Visibility.PUBLIC)
if not public.exists():
    print("EMPTY")
else:
    # The same 20 cases every run (spread over the ids), so runs and trees compare.
    sample = list(public.order_by("pk").values_list("uuid", flat=True)[:: max(1, public.count() // 20)][:20])
    person = Person.objects.visible_to(Visibility.PUBLIC).filter(identity_protected=False).order_by("pk").first()
    word = (person.name_latin or person.name).split()[-1]
    ApiKey.objects.filter(name="benchmark").delete()
    org = Organization.objects.order_by("pk").first()
    _key, plain = api_key_create(organization=org, name="benchmark", level=Visibility.PARTNERS)
    print(f"{Case.objects.count()}|{','.join(map(str, sample))}|{word}|{plain}")
"""


def drive(port: int, paths: list[str], headers: dict, total: int, threads: int) -> tuple[float, list[float]]:
    """``total`` GETs, cycling through ``paths``, over ``threads`` keep-alive connections."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, total // threads)

    def worker(offset: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for n in range(per_thread):
            path = paths[(offset + n) % len(paths)]
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.015, help="generate_data scale (0.015 ≈ 3,000 cases)")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis", action="store_true", help="also measure with a throw-away redis-server as cache")
    parser.add_argument("--uncached-only", action="store_true", help="only with the response cache off")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/kz_api_bench")
    ensure_database(url)
    data = prepare(args.scale)
    key = {"Authorization": f"Api-Key {data['key']}"}
    scenarios = [
        ("/api/v1/status/ (minimal)", ["/api/v1/status/"], key),
        ("/healthz (outside DRF)", ["/healthz"], {}),
        ("case list, 50 per page", ["/api/v1/cases/?page_size=50"], key),
        ("case detail (20 cases)", [f"/api/v1/cases/{uuid}/" for uuid in data["sample"]], key),
        ("person search", [f"/api/v1/persons/?q={data['search']}"], key),
        (
            "CSV export, cases 2022-05",
            ["/api/v1/cases/?format=csv&opened_after=2022-05-01&opened_before=2022-05-31"],
            key,
        ),
    ]
    caches = [("database cache", None)]
    redis = start_redis() if args.redis else None
    if redis:
        caches.append(("Redis cache", redis[1]))
    try:
        for label, redis_url in caches:
            ENV.pop("REDIS_URL", None)
            if redis_url:
                ENV["REDIS_URL"] = redis_url
            modes = (("300", "response cache on"), ("0", "response cache off"))
            for seconds, mode in modes[1:] if args.uncached_only else modes:
                ENV["API_CACHE_SECONDS"] = seconds
                report(f"{label}, {mode}", data, args, run(scenarios, args))
    finally:
        if redis:
            redis[0].terminate()
            redis[0].wait(timeout=10)


def run(scenarios, args) -> list[tuple[str, float, float, float]]:
    port = free_port()
    server = start_gunicorn(ENV, port, "--timeout=60", wait=30)
    try:
        results = []
        for name, paths, headers in scenarios:
            drive(port, paths, headers, total=args.threads * 5, threads=args.threads)  # warm up
            rate, latencies = drive(port, paths, headers, total=args.requests, threads=args.threads)
            results.append((name, rate, statistics.median(latencies), percentile(latencies, 0.95)))
        return results
    finally:
        stop(server)


def report(label: str, data: dict, args, results) -> None:
    base = results[0][2]
    print(
        f"\nKazMonitor API benchmark — {data['cases']:,} cases, gunicorn 2 workers, PostgreSQL, {label}, "
        f"{args.threads} client threads, {args.requests} requests per scenario"
    )
    print(f"{'scenario':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p50 / minimal':>14}")
    for name, rate, p50, p95 in results:
        print(f"{name:<30} {rate:>8.0f} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {p50 / base:>13.1f}×")
    sys.stdout.flush()


def start_redis() -> tuple[subprocess.Popen, str] | None:
    """A throw-away redis-server on a free port, if one is installed."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        print("redis-server not found: measuring with the database cache only")
        return None
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return server, f"redis://127.0.0.1:{port}/0"


if __name__ == "__main__":
    main()
