"""The admin at scale: case search is a set of indexed lookups (no join, no DISTINCT)
that still finds cases by title, number, or any name of a person in any script —
including protected persons' real names, for staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CaseFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db


def found(client, term: str) -> str:
    response = client.get("/admin/cases/case/", {"q": term})
    assert response.status_code == 200
    return response.content.decode()


def test_admin_case_search_finds_by_title_number_and_any_name_in_any_script(superuser_client):
    CaseFactory(title="Trial of the Oyan Qazaqstan activists")
    CaseFactory(title="Numbered", case_number="227100031000777")
    named = CaseFactory(title="Case with a hidden defendant")
    protected = PersonFactory(
        name="Жанболат Мамай", name_latin="Zhanbolat Mamai", identity_protected=True, pseudonym="Editor"
    )
    ParticipantFactory(case=named, person=protected)
    CaseFactory(title="Unrelated")

    assert "Oyan Qazaqstan" in found(superuser_client, "qazaqstan oyan")  # every word, any order
    assert "Numbered" in found(superuser_client, "227100031000777")
    page = found(superuser_client, "Мамай")
    assert "Case with a hidden defendant" in page and "Unrelated" not in page
    assert "Case with a hidden defendant" in found(superuser_client, "Mamay")
    assert "Oyan Qazaqstan" not in found(superuser_client, "oyan mamai")


def test_admin_case_search_asks_no_distinct_and_no_join(superuser_client):
    CaseFactory(title="Trial of the Oyan Qazaqstan activists")

    with CaptureQueriesContext(connection) as captured:
        found(superuser_client, "oyan")

    listing = [q["sql"] for q in captured if 'FROM "cases_case"' in q["sql"] and "cases_participant" in q["sql"]]
    assert listing and not any('SELECT DISTINCT "cases_case"."id"' in sql for sql in listing)
    assert not any('JOIN "cases_participant"' in sql for sql in listing)
