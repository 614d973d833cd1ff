import json

from django.core.management.base import BaseCommand, CommandError

from kazmonitor.exchange import export_records
from kazmonitor.models import Visibility

LEVELS = ["public", "partners", "internal"]


class Command(BaseCommand):
    help = (
        "Write everything visible at a level as JSON with all relations (stable ids, no database ids): "
        "`export_data --level internal > backup.json`. Load it with `import_data`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--level",
            choices=LEVELS,
            required=True,
            help="public: what everyone sees; partners: what partner keys see; internal: everything (a backup).",
        )
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument("--indent", type=int, default=1, help="JSON indentation (0 for one line).")

    def handle(self, *args, level, output, indent, **options):
        payload = export_records(Visibility.parse(level))
        text = json.dumps(payload, ensure_ascii=False, indent=indent or None, sort_keys=False)
        if output:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}") from None
            counts = {label: len(rows) for label, rows in payload["records"].items()}
            self.stderr.write(f"Exported {sum(counts.values())} records at level {level} to {output}.")
        else:
            self.stdout.write(text)
