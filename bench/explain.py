"""EXPLAIN ANALYZE of the hot queries, built through the project's own code paths
(the public filters, the API filters and pagination, the statistics, the admin), for
docs/performance.md. Run against a PostgreSQL database with generated data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_scale DEBUG=1 .venv/bin/python bench/explain.py [name …]

Prints, for each query, the plan with timings and a one-line summary (execution time
and the indexes used). Names select a subset (``--list`` shows them)."""

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import statistics  # noqa: E402
from cases.filters import CaseFilter  # noqa: E402
from cases.models import Case, Detention  # noqa: E402
from cases.public_filters import CaseFilterForm, public_cases, search_cases  # noqa: E402
from cases.views import detained_now  # noqa: E402
from kazmonitor.api.pagination import _after, _start  # noqa: E402
from kazmonitor.models import Visibility  # noqa: E402
from people.models import Person  # noqa: E402

PUBLIC = Visibility.PUBLIC


def sample_names() -> tuple[str, str]:
    """A Cyrillic and a Latin name of published people, the same on every run."""
    person = Person.objects.visible_to(PUBLIC).filter(identity_protected=False).order_by("pk")
    cyrillic = person.filter(name__regex=r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі ]+$")[1000]
    latin = person.exclude(name_latin="")[2000]
    return cyrillic.name, latin.name_latin


def api_cases():
    return Case.objects.visible_to(PUBLIC).order_by(F("opened_on").desc(nulls_first=True), F("pk").asc())


def api_deep_page():
    """The 1,000th page of 50 by cursor: the filters the cursor of row 49,950 adds
    (``KeysetPagination.paginate_queryset``)."""
    keys = [("opened_on", True), ("pk", False)]
    row = list(api_cases().values_list("opened_on", "pk")[49_949])
    return api_cases().filter(_after(keys, row, False), _start(api_cases(), keys, row, False))


def queries() -> dict:
    cyrillic, latin = sample_names()
    today = timezone.localdate()
    since = timezone.now() - timezone.timedelta(days=1)
    two_filters = CaseFilterForm({"kind": "criminal", "status": "active"})
    two_filters.is_valid()
    api_since = CaseFilter({"updated_since": since.isoformat()}, queryset=Case.objects.visible_to(PUBLIC))
    api_since.request = None
    return {
        "person_search_cyrillic": lambda: Person.objects.visible_to(PUBLIC).search(cyrillic)[:20],
        "person_search_latin": lambda: Person.objects.visible_to(PUBLIC).search(latin)[:20],
        "case_search_latin": lambda: public_cases().filter(search_cases(latin))[:20],
        "case_search_words": lambda: public_cases().filter(search_cases("riots Almaty"))[:20],
        "case_list_two_filters": lambda: two_filters.filter(public_cases())[:25],
        "case_list_count": lambda: two_filters.filter(public_cases()).order_by().values("pk"),
        "api_case_list": lambda: api_cases()[:51],
        "api_case_page_1000": lambda: api_deep_page()[:51],
        "api_updated_since": lambda: api_since.filter_updated_since(api_cases(), "updated_since", since)[:51],
        "detained_now": lambda: detained_now().order_by("started_on", "person__pk", "pk")[:25],
        "in_custody_count": lambda: Detention.objects.visible_to(PUBLIC).in_custody_on(today).values("pk"),
        "stats_detentions": lambda: (
            statistics.Detention.objects.visible_to(PUBLIC).filter(person__visibility__gte=PUBLIC).values("started_on")
        ),
        "admin_case_changelist": lambda: Case.objects.order_by("-opened_on", "title", "-pk")[:100],
    }


def summary(plan: str) -> str:
    took = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    indexes = sorted(set(re.findall(r"(?:Index|Index Only) Scan (?:Backward )?(?:using|on) (\S+)", plan)))
    seq = sorted(set(re.findall(r"Seq Scan on (\S+)", plan)))
    took = took.group(1) if took else "?"
    return f"{took} ms; indexes: {', '.join(indexes) or '-'}; seq scans: {', '.join(seq) or '-'}"


def main(argv: list[str]) -> None:
    if connection.vendor != "postgresql":
        sys.exit("EXPLAIN ANALYZE plans are for PostgreSQL: set DATABASE_URL.")
    available = queries()
    if "--list" in argv:
        print("\n".join(available))
        return
    chosen = [name for name in argv if not name.startswith("-")] or list(available)
    for name in chosen:
        queryset = available[name]()
        list(queryset)  # warm the cache, as a running site has it
        started = time.perf_counter()
        plan = queryset.explain(analyze=True, buffers=True)
        print(f"=== {name}: {summary(plan)} (explain took {time.perf_counter() - started:.2f} s)")
        if "-q" not in argv:
            print(plan)
            print()


if __name__ == "__main__":
    main(sys.argv[1:])
