"""Compile every ``locale/<lang>/LC_MESSAGES/*.po`` to ``.mo`` in pure Python (polib),
so installing needs no system gettext. Fast when nothing changed: a catalog is
compiled only when its ``.mo`` is missing or older than the ``.po``."""

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogs to .mo files (no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile even when the .mo file is up to date.")

    def handle(self, *args, force=False, verbosity=1, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalog = polib.pofile(str(po_path))
                # Write beside and rename, so a process reading the catalog never sees half a file.
                partial = mo_path.with_suffix(f".mo.{os.getpid()}")
                catalog.save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                compiled += 1
                if verbosity > 1:
                    self.stdout.write(f"{po_path} → {mo_path.name} ({catalog.percent_translated()}% translated)")
        if verbosity:
            self.stdout.write(f"Compiled {compiled} translation catalog(s).")
