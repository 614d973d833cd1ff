"""The two staff groups and their permissions.

researcher: view, add and change every record (and so import spreadsheets; imported
records stay internal); cannot delete, cannot publish (visibility stays internal),
cannot manage API keys.
editor: everything on the records, including publishing, withdrawing and deleting.
"""

RECORD_APPS = ("kazmonitor", "people", "cases")
EDITOR_ONLY_MODELS = {"apikey", "tombstone", "historicalapikey"}
PUBLISH_PERMISSION = "kazmonitor.publish_records"


def sync_staff_groups(apps=None) -> None:
    """Create or update the researcher and editor groups. Idempotent; runs from a
    migration and after every ``migrate`` so new models join the groups."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    perms = Permission.objects.filter(content_type__app_label__in=RECORD_APPS).select_related("content_type")
    perms = perms.exclude(content_type__model__startswith="historical")
    researcher, editor = [], []
    for perm in perms:
        action = perm.codename.split("_", 1)[0]
        editor.append(perm)
        if perm.content_type.model in EDITOR_ONLY_MODELS or perm.codename == "publish_records":
            continue
        if action in {"add", "change", "view"}:
            researcher.append(perm)
    # Spreadsheet import and export (django-import-export 4 defines no permissions of
    # its own): the admin allows import to whoever may add and change a model, and
    # export to whoever may view it (kazmonitor.admin_spreadsheets).

    Group.objects.get_or_create(name="researcher")[0].permissions.set(researcher)
    Group.objects.get_or_create(name="editor")[0].permissions.set(editor)
