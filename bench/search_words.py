"""The text searches by trigram and by words (cases 0015, people 0008), side by side.

For each searched text, runs the ids query of the case search (``Case.objects.search_ids``:
titles and summaries in every language, the case number, the persons named) and of the
name search (``Person.objects.matching_ids``) both ways in one process, alternating, and
prints the median execution time of each (``EXPLAIN ANALYZE``, warm cache), their ratio,
and whether both found the same ids. Run against a migrated PostgreSQL database with
generated data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_perf DEBUG=1 .venv/bin/python bench/search_words.py [text …]

The trigram way is what the code does for a text without a word of three letters
(``kazmonitor.search.has_word`` made to answer no)."""

import os
import re
import statistics
import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from cases.models import Case  # noqa: E402
from kazmonitor.models import Visibility  # noqa: E402
from people.models import Person  # noqa: E402

PUBLIC = Visibility.PUBLIC
ROUNDS = 7


def sample_texts() -> list[str]:
    """Names of published people as the benchmark picks them, a surname, a part of a
    word, two common words and a title fragment."""
    persons = Person.objects.visible_to(PUBLIC).filter(identity_protected=False).order_by("pk")
    cyrillic = persons.filter(name__regex=r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі ]+$")[1000].name
    latin = persons.exclude(name_latin="")[2000].name_latin
    return [cyrillic, latin, latin.split()[-1], latin.split()[-1][1:6], "riots Almaty", "Almaty", "174"]


@contextmanager
def trigram_only():
    with (
        mock.patch("cases.models.case.has_word", return_value=False),
        mock.patch("people.models.has_word", return_value=False),
    ):
        yield


def execution_ms(queryset) -> float:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))


def compare(label: str, build) -> None:
    timings = {"trigram": [], "words": []}
    found = {}
    for _ in range(ROUNDS):
        with trigram_only():
            query = build()
            timings["trigram"].append(execution_ms(query))
            found["trigram"] = set(query.values_list("pk", flat=True))
        query = build()
        timings["words"].append(execution_ms(query))
        found["words"] = set(query.values_list("pk", flat=True))
    trigram, words = (statistics.median(timings[way]) for way in ("trigram", "words"))
    same = "same" if found["trigram"] == found["words"] else "DIFFERENT"
    print(f"{label:48} {trigram:9.2f} {words:9.2f} {trigram / words:7.1f}× {len(found['words']):7,} {same}")


def main(texts: list[str]) -> None:
    texts = texts or sample_texts()
    print(f"{Case.objects.count():,} cases, {Person.objects.count():,} persons; median of {ROUNDS}, ms")
    print(f"{'query':48} {'trigram':>9} {'words':>9} {'ratio':>8} {'ids':>7}")
    for text in texts:
        compare(f"cases  {text!r}", lambda text=text: Case.objects.search_ids(text, level=PUBLIC).order_by("pk"))
        compare(f"names  {text!r}", lambda text=text: Person.objects.visible_to(PUBLIC).matching(text).order_by("pk"))


if __name__ == "__main__":
    main(sys.argv[1:])
