"""The search page's rows, read on PostgreSQL from one statement (persons and cases as
JSON arrays, each case row's first participants as JSON objects), come in the order the
public sees: a protected person's place is the pseudonym's, never the real name's, and
more rows than a page holds keep the query's order."""

import datetime

import pytest

from cases.models import Participant
from cases.search_views import LIMIT, PEOPLE_SHOWN
from tests.factories import CaseFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_case_rows_first_participants_are_in_public_name_order_a_protected_one_by_pseudonym(client):
    case = CaseFactory(title="Trial of the Mamai group")
    hidden = PersonFactory(name="Аарон", name_latin="Aaron Aaronov", identity_protected=True, pseudonym="Zhas activist")
    for person in [hidden, *(PersonFactory(name_latin=f"Mamai {letter}") for letter in "EDCB")]:
        ParticipantFactory(case=case, person=person, role=Participant.Role.DEFENDANT)
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Aigul Lawyer"), role=Participant.Role.LAWYER)

    (row,) = client.get("/search/", {"q": "Mamai group"}).context["results"]["cases"]

    assert [(role, person.public_name) for role, person in row.people] == [
        *((Participant.Role.DEFENDANT, f"Mamai {letter}") for letter in "BCDE"),
        (Participant.Role.DEFENDANT, "Zhas activist"),
    ][:PEOPLE_SHOWN]
    assert row.more_people  # the lawyer comes after the defendants


def test_persons_of_equal_rank_come_by_public_name_a_protected_one_by_pseudonym(client):
    hidden = PersonFactory(
        name="Аарон", name_latin="Aaron Mamaev", identity_protected=True, pseudonym="Mamai supporter from Oral"
    )
    named = [PersonFactory(name_latin=f"Mamai {n:02}") for n in range(LIMIT + 3)]

    found = client.get("/search/", {"q": "Mamai"}).context["results"]["persons"]

    assert [person.pk for person in found] == [person.pk for person in named][:LIMIT]
    assert hidden.pk not in [person.pk for person in found]  # after the twenty "Mamai NN"


def test_more_cases_than_a_page_keep_the_newest_first_order(client):
    days = [datetime.date(2022, 1, 1) + datetime.timedelta(days=(n * 7) % 30) for n in range(LIMIT + 5)]
    for n, day in enumerate(days):
        CaseFactory(title=f"Mamai hearing {n:02}", opened_on=day)

    found = client.get("/search/", {"q": "Mamai hearing"}).context["results"]["cases"]

    expected = sorted(((day, f"Mamai hearing {n:02}") for n, day in enumerate(days)), key=lambda pair: pair[0])
    expected = sorted(expected, key=lambda pair: (-pair[0].toordinal(), pair[1]))[:LIMIT]
    assert [(case.opened_on, case.title) for case in found] == expected
