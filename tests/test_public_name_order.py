"""Persons in public lists are ordered by the name the public sees: a protected
person's pseudonym, never the real name, whose place in the alphabet would tell
something about who is behind the pseudonym."""

import re

import pytest

from kazmonitor.models import Visibility
from people.models import Person
from tests.factories import CaseFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_a_witness():
    case = CaseFactory(title="Trial of the Zhanaozen strikers")
    protected = PersonFactory(
        name="Аарон Реал", name_latin="Aaron Real", identity_protected=True, pseudonym="Zz Witness"
    )
    ParticipantFactory(case=case, person=protected)
    for name in ("Bek", "Cem", "Dar", "Ela", "Fia", "Gul"):
        ParticipantFactory(case=case, person=PersonFactory(name=name, name_latin=name))
    return case


def named(html: str) -> list[str]:
    return re.findall(r'<a href="/persons/[^"]*">([^<]+)</a> <span class="role">', html)


def test_a_case_row_names_a_protected_person_by_pseudonym_at_the_pseudonyms_place(client, case_with_a_witness):
    row = client.get("/cases/").content.decode()

    assert named(row) == ["Bek", "Cem", "Dar", "Ela", "Fia", "Gul", "Zz Witness"]
    assert "Aaron" not in row and "Аарон" not in row


def test_the_search_page_shows_the_first_five_by_the_name_the_public_sees(client, case_with_a_witness):
    page = client.get("/search/", {"q": "Zhanaozen strikers"}).content.decode()

    assert named(page) == ["Bek", "Cem", "Dar", "Ela", "Fia"]  # the pseudonym sorts last, behind "…"
    assert "Aaron" not in page and "Zz Witness" not in page


def test_public_person_search_breaks_ties_by_the_name_the_public_sees():
    PersonFactory(name="Аарон Реал", name_latin="Aaron Real", identity_protected=True, pseudonym="Witness Z")
    PersonFactory(name="Witness Y", name_latin="Witness Y")  # the same rank: the name starts with the text

    found = Person.objects.visible_to(Visibility.PUBLIC).search("Witness")

    assert [person.public_name for person in found] == ["Witness Y", "Witness Z"]
