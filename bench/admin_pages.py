"""Admin at scale: how long the largest changelists, their filters and search, and
change forms with many inline rows take, and how many queries they make — measured
in-process with Django's test client, as a superuser who has passed the second factor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_scale DEBUG=1 .venv/bin/python bench/admin_pages.py

Creates a throw-away superuser (and its TOTP device) and deletes it at the end."""

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
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case, LegalArticle  # noqa: E402
from people.models import Person  # noqa: E402

USERNAME = "bench-admin-pages"


def pass_second_factor(sender, request, user, **kwargs):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def pages() -> dict[str, str]:
    busiest = Case.objects.annotate(n=Count("participants")).order_by("-n").values_list("pk", "n").first()
    linked = Person.objects.annotate(n=Count("participations")).order_by("-n").values_list("pk", "n").first()
    article = LegalArticle.objects.annotate(n=Count("charges")).order_by("-n").values_list("pk", flat=True).first()
    return {
        "case changelist": "/admin/cases/case/",
        "case changelist, visibility + kind": "/admin/cases/case/?visibility__exact=20&kind__exact=criminal",
        "case changelist, search by name": "/admin/cases/case/?q=Bayzhanov",
        "person changelist": "/admin/people/person/",
        "person changelist, search Cyrillic": "/admin/people/person/?q=Байжанов",
        "charge changelist": "/admin/cases/charge/",
        "charge changelist, article filter": f"/admin/cases/charge/?article={article}",
        "detention changelist": "/admin/cases/detention/",
        f"case change form ({busiest[1]} participants)": f"/admin/cases/case/{busiest[0]}/change/",
        f"person change form ({linked[1]} cases)": f"/admin/people/person/{linked[0]}/change/",
        "person autocomplete": "/admin/autocomplete/?app_label=cases&model_name=participant&field_name=person&term=bay",
    }


def main() -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create_superuser(USERNAME, "bench@example.org", "a long benchmark password")
    user_logged_in.connect(pass_second_factor, dispatch_uid="bench-admin-pages")
    client = Client()
    client.force_login(user)
    print(f"Admin at scale — {Case.objects.count():,} cases, {Person.objects.count():,} persons")
    print(f"{'page':<44} {'status':>6} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    try:
        for name, path in pages().items():
            timings = []
            for _ in range(3):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(path, secure=True)
                    timings.append(time.perf_counter() - started)
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
            print(
                f"{name:<44} {response.status_code:>6} {statistics.median(timings) * 1000:>10.0f} "
                f"{max(timings) * 1000:>8.0f} {len(captured):>8}   "
                f"slowest query {float(slowest['time']) * 1000:.0f} ms: "
                f"{slowest['sql'][:110]}"
            )
    finally:
        User.objects.filter(username=USERNAME).delete()


if __name__ == "__main__":
    main()
