from django.db import migrations

ROLES = [
    "activist",
    "blogger",
    "civic activist",
    "human-rights defender",
    "journalist",
    "lawyer",
    "opposition politician",
    "religious believer",
    "trade unionist",
    "protester",
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for name in ROLES:
        Role.objects.get_or_create(slug=name.replace(" ", "-"), defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
