"""Who was in custody on a day, read from the stored ``Detention.held_until``: the stored
day must always say what the rule says (DESIGN.md; ``in_custody_on``), whatever writes
the detentions and their court extensions — save, delete, moves between detentions,
bulk inserts, generate_data, the data migration, an export loaded elsewhere — and the
question is one query without a look at the extensions."""

import datetime
import importlib
import json
import random
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cases.models import Detention, Extension
from cases.models.custody import OPEN_ENDED
from kazmonitor.exchange import export_records, import_records
from kazmonitor.models import Visibility
from tests.factories import DetentionFactory, ExtensionFactory, PersonFactory
from tests.full_record import build_full_record
from tests.test_backup import wipe_database

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2021, 1, 1)


def day(n: int) -> datetime.date:
    return FIRST + datetime.timedelta(days=n)


def held_by_rule(detention: Detention, on: datetime.date) -> bool:
    """The rule, written out from the record itself (not from ``held_until``)."""
    if detention.started_on > on:
        return False
    if detention.ended_on:
        return detention.ended_on >= on
    ends = [e.extended_until for e in Extension.objects.filter(detention=detention)]
    return max(ends) >= on if ends else True


def expected_held_until(detention: Detention) -> datetime.date:
    ends = [e.extended_until for e in Extension.objects.filter(detention=detention)]
    return detention.ended_on or max(ends, default=OPEN_ENDED)


def assert_matches_rule(days=range(-5, 200, 7)):
    detentions = list(Detention.objects.order_by("pk"))
    for detention in detentions:
        assert detention.held_until == expected_held_until(detention), detention.pk
    for n in days:
        on = day(n)
        held = set(Detention.objects.in_custody_on(on).values_list("pk", flat=True))
        assert held == {d.pk for d in detentions if held_by_rule(d, on)}, on


def random_detention(rng: random.Random, person) -> Detention:
    started = day(rng.randint(0, 150))
    ended = started + datetime.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.4 else None
    return DetentionFactory(person=person, case=None, started_on=started, ended_on=ended)


def random_extension(rng: random.Random, detention: Detention) -> Extension:
    decided = detention.started_on + datetime.timedelta(days=rng.randint(0, 40))
    until = decided + datetime.timedelta(days=rng.randint(0, 90))
    return ExtensionFactory(detention=detention, decided_on=decided, extended_until=until)


def bulk_change(rng: random.Random, some, detention: Detention) -> None:
    extensions_of = Extension.objects.filter(detention__in=some)
    change = rng.randrange(5)
    if change == 0:
        some.update(ended_on=None)
    elif change == 1:
        some.update(ended_on=day(rng.randint(150, 250)))
    elif change == 2:
        some.update(ended_on=F("started_on"))
    elif change == 3:
        extensions_of.update(extended_until=day(rng.randint(150, 250)))
    else:
        extensions_of.update(detention=detention)  # moved, as when two records are merged


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stored_day_follows_every_change_of_detentions_and_extensions(seed):
    rng = random.Random(seed)
    persons = [PersonFactory() for _ in range(3)]
    detentions = [random_detention(rng, rng.choice(persons)) for _ in range(12)]
    for _ in range(25):
        extension = random_extension(rng, rng.choice(detentions))
        if rng.random() < 0.3:  # a second look at the same extension
            extension = Extension.objects.get(pk=extension.pk)
            extension.extended_until += datetime.timedelta(days=rng.randint(-10, 30))
            extension.extended_until = max(extension.extended_until, extension.decided_on)
            extension.save()
    assert_matches_rule()
    for _step in range(60):
        action = rng.choice(
            ["extend", "end", "reopen", "delete", "move", "edit", "new", "stale", "bulk delete", "bulk"]
        )
        detention = Detention.objects.get(pk=rng.choice(detentions).pk)
        extensions = list(Extension.objects.all())
        if action == "extend":
            random_extension(rng, detention)
        elif action == "end":
            detention.ended_on = detention.started_on + datetime.timedelta(days=rng.randint(0, 120))
            detention.save(update_fields=["ended_on"] if rng.random() < 0.5 else None)
        elif action == "reopen":
            detention.ended_on = None
            detention.save()
        elif action == "delete" and extensions:
            rng.choice(extensions).delete()
        elif action == "move" and extensions:
            extension = rng.choice(extensions)
            extension.detention = Detention.objects.get(pk=rng.choice(detentions).pk)
            extension.decided_on = max(extension.decided_on, extension.detention.started_on)
            extension.extended_until = max(extension.extended_until, extension.decided_on)
            extension.save()
        elif action == "edit" and extensions:
            extension = rng.choice(extensions)
            extension.extended_until = extension.decided_on + datetime.timedelta(days=rng.randint(0, 120))
            extension.save()
        elif action == "new":
            detentions.append(random_detention(rng, rng.choice(persons)))
        elif action == "stale":
            # A detention read before its extension was added, then saved: not stale.
            random_extension(rng, Detention.objects.get(pk=detention.pk))
            detention.description = "saved after an extension was added elsewhere"
            detention.save()
        elif action == "bulk":  # QuerySet.update(), no save() and no signal
            bulk_change(rng, Detention.objects.filter(pk__in=[d.pk for d in rng.sample(detentions, 3)]), detention)
        elif action == "bulk delete" and extensions:
            Extension.objects.filter(pk__in=[e.pk for e in rng.sample(extensions, min(2, len(extensions)))]).delete()
        assert_matches_rule()
    # Deleting a detention takes its extensions with it; the others keep their days.
    Detention.objects.filter(pk=detentions[0].pk).delete()
    assert_matches_rule()


def test_the_boundaries_of_the_rule():
    person = PersonFactory()
    started = day(10)
    open_plain = DetentionFactory(person=person, case=None, started_on=started)
    ended = DetentionFactory(person=person, case=None, started_on=started, ended_on=day(20))
    ran_out = DetentionFactory(person=person, case=None, started_on=started)
    ExtensionFactory(detention=ran_out, decided_on=day(12), extended_until=day(30))
    ExtensionFactory(detention=ran_out, decided_on=day(25), extended_until=day(40))
    # the last extension is the one running longest, whichever was decided last
    ExtensionFactory(detention=ran_out, decided_on=day(26), extended_until=day(35))

    def held(on):
        return set(Detention.objects.in_custody_on(on).values_list("pk", flat=True))

    assert held(day(9)) == set()
    assert held(day(10)) == {open_plain.pk, ended.pk, ran_out.pk}
    assert held(day(20)) == {open_plain.pk, ended.pk, ran_out.pk}
    assert held(day(21)) == {open_plain.pk, ran_out.pk}
    assert held(day(40)) == {open_plain.pk, ran_out.pk}
    assert held(day(41)) == {open_plain.pk}  # ran out with no news: not claimed
    assert held(datetime.date(2099, 1, 1)) == {open_plain.pk}


def test_bulk_inserts_are_put_right_by_one_refresh():
    person = PersonFactory()
    detentions = Detention.objects.bulk_create(
        [
            Detention(person=person, started_on=day(1), ended_on=day(5), uuid=f"00000000-0000-0000-0000-00000000000{n}")
            if n % 2
            else Detention(person=person, started_on=day(1), uuid=f"00000000-0000-0000-0000-00000000000{n}")
            for n in range(1, 7)
        ]
    )
    Extension.objects.bulk_create(
        [Extension(detention=d, decided_on=day(2), extended_until=day(3 + d.pk % 50)) for d in detentions[:3]]
    )
    assert Detention.objects.refresh_held_until() == 6
    assert_matches_rule(range(0, 60))


def test_the_data_migration_fills_the_day_from_the_record():
    rng = random.Random(5)
    person = PersonFactory()
    detentions = [random_detention(rng, person) for _ in range(15)]
    for _ in range(20):
        random_extension(rng, rng.choice(detentions))
    Detention.objects.update(held_until=OPEN_ENDED)  # as just after AddField
    migration = importlib.import_module("cases.migrations.0010_detention_held_until")
    migration.fill_held_until(apps, connection.schema_editor())
    assert_matches_rule()


def test_generated_data_holds_the_right_day():
    call_command("generate_data", scale=0.001, seed=3, stdout=StringIO())
    assert Detention.objects.exclude(ended_on=None).exists() and Extension.objects.exists()
    for detention in Detention.objects.all():
        assert detention.held_until == expected_held_until(detention), detention.pk


@pytest.mark.parametrize("written_before_the_day_was_stored", [False, True])
def test_an_exported_record_loaded_elsewhere_holds_the_right_day(written_before_the_day_was_stored):
    build_full_record()
    extended = DetentionFactory(person=PersonFactory(), case=None, started_on=day(300))
    ExtensionFactory(detention=extended, decided_on=day(301), extended_until=day(400))
    DetentionFactory(person=PersonFactory(), case=None, started_on=day(300), ended_on=day(310))
    exported = json.loads(json.dumps(export_records(Visibility.PUBLIC)))
    if written_before_the_day_was_stored:  # an export from before migration 0010 has no held_until
        for row in exported["records"]["cases.detention"]:
            del row["held_until"]
    wipe_database()
    import_records(exported)
    assert Detention.objects.filter(held_until=day(400)).exists()
    assert Detention.objects.filter(held_until=day(310)).exists()
    for loaded in Detention.objects.all():
        assert loaded.held_until == expected_held_until(loaded), loaded.pk


def test_who_was_held_is_one_query_that_does_not_read_the_extensions():
    person = PersonFactory()
    for n in range(5):
        detention = DetentionFactory(person=person, case=None, started_on=day(n))
        ExtensionFactory(detention=detention, decided_on=day(n), extended_until=day(n + 10))
    with CaptureQueriesContext(connection) as queries:
        assert len(list(Detention.objects.in_custody_on(day(12)))) == 3
    assert len(queries) == 1
    assert "cases_extension" not in queries[0]["sql"]


@pytest.mark.postgresql  # INCLUDE is PostgreSQL's; elsewhere the index is the plain one
def test_the_custody_index_carries_the_case_and_visibility_so_held_cases_are_read_from_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'detention_held_until_idx'")
        (definition,) = cursor.fetchone()
    assert "(held_until, started_on, person_id)" in definition
    assert definition.endswith("INCLUDE (case_id, visibility)")
