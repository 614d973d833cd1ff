"""Backup and restore: `export_data --level internal` and `import_data` reproduce
every record and relation in an empty database."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from cases.models import Case, Detention, Extension, Sentence
from kazmonitor.exchange import EXCLUDED_MODELS, SPECS, export_records, import_records
from kazmonitor.models import Location, OldSlug, Tombstone, Visibility
from people.models import Organization, Person, PersonAlias
from tests.full_record import build_full_record

pytestmark = pytest.mark.django_db


def wipe_database() -> None:
    """Delete every exported record, leaving an empty (migrated) database."""
    Location.objects.update(parent=None)
    Organization.objects.update(banned_by=None)
    Sentence.objects.update(replaces=None)
    for spec in reversed(SPECS):
        spec.model._default_manager.all().delete()
    Tombstone.objects.all().delete()  # deleting published records leaves tombstones


def export_json(level: str) -> dict:
    out = io.StringIO()
    call_command("export_data", level=level, stdout=out)
    return json.loads(out.getvalue())


def without_timestamp(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "exported_at"}


def test_internal_export_and_import_into_an_empty_database_reproduce_every_record_and_relation(tmp_path):
    build_full_record()
    before = export_json("internal")
    name_keys = sorted(Person.objects.values_list("uuid", "name_key", "pseudonym_key"))
    alias_keys = sorted(PersonAlias.objects.values_list("name", "name_key"))
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(before), encoding="utf-8")

    wipe_database()
    assert not Case.objects.exists() and not Person.objects.exists()
    out = io.StringIO()
    call_command("import_data", str(backup), stdout=out)

    after = export_json("internal")
    assert without_timestamp(after) == without_timestamp(before)
    assert "Imported" in out.getvalue()
    # Derived search keys are rebuilt, not copied.
    assert sorted(Person.objects.values_list("uuid", "name_key", "pseudonym_key")) == name_keys
    assert sorted(PersonAlias.objects.values_list("name", "name_key")) == alias_keys


def test_the_backup_holds_every_relation_by_stable_keys_not_database_ids():
    record = build_full_record()
    records = export_records(Visibility.INTERNAL)["records"]

    (case,) = [c for c in records["cases.case"] if c["slug"] == "mamai-2022"]
    assert case["uuid"] == str(record.case.uuid)
    assert "id" not in case
    assert case["tags"] == ["harassment", "protest"]
    assert case["location"] == "almaty"
    (detention,) = [d for d in records["cases.detention"] if d["uuid"] == str(record.detention.uuid)]
    assert detention["facility"] == ["Almaty pre-trial detention centre", "almaty"]
    assert detention["case"] == str(record.case.uuid)
    assert detention["authority"] == str(record.internal_org.uuid)
    (replacing,) = [s for s in records["cases.sentence"] if s["uuid"] == str(record.replacing_sentence.uuid)]
    assert replacing["replaces"] == str(record.first_sentence.uuid)
    (old_slug,) = records["kazmonitor.oldslug"]
    assert old_slug == {
        "model": "cases.case",
        "object": str(record.case.uuid),
        "slug": "mamai",
        "created_at": old_slug["created_at"],
    }
    assert [e["extended_until"] for e in records["cases.extension"]] == ["2022-06-12"]


def test_restored_records_keep_their_timestamps_versions_and_uuids():
    record = build_full_record()
    Case.objects.filter(pk=record.case.pk).update(version=7)
    original = Case.objects.get(pk=record.case.pk)
    payload = export_records(Visibility.INTERNAL)
    wipe_database()

    import_records(json.loads(json.dumps(payload)))

    restored = Case.objects.get(uuid=original.uuid)
    assert (restored.created_at, restored.updated_at, restored.version) == (
        original.created_at,
        original.updated_at,
        7,
    )
    assert restored.history.get().history_change_reason == "import_data"  # the restore is in the history
    assert Extension.objects.get().detention.person.slug == "zhanbolat-mamai"
    assert OldSlug.objects.get().object_id == restored.pk


def test_every_model_is_either_exported_or_deliberately_left_out():
    covered = {spec.label for spec in SPECS} | set(EXCLUDED_MODELS)
    ours = {
        model._meta.label_lower
        for app in ("kazmonitor", "people", "cases")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label_lower.split(".")[1].startswith("historical")
    }
    assert ours - covered == set(), "add new models to kazmonitor.exchange.SPECS or EXCLUDED_MODELS"


def test_import_into_a_database_with_records_refuses_and_changes_nothing(tmp_path):
    build_full_record()
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(export_records(Visibility.INTERNAL)), encoding="utf-8")
    count = Case.objects.count()

    with pytest.raises(CommandError, match="already holds"):
        call_command("import_data", str(backup))
    assert Case.objects.count() == count


def test_a_broken_file_is_refused_with_a_message_and_saves_nothing(tmp_path):
    build_full_record()
    payload = export_records(Visibility.INTERNAL)
    wipe_database()
    # The second detention points at a person who is not in the file.
    payload["records"]["cases.detention"][1]["person"] = "00000000-0000-0000-0000-000000000000"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(payload), encoding="utf-8")

    with pytest.raises(CommandError, match="no person with key"):
        call_command("import_data", str(bad))
    assert not Person.objects.exists() and not Detention.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not json", "not a JSON export"),
        (b"[1, 2]", "Not a KazMonitor export"),
        (b'{"format": "kazmonitor-export", "version": 99, "records": {}}', "version 99"),
        (b'{"format": "kazmonitor-export", "version": 1, "records": {"auth.user": []}}', "Unknown record types"),
        (
            b'{"format": "kazmonitor-export", "version": 1, "records": {"cases.case": [{"slug": "x", "colour": 1}]}}',
            "unknown field 'colour'",
        ),
        (
            b'{"format": "kazmonitor-export", "version": 1, "records": {"cases.case": [{"opened_on": "31.02.2022"}]}}',
            "opened_on",
        ),
    ],
)
def test_files_that_are_not_exports_give_a_clear_message(tmp_path, content, message):
    path = tmp_path / "file.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_data", str(path))
    assert not Case.objects.exists()


def test_a_missing_file_is_a_clear_message():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_data", "/nonexistent/backup.json")


def test_export_data_writes_to_a_file_when_asked(tmp_path):
    build_full_record()
    target = tmp_path / "public.json"
    err = io.StringIO()
    call_command("export_data", level="public", output=str(target), stderr=err)
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["level"] == "public"
    assert "Exported" in err.getvalue()


def test_the_demo_data_survives_a_backup_and_restore():
    from cases.demo import load_demo_data

    load_demo_data()
    before = export_records(Visibility.INTERNAL)
    counts = {spec.label: spec.model._default_manager.count() for spec in SPECS}
    wipe_database()

    import_records(json.loads(json.dumps(before)))

    assert without_timestamp(export_records(Visibility.INTERNAL)) == without_timestamp(before)
    assert {spec.label: spec.model._default_manager.count() for spec in SPECS} == counts
