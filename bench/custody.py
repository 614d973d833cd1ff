"""Who was in custody on a day, at scale: the API ``detained_on=`` lists (detentions,
persons, cases), the public /detained/ page, the home page figures and the admin
"in custody" filters — median and slowest ms, queries and database ms, built from
scratch (caches off), in-process with Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_perf REDIS_URL=redis://127.0.0.1:6379/15 \\
        API_CACHE_SECONDS=0 PAGE_CACHE_SECONDS=0 API_RATE_ANONYMOUS=1000000 DEBUG=1 \\
        .venv/bin/python bench/custody.py [--runs 7] [--day 2022-01-10]

Writes nothing: the admin pages are read as a throw-away superuser inside a transaction
that is rolled back."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")

import django  # noqa: E402

django.setup()

from admin_pages import pass_second_factor  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.views import HomeView  # noqa: E402


def measure(name: str, run, runs: int) -> None:
    run()  # warm-up
    timings, databases = [], []
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = run()
            timings.append(time.perf_counter() - started)
        databases.append(sum(float(q["time"]) for q in captured.captured_queries))
    slowest = max((float(q["time"]) for q in captured.captured_queries), default=0)
    print(
        f"{name:<52} {status!s:>6} {statistics.median(timings) * 1000:>9.0f} {max(timings) * 1000:>7.0f} "
        f"{len(captured):>7} {statistics.median(databases) * 1000:>6.0f} {slowest * 1000:>8.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--day", default="2022-01-10", help="a past day asked besides today")
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user_logged_in.connect(pass_second_factor, dispatch_uid="bench-custody")
    today = timezone.localdate().isoformat()
    print(f"Who was in custody — {connection.settings_dict['NAME']}, today {today}")
    print(f"{'question':<52} {'status':>6} {'median ms':>9} {'max ms':>7} {'queries':>7} {'db ms':>6} {'slowest':>8}")
    public = Client()

    def get(client, path):
        return lambda: client.get(path, secure=True).status_code

    for day in (today, options.day):
        for resource in ("detentions", "persons", "cases"):
            measure(
                f"API {resource}?detained_on={day}", get(public, f"/api/v1/{resource}/?detained_on={day}"), options.runs
            )
    measure("/detained/ (public page)", get(public, "/detained/"), options.runs)
    measure("home figures (built)", lambda: len(HomeView.figures(timezone.localdate())), options.runs)
    with transaction.atomic():
        staff = Client()
        staff.force_login(User.objects.create_superuser("bench-custody", "bench@example.org", "a long bench password"))
        for day in ("today", options.day):
            for path in ("cases/detention", "people/person"):
                measure(f"admin {path} ?held={day}", get(staff, f"/admin/{path}/?held={day}"), options.runs)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
