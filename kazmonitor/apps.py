from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KazmonitorConfig(AppConfig):
    name = "kazmonitor"
    verbose_name = "KazMonitor core"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_groups, sender=self)
        post_migrate.connect(_install_triggers, sender=self)

        from kazmonitor.api import tombstones

        tombstones.connect()

        from kazmonitor import generation

        generation.connect()

        from django.db.backends.signals import connection_created

        from kazmonitor.search import read_json_fast

        connection_created.connect(read_json_fast)


def _install_triggers(sender, using="default", **kwargs):
    # After every migrate (and a test database's flush): a trigger on every table of records.
    from kazmonitor.generation import install_triggers

    install_triggers(using)


def _sync_groups(sender, apps=None, **kwargs):
    # A database flush (live-server tests) sends post_migrate without ``apps``:
    # sync_staff_groups then uses the global registry.
    from kazmonitor.groups import sync_staff_groups

    sync_staff_groups(apps)


class KazMonitorAdminConfig(admin_apps.AdminConfig):
    """The admin, with the two-factor site (``kazmonitor.admin_site``) as ``admin.site``."""

    default = False
    default_site = "kazmonitor.admin_site.KazMonitorAdminSite"
