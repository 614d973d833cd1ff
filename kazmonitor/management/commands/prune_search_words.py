"""``manage.py prune_search_words``: delete from the search word lexicons the words no case,
person or alias holds any more (PostgreSQL; ``kazmonitor.lexicons``)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kazmonitor.lexicons import BATCH, HOLDERS, LexiconBusy, LexiconMissing, check_lexicons, prune


class Command(BaseCommand):
    help = (
        "Delete from the search word lexicons (cases_searchword, people_nameword) the words no "
        "case, person or alias holds any more, e.g. after erasing a person; safe while staff "
        "write. Prints counts only. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the words that would go; delete nothing.")
        parser.add_argument("--batch-size", type=int, default=BATCH, help=f"Words per batch (default {BATCH}).")

    def handle(self, *args, dry_run, batch_size, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("The search word lexicons exist only on PostgreSQL: nothing to prune.")
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            check_lexicons()
        except LexiconMissing as error:
            raise CommandError(str(error)) from error
        for lexicon in HOLDERS:
            try:
                pruned = prune(lexicon, dry_run=dry_run, batch_size=batch_size)
            except LexiconBusy as error:
                raise CommandError(f"{error}; the batches before were pruned. Run again later.") from error
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(
                f"{lexicon}: {pruned.checked:,} words checked, {verb} {pruned.removed:,} that no row holds."
            )
