"""API cursors are sealed: encrypted and authenticated under a key drawn from
SECRET_KEY. A cursor shows nothing of the row it ends on (a person's database id does
not change when their identity is protected, so a readable cursor ending on them before
and one after would link the real name to the pseudonym); a changed or foreign cursor is
a 400; one row's cursor is the same text every time (answers stay cacheable); cursors
issued before sealing, readable base64 JSON, are refused: made by hand they would find ids."""

import base64
import json

import pytest

from kazmonitor.api.pagination import SEALED
from people.models import Person
from tests.api_support import anonymous_fixture  # noqa: F401 — the ``anonymous`` client
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def cursor_of(link: str) -> str:
    return link.split("cursor=")[1].split("&")[0]


def readable_bytes(cursor: str) -> bytes:
    """Whatever base64 of the cursor's text gives (a readable cursor was JSON there)."""
    return base64.urlsafe_b64decode(cursor.removeprefix(SEALED) + "==")


@pytest.fixture
def persons(db):
    return [PersonFactory(name=f"Person {n}", name_latin=f"Latin Name {n}") for n in range(5)]


def test_a_cursor_shows_nothing_of_the_row_it_ends_on(anonymous, persons):
    page = anonymous.get("/api/v1/persons/?page_size=2").json()
    cursor = cursor_of(page["next"])
    last = Person.objects.get(uuid=page["results"][-1]["id"])

    assert cursor.startswith(SEALED)
    hidden = readable_bytes(cursor)
    assert b"Latin Name" not in hidden and b'"p"' not in hidden and b"api_name" not in hidden
    assert f'"{last.name_latin}",{last.pk}]'.encode() not in hidden  # what a readable cursor held
    with pytest.raises(ValueError):
        json.loads(hidden)


def test_a_person_protected_between_two_walks_ends_a_page_under_an_unrelated_cursor(anonymous, persons):
    first = cursor_of(anonymous.get("/api/v1/persons/?page_size=1").json()["next"])
    again = cursor_of(anonymous.get("/api/v1/persons/?page_size=1").json()["next"])
    assert again == first  # the same row, the same text: answers stay byte-identical

    person = Person.objects.get(name_latin="Latin Name 0")  # first by name
    person.identity_protected, person.pseudonym = True, "A. Witness"
    person.save()

    page = anonymous.get("/api/v1/persons/?page_size=1").json()
    assert page["results"][0]["name"] == "A. Witness"
    after = cursor_of(page["next"])
    assert after != first
    # Nothing the two cursors share beyond their version mark.
    assert readable_bytes(after)[:16] != readable_bytes(first)[:16]


def test_a_changed_or_foreign_cursor_is_a_400(anonymous, persons, settings):
    cursor = cursor_of(anonymous.get("/api/v1/persons/?page_size=2").json()["next"])
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    for bad in (flipped, cursor[:-4], SEALED, SEALED + "!!", cursor + "A"):
        response = anonymous.get("/api/v1/persons/", {"cursor": bad})
        assert response.status_code == 400, bad
        assert "cursor" in response.json()
    assert anonymous.get("/api/v1/persons/", {"cursor": cursor}).status_code == 200

    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    # (another page size: the answer just given may be kept in the response cache)
    assert anonymous.get("/api/v1/persons/", {"cursor": cursor, "page_size": 3}).status_code == 400


def test_walking_with_sealed_cursors_returns_every_case_once(anonymous):
    cases = [CaseFactory() for _ in range(7)]
    seen, url = [], "/api/v1/cases/?page_size=3"
    while url:
        page = anonymous.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        assert url is None or cursor_of(url).startswith(SEALED)
    assert sorted(seen) == sorted(str(case.uuid) for case in cases)


def test_a_readable_or_hand_made_cursor_is_refused(anonymous, persons):
    """Readable cursors (as issued before sealing) are no longer taken: made by hand, one
    positioned at a chosen database id would tell, by the row that comes next, the id of
    any person, a protected one included, and so link the pseudonym to the real name."""
    ordered = sorted(persons, key=lambda person: (person.name_latin, person.pk))
    second = ordered[1]
    payload = {"o": "api_name,pk", "p": [second.name_latin, second.pk], "r": False}
    readable = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    response = anonymous.get("/api/v1/persons/", {"cursor": readable, "page_size": 2})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]
    sealed = anonymous.get("/api/v1/persons/", {"page_size": 2}).json()["next"]
    assert anonymous.get(sealed).status_code == 200
