"""Benchmark of the public site's pages against the database in DATABASE_URL.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/synth.sqlite3 .venv/bin/python bench/public_pages.py --repeat 5

Fill that database first (``manage.py load_demo`` or ``manage.py generate_data --scale 0.1``).
Requests every kind of public page in-process (Django's test client: no network, no
static files) and prints, per page, the number of SQL queries, the median and worst time
and the median CPU time of this process over ``--repeat`` requests after one warm-up
request, and the median as a multiple of ``/healthz`` (one ``SELECT 1`` through the same
middleware). Pages are built every time (the page and API response caches off) unless
``--cached``; ``--only`` keeps the pages whose URL contains one of the given strings.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")


def pages() -> list[str]:
    from django.db.models import Count

    from cases.models import Assembly, Case, LegalArticle
    from kazmonitor.models import Visibility
    from people.models import Organization, Person

    public = Visibility.PUBLIC
    urls = [
        "/healthz",
        "/",
        "/ru/",
        "/cases/",
        "/cases/?status=active&freedom=expression",
        "/cases/?page=3",
        "/persons/",
        "/political-prisoners/",
        "/detained/",
        "/assemblies/",
        "/organizations/",
        "/articles/",
        "/statistics/",
        "/statistics/detentions.csv",
        "/search/?q=Mamai",
        "/search/?q=Мамай",
        "/cases/feed/",
        "/sitemap.xml",
        "/sitemap-cases.xml",
    ]
    busiest = (
        Case.objects.visible_to(public)
        .annotate(n=Count("charges"))
        .order_by("-n")
        .values_list("slug", flat=True)
        .first()
    )
    if busiest:
        urls += [f"/cases/{busiest}/", f"/ru/cases/{busiest}/"]
    article = LegalArticle.objects.annotate(n=Count("charges")).order_by("-n").first()
    if article:
        urls += [article.get_absolute_url(), f"/cases/?article={article.slug}"]
    person = (
        Person.objects.visible_to(public)
        .filter(identity_protected=False)
        .annotate(n=Count("participations"))
        .order_by("-n")
        .first()
    )
    if person:
        urls.append(person.get_absolute_url())
    organization = Organization.objects.visible_to(public).annotate(n=Count("memberships")).order_by("-n").first()
    if organization:
        urls.append(organization.get_absolute_url())
    assembly = Assembly.objects.visible_to(public).annotate(n=Count("detentions")).order_by("-n").first()
    if assembly:
        urls.append(assembly.get_absolute_url())
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cached", action="store_true", help="keep the page and API response caches on")
    parser.add_argument("--only", nargs="+", metavar="TEXT", help="only the pages whose URL contains one of these")
    args = parser.parse_args()
    if not args.cached:
        os.environ.update({"PAGE_CACHE_SECONDS": "0", "API_CACHE_SECONDS": "0"})

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 404s are reported in the table
    client = Client()
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(
        f"{'page':60} {'status':>6} {'queries':>7} {'median ms':>10} {'worst ms':>9} {'cpu ms':>7} {'× /healthz':>10}"
    )
    minimal = None
    for url in pages():
        if args.only and url != "/healthz" and not any(text in url for text in args.only):
            continue
        client.get(url)
        times, cpu = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        median = statistics.median(times)
        minimal = minimal or median
        print(
            f"{url[:60]:60} {response.status_code:>6} {len(queries.captured_queries):>7} "
            f"{median:>10.1f} {max(times):>9.1f} {statistics.median(cpu):>7.1f} {median / minimal:>10.1f}"
        )


if __name__ == "__main__":
    main()
