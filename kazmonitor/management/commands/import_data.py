import json
import sys

from django.core.management.base import BaseCommand, CommandError

from kazmonitor.exchange import ExchangeError, import_records


class Command(BaseCommand):
    help = (
        "Load a file written by `export_data` into an empty (freshly migrated) database, in one transaction: "
        "`import_data backup.json` (or `-` for standard input). A bad file saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file written by export_data, or - for standard input.")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                payload = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    payload = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not a JSON export: {error}") from None
        try:
            counts = import_records(payload)
        except ExchangeError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        for label, count in counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Imported {sum(counts.values())} records."))
