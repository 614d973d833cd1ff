"""Exports: admin lists as CSV/XLSX, and the full JSON export at each visibility level."""

import csv
import io
import json
from http import HTTPStatus

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Case
from kazmonitor.admin_spreadsheets import SpreadsheetExportMixin
from kazmonitor.api.ids import masked_uuid
from kazmonitor.exchange import SPECS, export_records, import_records, is_confidential
from kazmonitor.models import Visibility
from tests.factories import CaseFactory, PersonFactory
from tests.full_record import INTERNAL_ONLY_MARKERS, PARTNERS_MARKERS, build_full_record
from tests.test_backup import wipe_database

pytestmark = pytest.mark.django_db

OUR_ADMINS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__ in {"people.admin", "cases.admin"}
    ),
    key=lambda m: m._meta.label,
)


def export_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Admin lists --------------------------------------------------------------------


@pytest.mark.parametrize("model", OUR_ADMINS, ids=lambda m: m._meta.label)
def test_every_admin_list_exports_csv_and_xlsx_without_derived_keys(superuser_client, model):
    assert isinstance(admin.site._registry[model], SpreadsheetExportMixin)
    build_full_record()
    changelist = superuser_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert export_url(model) in changelist.content.decode()

    as_csv = superuser_client.post(export_url(model), {"format": "0", "resource": "0"})
    assert as_csv.status_code == HTTPStatus.OK
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = read_csv(as_csv)
    assert len(rows) == model._default_manager.count()
    header = as_csv.content.decode("utf-8-sig").splitlines()[0]
    assert "name_key" not in header and "pseudonym_key" not in header

    as_xlsx = superuser_client.post(export_url(model), {"format": "1", "resource": "0"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.max_row == len(rows) + 1


def test_the_export_holds_the_filtered_and_searched_rows_only(researcher_client):
    CaseFactory(title="Published case", visibility=Visibility.PUBLIC)
    CaseFactory(title="Draft case", visibility=Visibility.INTERNAL, kind="administrative")
    CaseFactory(title="Other draft", visibility=Visibility.INTERNAL)

    response = researcher_client.post(f"{export_url(Case)}?visibility__exact=0&q=draft", {"format": "0"})
    assert sorted(row["title"] for row in read_csv(response)) == ["Draft case", "Other draft"]

    response = researcher_client.post(
        f"{export_url(Case)}?visibility__exact=0&kind__exact=administrative", {"format": "0"}
    )
    assert [row["title"] for row in read_csv(response)] == ["Draft case"]


@pytest.mark.parametrize("model", OUR_ADMINS, ids=lambda m: m._meta.label)
def test_list_exports_take_a_fixed_number_of_queries(superuser_client, django_assert_max_num_queries, model):
    build_full_record()
    superuser_client.post(export_url(model), {"format": "0"})  # warm up sessions and content types
    with django_assert_max_num_queries(60) as few:
        superuser_client.post(export_url(model), {"format": "0"})
    build_full_record(suffix="-2")
    with django_assert_max_num_queries(len(few.captured_queries)):
        superuser_client.post(export_url(model), {"format": "0"})


def test_a_person_list_export_is_written_in_the_import_columns(editor_client):
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", internal_notes="staff only")
    response = editor_client.post(export_url(type(person)), {"format": "0"})
    (row,) = read_csv(response)
    assert row["uuid"] == str(person.uuid)
    assert row["name"] == "Жанболат Мамай"
    assert row["internal_notes"] == "staff only"  # the admin is staff-only; staff see everything
    assert row["visibility"] == "public"


def test_staff_without_view_permission_cannot_export(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="a long test password", is_staff=True)
    CaseFactory(title="Not for this user")
    client.force_login(user)
    response = client.post(export_url(Case), {"format": "0"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"Not for this user" not in response.content


# --- Full JSON export at a level ------------------------------------------------------


def exported_text(level) -> str:
    return json.dumps(export_records(level), ensure_ascii=False)


def test_internal_export_holds_everything_including_confidential_fields():
    build_full_record()
    text = exported_text(Visibility.INTERNAL)
    for marker in INTERNAL_ONLY_MARKERS + PARTNERS_MARKERS:
        assert marker in text, marker


@pytest.mark.parametrize("level", [Visibility.PUBLIC, Visibility.PARTNERS])
def test_exports_below_internal_hold_no_internal_record_confidential_field_or_protected_name(level):
    record = build_full_record()
    payload = export_records(level)
    text = json.dumps(payload, ensure_ascii=False)

    for marker in INTERNAL_ONLY_MARKERS:
        assert marker not in text, marker
    for marker in PARTNERS_MARKERS:
        assert (marker in text) == (level == Visibility.PARTNERS), marker
    for rows in payload["records"].values():
        for row in rows:
            assert row.get("visibility", level) >= level
            assert not any(is_confidential_name(name) for name in row)
    assert str(record.protected.uuid) not in text
    assert "kazmonitor.oldslug" not in payload["records"] and "kazmonitor.tombstone" not in payload["records"]


def is_confidential_name(name: str) -> bool:
    return name in {"internal_notes", "contacts", "provenance_notes", "name_key", "pseudonym_key"}


def test_protected_person_is_exported_under_the_pseudonym_and_the_api_identifier():
    record = build_full_record()
    records = export_records(Visibility.PUBLIC)["records"]
    masked = str(masked_uuid(record.protected.uuid))
    (person,) = [p for p in records["people.person"] if p["uuid"] == masked]
    assert (person["name"], person["name_latin"], person["birth_year"]) == ("Activist from Shymkent", "", None)
    assert person["slug"] == f"protected-{masked_uuid(record.protected.uuid).hex}"
    (event,) = records["cases.event"]
    assert event["person"] == masked


def test_links_to_records_the_reader_may_not_see_are_left_out():
    record = build_full_record()
    records = export_records(Visibility.PUBLIC)["records"]
    (detention,) = [d for d in records["cases.detention"] if d["uuid"] == str(record.detention.uuid)]
    assert detention["authority"] is None  # an internal state body
    assert len(detention["sources"]) == 1
    (assembly,) = records["cases.assembly"]
    assert assembly["organizers"] == [
        str(o["uuid"]) for o in records["people.organization"] if o["slug"] == "ar-rukh-khak"
    ]
    replacing = [s for s in records["cases.sentence"] if s["replaces"] is None and s["kind"] == "imprisonment"]
    assert replacing, "a sentence replacing an internal one keeps no link to it"
    assert {p["role"] for p in records["cases.participant"]} == {"defendant", "witness"}
    assert all(c["defendant"] == str(record.mamai.uuid) for c in records["cases.charge"])
    (mamai,) = [p for p in records["people.person"] if p["slug"] == "zhanbolat-mamai"]
    assert len(mamai["sources"]) == 1
    assert [m["organization"] for m in records["people.membership"]] != []
    assert str(record.internal_org.uuid) not in json.dumps(records)


def test_a_public_export_loads_into_another_kazmonitor_which_then_holds_exactly_the_file():
    build_full_record()
    before = export_records(Visibility.PUBLIC)
    wipe_database()

    import_records(json.loads(json.dumps(before)))

    held = export_records(Visibility.INTERNAL)["records"]
    assert held.pop("kazmonitor.oldslug") == [] and held.pop("kazmonitor.tombstone") == []
    for rows in held.values():
        for row in rows:
            for name in [n for n in row if is_confidential_name(n)]:
                assert row.pop(name) == ""  # confidential fields were not in the file
    assert held == before["records"]


def test_every_confidential_field_is_recognised_as_such():
    names = {
        (spec.label, field.name)
        for spec in SPECS
        for field in spec.model._meta.concrete_fields
        if is_confidential(field)
    }
    assert ("people.person", "contacts") in names and ("kazmonitor.source", "provenance_notes") in names
    for spec in SPECS:
        for field in spec.model._meta.concrete_fields:
            if field.name in {"internal_notes", "contacts", "provenance_notes"}:
                assert (spec.label, field.name) in names


def test_full_export_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    build_full_record()
    with django_assert_max_num_queries(45):
        small = export_records(Visibility.INTERNAL)
    for _ in range(3):
        build_more = CaseFactory()
        PersonFactory()
        del build_more
    with django_assert_max_num_queries(45):
        bigger = export_records(Visibility.INTERNAL)
    assert len(bigger["records"]["cases.case"]) == len(small["records"]["cases.case"]) + 3
