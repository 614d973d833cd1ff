"""``Person.protected_at``: when the identity protection of a person began, shown to the
public as the pseudonymous record's ``created_at`` (``people.models.public_created_order``),
so that the real creation time, which protection does not change, cannot match the
pseudonym to the row a mirror saw under the real name.

Persons already protected get their ``updated_at``, not the time of this migration:

- protecting a person saved them, so ``updated_at`` is no earlier than the moment
  protection began, and it is already public (the API shows it), so showing it again
  as ``created_at`` tells nothing new, while it keeps ``created_at <= updated_at``;
- one shared "now" would give every protected person the same ``created_at``, and the
  API breaks ties by database id, which follows the real creation order: sorting by
  ``created_at`` would then line the pseudonyms up in the order of their real records.

A person never protected keeps NULL. The data step is a plain ``UPDATE … SET
protected_at = updated_at``, the same on SQLite and PostgreSQL; the check constraint
that follows makes sure no protected person is ever left without it.

On PostgreSQL an index on the shown value (the expression Django writes for
``public_created_order()``) then ``id`` serves ``?ordering=created_at`` and its cursor
pages as ``person_api_name_idx`` serves the name order; other databases get none."""

from django.db import migrations, models
from django.db.models import F

from kazmonitor import pg_search_indexes

ORDER = {
    "person_api_created_idx": "people_person ((CASE WHEN identity_protected THEN protected_at "
    "ELSE created_at END), id)",
}


def protected_since_last_change(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Person.objects.filter(identity_protected=True, protected_at__isnull=True).update(protected_at=F("updated_at"))


def create_index(apps, schema_editor):
    pg_search_indexes.create(schema_editor, {}, ORDER)


def drop_index(apps, schema_editor):
    pg_search_indexes.drop(schema_editor, ORDER)


class Migration(migrations.Migration):
    dependencies = [
        ("kazmonitor", "0001_initial"),
        ("people", "0006_translated_field_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalperson",
            name="protected_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Set when the identity becomes protected: the creation time shown with the pseudonym.",
                null=True,
                verbose_name="protected since",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="protected_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Set when the identity becomes protected: the creation time shown with the pseudonym.",
                null=True,
                verbose_name="protected since",
            ),
        ),
        migrations.RunPython(protected_since_last_change, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("identity_protected", False), ("protected_at__isnull", False), _connector="OR"),
                name="person_protected_has_protected_at",
            ),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
