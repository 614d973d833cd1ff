"""manage.py generate_data — deterministic synthetic data at national scale."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from cases.synthetic import Counts, clear_synthetic, existing_records, generate


def _scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        raise CommandError(f"--scale must be a number, not {value!r}") from None
    if not 0 < scale <= 20:
        raise CommandError("--scale must be above 0 and at most 20 (1.0 = 100,000 persons, 200,000 cases)")
    return scale


class Command(BaseCommand):
    help = (
        "Create realistic, deterministic synthetic data for development and benchmarks: at --scale 1.0, "
        "100,000 persons, 200,000 cases, 500,000 charges, 500,000 detentions and 20,000 assemblies. "
        "The same --seed gives the same data. Refuses to write into a database holding real records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=_scale, default=1.0, help="Multiplies every count (default 1.0).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--clear", action="store_true", help="Delete the synthetic data of an earlier run first (nothing else)."
        )

    def handle(self, *args, scale: float, seed: int, clear: bool, **options):
        found = existing_records()
        others = {name: count for name, count in found["other"].items() if count}
        if others:
            listed = ", ".join(f"{count:,} {name}" for name, count in others.items())
            raise CommandError(
                f"This database holds {listed} that generate_data did not create. Synthetic data is only for "
                "development and benchmark databases: point DATABASE_URL at an empty database."
            )
        synthetic = {name: count for name, count in found["synthetic"].items() if count}
        if synthetic and not clear:
            listed = ", ".join(f"{count:,} {name}" for name, count in synthetic.items())
            raise CommandError(
                f"This database already holds synthetic data ({listed}). Run again with --clear to replace it."
            )
        if clear:
            try:
                clear_synthetic(self.stdout.write)
            except IntegrityError as error:
                raise CommandError(str(error)) from error
        counts = Counts.at(scale)
        self.stdout.write(
            f"Generating synthetic data, seed {seed}, scale {scale:g}: {counts.persons:,} persons, {counts.cases:,} "
            f"cases, {counts.charges:,} charges, {counts.detentions:,} detentions, {counts.assemblies:,} assemblies."
        )
        try:
            generate(counts, seed, self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
