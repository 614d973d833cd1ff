from django.apps import AppConfig


class KazmonitorConfig(AppConfig):
    name = "kazmonitor"
    verbose_name = "KazMonitor core"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_groups, sender=self)


def _sync_groups(sender, apps, using, **kwargs):
    from kazmonitor.groups import sync_staff_groups

    sync_staff_groups(apps)
