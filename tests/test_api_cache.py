"""The API's response cache: a repeated request is served without building the
response again, and any change to the records (a save, a withdrawal, a tag added, a
person protected) shows in the very next response, at every level."""

import pytest
from django.core.cache import cache

from cases.models import Case
from kazmonitor import generation
from kazmonitor.models import Visibility
from people.models import ApiKey
from tests.api_support import (  # noqa: F401
    anonymous_fixture,
    client_for,
    fresh_rate_limits_fixture,
    ids,
    make_key,
    partner_key_fixture,
)
from tests.factories import CaseFactory, ParticipantFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.API_CACHE_SECONDS = 300


def test_a_repeated_request_is_served_from_the_cache_with_one_query(anonymous, django_assert_num_queries):
    case = CaseFactory(title="Dispersal in Almaty")
    first = anonymous.get("/api/v1/cases/")
    with django_assert_num_queries(1):  # the database's content counter, nothing else
        again = anonymous.get("/api/v1/cases/")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert ids(again) == [str(case.uuid)]
    detail = anonymous.get(f"/api/v1/cases/{case.uuid}/")
    with django_assert_num_queries(1):
        assert anonymous.get(f"/api/v1/cases/{case.uuid}/").content == detail.content


def test_a_withdrawn_case_is_gone_from_the_next_response(anonymous):
    kept, withdrawn = CaseFactory(), CaseFactory()
    assert set(ids(anonymous.get("/api/v1/cases/"))) == {str(kept.uuid), str(withdrawn.uuid)}
    assert anonymous.get(f"/api/v1/cases/{withdrawn.uuid}/").status_code == 200

    withdrawn.visibility = Visibility.INTERNAL
    withdrawn.save()

    assert ids(anonymous.get("/api/v1/cases/")) == [str(kept.uuid)]
    assert anonymous.get(f"/api/v1/cases/{withdrawn.uuid}/").status_code == 404


def test_a_bulk_update_or_raw_sql_that_sends_no_signals_still_shows_at_once(anonymous):
    from django.db import connection

    case, other = CaseFactory(), CaseFactory()
    assert len(ids(anonymous.get("/api/v1/cases/"))) == 2
    Case.objects.filter(pk=case.pk).update(visibility=Visibility.INTERNAL)
    assert ids(anonymous.get("/api/v1/cases/")) == [str(other.uuid)]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET title = %s WHERE id = %s", ["Renamed by SQL", other.pk])
    assert anonymous.get(f"/api/v1/cases/{other.uuid}/").json()["title"] == "Renamed by SQL"


def test_every_table_of_records_has_the_trigger_and_api_keys_have_none(db):
    from django.db import connection

    from people.models import ApiKey

    tables = generation.content_tables()
    assert {"cases_case", "people_person", "cases_case_tags", "kazmonitor_source", "cases_extension"} <= set(tables)
    assert ApiKey._meta.db_table not in tables
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'kazmonitor_content_changed'"
            )
            triggered = {name.strip('"') for (name,) in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_content_%'"
            )
            triggered = {name for (name,) in cursor.fetchall()}
    assert triggered == set(tables)


def test_a_deleted_case_is_gone_and_its_tombstone_listed(anonymous):
    case = CaseFactory()
    assert ids(anonymous.get("/api/v1/cases/")) == [str(case.uuid)]
    assert anonymous.get("/api/v1/deleted/").json()["results"] == []
    uuid = str(case.uuid)
    case.delete()
    assert ids(anonymous.get("/api/v1/cases/")) == []
    assert [row["id"] for row in anonymous.get("/api/v1/deleted/").json()["results"]] == [uuid]


def test_tags_added_or_renamed_show_at_once(anonymous):
    case = CaseFactory()
    url = f"/api/v1/cases/{case.uuid}/"
    assert anonymous.get(url).json()["tags"] == []
    tag = TagFactory(name="Bloody January", slug="bloody-january")
    case.tags.add(tag)  # a many-to-many change: no save of the case itself
    assert [t["name"] for t in anonymous.get(url).json()["tags"]] == ["Bloody January"]
    tag.name = "January 2022"
    tag.save()
    assert [t["name"] for t in anonymous.get(url).json()["tags"]] == ["January 2022"]


def test_a_person_protected_after_caching_appears_only_by_pseudonym(anonymous):
    case = CaseFactory()
    person = PersonFactory(name="Marker Realname", pseudonym="Activist A")
    ParticipantFactory(case=case, person=person)
    url = f"/api/v1/cases/{case.uuid}/"
    assert "Marker Realname" in anonymous.get(url).content.decode()

    person.identity_protected = True
    person.save()

    text = anonymous.get(url).content.decode()
    assert "Marker Realname" not in text
    assert "Activist A" in text


def test_each_level_has_its_own_responses(anonymous, partner_key):
    public = CaseFactory()
    partners_only = CaseFactory(visibility=Visibility.PARTNERS)
    assert ids(anonymous.get("/api/v1/cases/")) == [str(public.uuid)]
    assert set(ids(partner_key.get("/api/v1/cases/"))) == {str(public.uuid), str(partners_only.uuid)}
    assert ids(anonymous.get("/api/v1/cases/")) == [str(public.uuid)]
    assert anonymous.get(f"/api/v1/cases/{partners_only.uuid}/").status_code == 404
    assert partner_key.get(f"/api/v1/cases/{partners_only.uuid}/").status_code == 200


def test_a_revoked_key_is_refused_even_for_a_cached_response(settings):
    from django.utils import timezone

    CaseFactory()
    key, plain = make_key(Visibility.PARTNERS)
    client = client_for(plain)
    assert client.get("/api/v1/cases/").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    refused = client.get("/api/v1/cases/")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_cached_responses_still_count_against_the_rate_limit(settings, anonymous):
    settings.API_RATE_LIMITS = {"anonymous": 2, "public": 10, "partners": 10}
    CaseFactory()
    assert anonymous.get("/api/v1/cases/").status_code == 200
    assert anonymous.get("/api/v1/cases/").status_code == 200
    limited = anonymous.get("/api/v1/cases/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1


def test_searches_are_never_kept(anonymous, django_assert_max_num_queries):
    PersonFactory(name="Жанболат Мамай")
    assert len(anonymous.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    assert not [key for key in cache._cache if "api-response" in str(key)]  # locmem internals
    with django_assert_max_num_queries(10) as captured:
        anonymous.get("/api/v1/persons/?q=Mamai")
    assert len(captured) > 0


def test_errors_are_not_kept(anonymous):
    case_uuid = "3f0e6f7c-1c4a-4d51-9d7e-2b8f0a9e5c11"
    assert anonymous.get(f"/api/v1/cases/{case_uuid}/").status_code == 404
    CaseFactory(uuid=case_uuid)
    assert anonymous.get(f"/api/v1/cases/{case_uuid}/").status_code == 200
    assert anonymous.get("/api/v1/cases/?opened_after=2022-13-45").status_code == 400


def test_zero_seconds_turns_the_cache_off(settings, anonymous, django_assert_max_num_queries):
    settings.API_CACHE_SECONDS = 0
    CaseFactory()
    anonymous.get("/api/v1/cases/")
    with django_assert_max_num_queries(10) as captured:
        anonymous.get("/api/v1/cases/")
    assert len(captured) > 0


def test_a_bulk_import_raises_the_generation(db):
    from kazmonitor.exchange import import_records

    before = generation.current()
    import_records({"format": "kazmonitor-export", "version": 1, "records": {}})
    assert generation.current() > before


def test_api_key_use_does_not_make_responses_stale(partner_key):
    from django.utils import timezone

    CaseFactory()
    partner_key.get("/api/v1/cases/")
    before = generation.current()
    ApiKey.objects.get().save()
    ApiKey.objects.update(last_used_at=timezone.now())
    assert generation.current() == before


def test_status_answers_with_the_readers_level(anonymous, partner_key, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous.get("/api/v1/status/")
    assert response.json() == {"status": "ok", "level": "public"}
    assert partner_key.get("/api/v1/status/").json() == {"status": "ok", "level": "partners"}
    assert client_for(make_key(Visibility.PUBLIC)[1]).get("/api/v1/status/").json()["level"] == "public"
    assert client_for("not-a-key").get("/api/v1/status/").status_code == 401
    assert anonymous.post("/api/v1/status/").status_code == 405
