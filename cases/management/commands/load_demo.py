"""``manage.py load_demo``: the CIVICUS Monitor update on Kazakhstan (March–May 2022) as public records."""

from django.core.management.base import BaseCommand

from cases.demo import load_demo_data


class Command(BaseCommand):
    help = (
        "Load every fact of the CIVICUS Monitor update on Kazakhstan, March–May 2022, as public records. "
        "Safe to run again: existing demo records are matched and only brought up to date."
    )

    def handle(self, *args, **options):
        report = load_demo_data()
        if options["verbosity"] > 1:
            self.stdout.write(report.details())
        self.stdout.write(report.summary())
