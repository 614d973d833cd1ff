"""The search page's queries prepared and planned once per connection (PostgreSQL,
``SEARCH_PREPARED_PLANS``, kazmonitor/prepared.py): the same page, byte for byte, as
when every query is planned again, for hostile texts too; the same queries counted;
and the statements really are prepared with a generic plan (planned once), not
re-planned on every run."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kazmonitor import prepared
from kazmonitor.models import Visibility
from tests.factories import CaseFactory, OrganizationFactory, ParticipantFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

TEXTS = (
    "Жанболат Мамай",
    "Zhanbolat Mamai",
    "mamai",
    "Almaty trial",
    "50% of _all_ \\ cases",
    'O\'Neil "quoted"',
    "Қасым\tМұсабеков",
    "zq_xz",  # the stand-in the searches are compiled with
)


@pytest.fixture
def records(db):
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    hidden = PersonFactory(name="Қасым Мұсабеков", identity_protected=True, pseudonym="Witness Q")
    for n, person in enumerate((mamai, hidden, PersonFactory(name="Internal Mamai", visibility=Visibility.INTERNAL))):
        ParticipantFactory(person=person, case=CaseFactory(title=f"Almaty trial {n}: 50% of _all_ \\ cases"))
    OrganizationFactory(name="Mamai Foundation")


def pages(client, settings, prepared: bool) -> dict[str, bytes]:
    settings.SEARCH_PREPARED_PLANS = prepared
    return {text: client.get("/search/", {"q": text}).content for text in TEXTS}


def test_prepared_searches_answer_exactly_what_planned_ones_do(records, client, settings):
    planned = pages(client, settings, prepared=False)
    connection.connection.prepare_threshold = None  # as a new connection: the session set up again
    prepared = pages(client, settings, prepared=True)
    again = pages(client, settings, prepared=True)  # the prepared statements run a second time

    assert prepared == planned
    assert again == planned
    assert b"Zhanbolat Mamai" in planned["mamai"]
    assert b"Witness Q" not in planned["mamai"] and "Мұсабеков".encode() not in planned["mamai"]


def test_the_search_statements_are_prepared_and_planned_once(records, client, settings):
    settings.SEARCH_PREPARED_PLANS = True
    connection.connection.prepare_threshold = None
    for _ in range(3):
        assert client.get("/search/", {"q": "Zhanbolat Mamai"}).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        statements = cursor.fetchall()
    assert len(statements) == 1  # the five searches as one statement (search_groups)
    assert all(generic == 3 and custom == 0 for _statement, generic, custom in statements), statements


def test_the_same_queries_are_counted(records, client, settings):
    counts = {}
    for planned_once in (False, True):
        settings.SEARCH_PREPARED_PLANS = planned_once
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": "Zhanbolat Mamai"})
        counts[planned_once] = [query["sql"].split(" FROM ", 1)[-1][:40] for query in captured]
    assert counts[True] == counts[False]
    assert len(counts[True]) == 1


def test_django_placeholders_become_postgresql_ones_and_a_literal_percent_stays():
    sql = "SELECT %s, '50%%', x LIKE %s, %s::text[] FROM t WHERE y = '%%s'"

    assert prepared.native(sql) == "SELECT $1, '50%', x LIKE $2, $3::text[] FROM t WHERE y = '%s'"
    with prepared.cursor(connection) as cursor:
        cursor.execute("SELECT %s || '%%' || %s, '%%s'", ["50", "!"])
        assert cursor.fetchone() == ("50%!", "%s")


def test_a_rolled_back_transaction_does_not_leave_the_statements_planned_every_time(records, client, settings):
    """``SET plan_cache_mode`` inside a transaction is undone by its rollback: the next
    search sets it again instead of running the prepared statements with custom plans (a
    plan per run: slower, never wrong). In production searches run in autocommit."""
    settings.SEARCH_PREPARED_PLANS = True
    connection.connection.prepare_threshold = None  # as a new connection
    with pytest.raises(RuntimeError), transaction.atomic():
        assert client.get("/search/", {"q": "Zhanbolat Mamai"}).status_code == 200
        raise RuntimeError("rolled back")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"  # the rollback undid it

    assert client.get("/search/", {"q": "Zhanbolat Mamai"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements")
        plans = cursor.fetchall()
    assert plans and all(generic >= 1 and custom == 0 for generic, custom in plans), plans
