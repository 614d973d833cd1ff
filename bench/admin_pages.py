"""Admin at scale: how long the largest changelists, their filters, date drill-downs and
search, and change forms with many inline rows take, and how many queries they make —
measured in-process with Django's test client, as a superuser who has passed the second
factor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_perf REDIS_URL=redis://127.0.0.1:6379/15 \\
        DEBUG=1 .venv/bin/python bench/admin_pages.py [--runs 3] [--only WORD]

Writes nothing: the throw-away superuser, its TOTP device and its session live in one
transaction that is rolled back at the end."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Case, Detention, LegalArticle  # noqa: E402
from people.models import Person  # noqa: E402

USERNAME = "bench-admin-pages"


def pass_second_factor(sender, request, user, **kwargs):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def busiest(model, relation: str) -> tuple[int, int]:
    return model.objects.annotate(n=Count(relation)).order_by("-n").values_list("pk", "n").first()


def pages() -> dict[str, str]:
    case, case_rows = busiest(Case, "participants")
    person, person_cases = busiest(Person, "participations")
    detention, extensions = busiest(Detention, "extensions")
    article = LegalArticle.objects.annotate(n=Count("charges")).order_by("-n").values_list("pk", flat=True).first()
    typical = Case.objects.filter(participants__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    return {
        "case changelist": "/admin/cases/case/",
        "case changelist, visibility + kind": "/admin/cases/case/?visibility__exact=20&kind__exact=criminal",
        "case changelist, year 2022": "/admin/cases/case/?opened_on__year=2022",
        "case changelist, month 2022-01": "/admin/cases/case/?opened_on__year=2022&opened_on__month=1",
        "case changelist, search by name": "/admin/cases/case/?q=Bayzhanov",
        "person changelist": "/admin/people/person/",
        "person changelist, search Cyrillic": "/admin/people/person/?q=Байжанов",
        "person changelist, held today": "/admin/people/person/?held=today",
        "charge changelist": "/admin/cases/charge/",
        "charge changelist, article filter": f"/admin/cases/charge/?article={article}",
        "detention changelist": "/admin/cases/detention/",
        "detention changelist, held today": "/admin/cases/detention/?held=today",
        "detention changelist, held on 2022-01-10": "/admin/cases/detention/?held=2022-01-10",
        "participant changelist": "/admin/cases/participant/",
        "event changelist": "/admin/cases/event/",
        "sentence changelist": "/admin/cases/sentence/",
        f"case change form ({case_rows} participants)": f"/admin/cases/case/{case}/change/",
        "case change form (a typical case)": f"/admin/cases/case/{typical}/change/",
        f"detention change form ({extensions} extensions)": f"/admin/cases/detention/{detention}/change/",
        f"person change form ({person_cases} cases)": f"/admin/people/person/{person}/change/",
        "person autocomplete": "/admin/autocomplete/?app_label=cases&model_name=participant&field_name=person&term=bay",
    }


def measure(client: Client, name: str, path: str, runs: int, queries: bool = False) -> None:
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, secure=True)
            timings.append(time.perf_counter() - started)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
    database = sum(float(query["time"]) for query in captured.captured_queries)
    status = f"{response.status_code}" + ("→e" if "e=1" in response.get("Location", "") else "")
    print(
        f"{name:<48} {status:>6} {statistics.median(timings) * 1000:>9.0f} {max(timings) * 1000:>7.0f} "
        f"{len(captured):>7} {database * 1000:>6.0f}   slowest {float(slowest['time']) * 1000:.0f} ms: "
        f"{slowest['sql'][:90]}",
        flush=True,
    )
    if queries:  # every query of the last request, slowest first
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
            print(f"    {float(query['time']) * 1000:>6.0f} ms  {query['sql'][:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="requests per page; the median is printed")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--queries", action="store_true", help="print each query of the last request with its time")
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user_logged_in.connect(pass_second_factor, dispatch_uid="bench-admin-pages")
    cases, persons = Case.objects.count(), Person.objects.count()
    print(f"Admin at scale — {cases:,} cases, {persons:,} persons, {timezone.now():%Y-%m-%d}")
    print(f"{'page':<48} {'status':>6} {'median ms':>9} {'max ms':>7} {'queries':>7} {'db ms':>6}")
    with transaction.atomic():
        user = User.objects.create_superuser(USERNAME, "bench@example.org", "a long benchmark password")
        client = Client()
        client.force_login(user)
        for name, path in pages().items():
            if options.only in name:
                measure(client, name, path, options.runs, options.queries)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
