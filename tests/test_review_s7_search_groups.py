"""The searches compiled once (``kazmonitor.search.search_rows``, ``search_groups``) give
each row what the ORM gives, whatever the order of the columns a ``values()`` names and
whatever a column's field makes of the database's value (PostgreSQL: elsewhere the ORM
answers)."""

import datetime

import pytest
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Upper

from cases.search_views import cases_query
from kazmonitor import search
from people.models import Person
from tests.factories import CaseFactory, ParticipantFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


@pytest.fixture
def mamai():
    return PersonFactory(name="Мамай", name_latin="Mamai", birth_year=1959)


def _annotation_first(text):
    """An annotation named before the fields in ``values()``: Django selects the columns
    in the order ``values()`` names them."""
    found = Person.objects.filter(name_latin__icontains=text).annotate(shout=Upper("name_latin"))
    return found.values("shout", "uuid", "birth_year", "created_at__date", "pk").order_by("pk")


def _annotation_first_again(text):
    found = Person.objects.filter(name_latin__icontains=text).annotate(tag=Value("found"))
    return found.values("tag", "uuid", "birth_year", "slug").order_by("pk")


def test_a_search_naming_an_annotation_first_reads_each_column_under_its_own_name(mamai):
    rows = search.search_rows("review s7: annotation first", _annotation_first, "Mamai")

    assert rows == list(_annotation_first("Mamai"))
    assert rows[0]["uuid"] == mamai.uuid
    assert rows[0]["shout"] == "MAMAI"
    assert rows[0]["birth_year"] == 1959


def test_searches_run_together_read_each_column_back_as_its_own_type(mamai):
    searches = {
        "first": ("review s7: annotation first, together", _annotation_first),
        "second": ("review s7: a value first, together", _annotation_first_again),
    }

    together = search.search_groups(searches, "Mamai")

    assert together == {name: list(build("Mamai")) for name, (_shape, build) in searches.items()}
    assert together["first"][0]["uuid"] == mamai.uuid
    assert isinstance(together["first"][0]["created_at__date"], datetime.date)
    assert together["second"][0]["birth_year"] == 1959


class ShoutedName(CharField):
    """A field that makes something of the database's value (as an encrypted or
    normalised field would): only the ORM's converters apply it."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else value.upper()


def _converted(text):
    found = Person.objects.filter(name_latin__icontains=text)
    found = found.annotate(shouted=Cast("name_latin", output_field=ShoutedName(max_length=200)))
    return found.values("pk", "shouted").order_by("pk")


def _plain(text):
    return Person.objects.filter(name_latin__icontains=text).values("pk", "name_latin").order_by("pk")


def test_a_column_whose_field_converts_the_value_is_read_as_the_orm_reads_it(mamai):
    searches = {
        "converted": ("review s7: a converting field", _converted),
        "plain": ("review s7: plain beside a converting field", _plain),
    }

    together = search.search_groups(searches, "Mamai")

    assert together == {name: list(build("Mamai")) for name, (_shape, build) in searches.items()}
    assert together["converted"] == [{"pk": mamai.pk, "shouted": "MAMAI"}]


def test_the_case_search_run_on_its_own_reads_its_first_participants_as_the_orm(mamai):
    """``search_rows`` fetches the compiled SQL's rows itself: a JSON column (the case rows'
    first participants) must still come back as the ORM's objects, not as JSON text."""
    ParticipantFactory(case=CaseFactory(title="Mamai questioned"), person=mamai)

    rows = search.search_rows("search cases", cases_query, "Mamai")

    assert rows == list(cases_query("Mamai"))
    assert [person["uuid"] for person in rows[0]["people"]] == [str(mamai.uuid)]
