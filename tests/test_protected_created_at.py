"""A protected person's ``created_at`` outside the admin is the moment protection began,
never the real record's: a mirror that saw the person under the real name could match
the pseudonym to that row by the timestamp (to the microsecond), or by its place in a
list ordered by ``created_at`` and the cursors of that list. Staff still see the real
one in the admin; lifting protection shows it again."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.admin.utils import display_for_field
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kazmonitor.api.fields import UtcDateTimeField
from kazmonitor.exchange import export_records
from kazmonitor.models import Visibility
from people.models import Person
from tests.admin_pages import page_data
from tests.api_support import anonymous_fixture, body, csv_rows, fresh_rate_limits_fixture  # noqa: F401
from tests.factories import PersonFactory, RecognitionFactory
from tests.test_api_person_cursor import walk

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2022, 3, 1, 9, 0, 0, 123_456, tzinfo=datetime.UTC)
PSEUDONYM = "Activist from Shymkent"


@pytest.fixture(autouse=True)
def no_response_cache(settings):
    settings.API_CACHE_SECONDS = 0


def shown(moment: datetime.datetime) -> str:
    """A time as the API writes it."""
    return UtcDateTimeField().to_representation(moment)


def at(minutes: int, microseconds: int = 0) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes, microseconds=microseconds)


def made_at(moment: datetime.datetime, **kwargs) -> Person:
    with time_machine.travel(moment, tick=False):
        return PersonFactory(**kwargs)


def protect(person: Person, moment: datetime.datetime) -> Person:
    with time_machine.travel(moment, tick=False):
        person.identity_protected, person.pseudonym = True, PSEUDONYM
        person.save()
    return person


def unprotect(person: Person, moment: datetime.datetime) -> Person:
    with time_machine.travel(moment, tick=False):
        person.identity_protected = False
        person.save()
    return person


def world() -> dict[str, Person]:
    """Created in this order: early, real (protected later), late; then a person created
    at the very moment the real one is protected (an equal shown time: the id decides),
    and one nobody outside may see."""
    early = made_at(at(0, 1), name_latin="Early Public")
    real = made_at(at(10, 2), name_latin="Real Name", name="Настоящее Имя")
    late = made_at(at(20, 3), name_latin="Late Public")
    same_moment = made_at(at(30, 4), name_latin="Same Moment")
    made_at(at(25), name_latin="Hidden", visibility=Visibility.INTERNAL)
    protect(real, at(30, 4))
    return {"early": early, "real": real, "late": late, "same_moment": same_moment}


def names(rows) -> list[str]:
    return [row["name"] for row in rows]


def test_protection_sets_protected_at_and_leaves_the_real_created_at_alone():
    real = world()["real"]
    real.refresh_from_db()

    assert real.protected_at == at(30, 4)
    assert real.created_at == at(10, 2)
    assert real.public_created_at == at(30, 4)


def test_the_list_and_detail_show_when_protection_began_never_the_real_created_at(anonymous):
    real = world()["real"]
    listing = anonymous.get("/api/v1/persons/")
    (row,) = [row for row in listing.json()["results"] if row["pseudonymous"]]
    detail = anonymous.get(row["url"])

    assert row["created_at"] == shown(at(30, 4))
    assert detail.json()["created_at"] == shown(at(30, 4))
    for response in (listing, detail):
        assert shown(real.created_at) not in body(response)


def test_the_csv_export_shows_when_protection_began_never_the_real_created_at(anonymous):
    real = world()["real"]
    rows = csv_rows(anonymous.get("/api/v1/persons/?format=csv"))

    (row,) = [row for row in rows if row["pseudonymous"] == "true"]
    assert row["created_at"] == shown(at(30, 4))
    assert shown(real.created_at) not in str(rows)


def test_ordering_by_created_at_places_a_protected_person_by_protected_at(anonymous):
    world()
    # Before protection the real name stood between "Early Public" and "Late Public".
    expected = ["Early Public", "Late Public", PSEUDONYM, "Same Moment"]  # an equal time: the id decides

    up = anonymous.get("/api/v1/persons/?ordering=created_at").json()["results"]
    down = anonymous.get("/api/v1/persons/?ordering=-created_at").json()["results"]

    assert names(up) == expected
    assert [row["created_at"] for row in up] == sorted(row["created_at"] for row in up)
    # Descending by the time; ties still by ascending id, as every API order.
    assert names(down) == [PSEUDONYM, "Same Moment", "Late Public", "Early Public"]


@pytest.mark.parametrize("ordering", ["created_at", "-created_at"])
def test_a_cursor_walk_by_created_at_returns_every_visible_person_once(anonymous, ordering):
    world()
    everyone = anonymous.get(f"/api/v1/persons/?ordering={ordering}").json()["results"]
    assert len(everyone) == 4

    for size in (1, 2, 3):
        rows = walk(anonymous, f"/api/v1/persons/?ordering={ordering}&page_size={size}")
        assert [row["id"] for row in rows] == [row["id"] for row in everyone], size
        last = anonymous.get(f"/api/v1/persons/?ordering={ordering}&page_size={size}").json()
        while last["next"]:
            last = anonymous.get(last["next"]).json()
        back = walk(anonymous, last["previous"], key="previous") if last["previous"] else []
        assert sorted(row["id"] for row in back + last["results"]) == sorted(row["id"] for row in everyone), size


def test_a_deep_page_by_created_at_asks_for_a_range_starting_at_the_shown_time(anonymous):
    world()
    first = anonymous.get("/api/v1/persons/?ordering=created_at&page_size=2").json()

    with CaptureQueriesContext(connection) as captured:
        second = anonymous.get(first["next"]).json()

    assert names(second["results"]) == [PSEUDONYM, "Same Moment"]
    listing = next(q["sql"] for q in captured if 'FROM "people_person"' in q["sql"] and "LIMIT 3" in q["sql"])
    assert "END >= " in listing  # the plain bound an index range can start at


def test_the_created_at_order_can_be_read_from_its_index_on_postgresql(anonymous):
    world()
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    if connection.vendor != "postgresql":
        assert "person_api_created_idx" not in indexes
        return
    with CaptureQueriesContext(connection) as captured:
        anonymous.get("/api/v1/persons/?ordering=created_at&page_size=2")
    (sql,) = [
        q["sql"] for q in captured.captured_queries if 'FROM "people_person"' in q["sql"] and "LIMIT 3" in q["sql"]
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using person_api_created_idx" in plan
    assert " Sort " not in f" {plan} ".replace("\n", " ")


def test_lifting_protection_shows_the_real_created_at_again(anonymous):
    real = unprotect(world()["real"], at(40))
    real.refresh_from_db()
    rows = anonymous.get("/api/v1/persons/?ordering=created_at").json()["results"]

    assert real.protected_at is None
    assert names(rows) == ["Early Public", "Real Name", "Late Public", "Same Moment"]
    assert rows[1]["created_at"] == shown(at(10, 2))
    assert rows[1]["id"] == str(real.uuid)


def test_protecting_again_starts_from_the_new_moment(anonymous):
    real = protect(unprotect(world()["real"], at(40)), at(50, 5))
    rows = anonymous.get("/api/v1/persons/?ordering=created_at").json()["results"]

    assert real.protected_at == at(50, 5)
    assert names(rows) == ["Early Public", "Late Public", "Same Moment", PSEUDONYM]
    assert rows[-1]["created_at"] == shown(at(50, 5))


def test_a_protected_person_made_so_at_once_is_shown_as_created_then(anonymous):
    person = made_at(at(5), name_latin="Never Public", identity_protected=True, pseudonym=PSEUDONYM)

    (row,) = anonymous.get("/api/v1/persons/").json()["results"]
    assert person.protected_at == person.created_at == at(5)
    assert row["created_at"] == shown(at(5))


def test_records_naming_a_protected_person_show_no_created_at_of_theirs(anonymous):
    real = world()["real"]
    RecognitionFactory(person=real)
    text = body(anonymous.get("/api/v1/recognitions/"))

    assert PSEUDONYM in text
    assert shown(real.created_at) not in text


def test_the_public_json_export_shows_when_protection_began():
    real = world()["real"]
    persons = export_records(Visibility.PUBLIC)["records"]["people.person"]
    (row,) = [row for row in persons if row["identity_protected"]]

    assert row["created_at"] == row["protected_at"] == at(30, 4).isoformat()
    assert real.created_at.isoformat() not in str(persons)
    internal = export_records(Visibility.INTERNAL)["records"]["people.person"]
    (staff_row,) = [row for row in internal if row["identity_protected"]]
    assert staff_row["created_at"] == at(10, 2).isoformat()  # the full backup keeps the real one


def test_a_protected_person_cannot_be_stored_without_protected_at():
    person = PersonFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(identity_protected=True, pseudonym=PSEUDONYM)


def test_the_admin_shows_staff_the_real_created_at_and_protected_at_read_only(editor_client):
    real = world()["real"]
    url = reverse("admin:people_person_change", args=[real.pk])
    response = editor_client.get(url)
    html = response.content.decode("utf-8")

    assert response.status_code == HTTPStatus.OK
    assert display_for_field(real.created_at, Person._meta.get_field("created_at"), "-") in html
    assert display_for_field(real.protected_at, Person._meta.get_field("protected_at"), "-") in html
    assert 'name="protected_at"' not in html and 'name="created_at"' not in html


def test_protecting_in_the_admin_sets_protected_at_and_a_forged_value_is_ignored(editor_client):
    person = made_at(at(0), name_latin="Real Name")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = page_data(editor_client.get(url))
    data.update(identity_protected="on", pseudonym=PSEUDONYM, protected_at="2000-01-01 00:00:00")

    with time_machine.travel(at(60, 6), tick=False):
        response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.identity_protected
    assert person.protected_at == at(60, 6)
    assert person.created_at == at(0)


def test_model_validation_of_a_newly_protected_person_passes_as_spreadsheet_imports_run_it():
    person = PersonFactory()
    person.identity_protected, person.pseudonym = True, PSEUDONYM

    person.full_clean()  # checks person_protected_has_protected_at too

    assert person.protected_at is not None
