"""Deterministic synthetic data at national scale, for development and benchmarks.

``generate(scale=1.0, seed=1)`` writes, at scale 1, 100,000 persons, 200,000 cases,
500,000 charges, 500,000 detentions and 20,000 assemblies with everything around
them; the same seed gives the same data. Memory stays bounded: rows are built and
inserted a batch at a time and only small integer arrays are kept between stages.
Every synthetic root record carries ``[synthetic]`` in its internal notes, which is
how ``clear_synthetic()`` finds them again."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection

from cases.models import Assembly, Case, Detention, Event, Sentence
from kazmonitor.generation import changed
from kazmonitor.models import Source
from people.models import Organization, Person

from .casework import CaseWriter
from .clear import clear_synthetic, existing_records
from .documents import Sources, write_sources
from .gatherings import write_assemblies
from .plan import plan_assemblies, plan_cases
from .population import plan_people, write_people
from .randomness import stream
from .reference import load_reference, write_organizations
from .writer import Inserter, Stats, explicit_timestamps, next_id, reset_sequences

__all__ = ["Counts", "clear_synthetic", "existing_records", "generate"]

EXPLICIT_IDS = (Organization, Source, Person, Assembly, Case, Detention, Sentence, Event)


def _written_models():
    """Every model of the apps synthetic data is written to (for ``explicit_timestamps``)."""
    return [model for label in ("kazmonitor", "people", "cases") for model in apps.get_app_config(label).get_models()]


@dataclass(frozen=True)
class Counts:
    """Row counts asked for; the rest (participants, sentences, events …) follow from them."""

    persons: int
    cases: int
    charges: int
    detentions: int
    assemblies: int
    sources: int
    ngos: int

    @classmethod
    def at(cls, scale: float) -> "Counts":
        def n(full: int) -> int:
            return max(1, round(full * scale))

        return cls(
            persons=max(20, n(100_000)),
            cases=n(200_000),
            charges=n(500_000),
            detentions=n(500_000),
            assemblies=n(20_000),
            sources=max(10, n(60_000)),
            ngos=max(5, n(1_500)),
        )


@dataclass
class Ids:
    """Next explicit primary key per table written across stages."""

    detention: int
    sentence: int
    event: int
    assembly: int


def generate(counts: Counts, seed: int, write: Callable[[str], None] = print) -> Stats:
    stats = Stats(write)
    started = time.perf_counter()
    world = load_reference()  # found or created through the ORM, stamped as usual
    with explicit_timestamps(_written_models()):
        try:
            _generate(world, counts, seed, stats, write)
        finally:
            reset_sequences(EXPLICIT_IDS)
            changed()  # bulk inserts send no signals: drop cached pages, API responses and figures
    write(f"Done in {time.perf_counter() - started:,.1f} s ({stats.commit_seconds:,.1f} s committing).")
    return stats


def _stage(stats: Stats, write, title: str) -> Callable[[], None]:
    write(f"{title} …")
    started, before = time.perf_counter(), stats.mark()

    def done() -> None:
        write(f"  {title}: {time.perf_counter() - started:,.1f} s")
        stats.table_report(before)

    return done


def _generate(world, counts: Counts, seed: int, stats: Stats, write) -> None:
    done = _stage(stats, write, "organizations")
    inserter = Inserter((Organization,), stats)
    write_organizations(world, inserter, stream(seed, "organizations"), seed, counts.ngos)
    inserter.flush()
    done()

    done = _stage(stats, write, "sources")
    sources = Sources(counts.sources, stream(seed, "source-dates"))
    write_sources(sources, world, stream(seed, "sources"), seed, stats)
    done()

    done = _stage(stats, write, "persons")
    people = plan_people(counts.persons)
    write_people(people, world, stream(seed, "persons"), seed, stats, sources)
    done()

    write("planning cases …")
    assemblies = plan_assemblies(counts.assemblies, world, stream(seed, "assembly-plan"))
    plan = plan_cases(
        counts.cases, counts.charges, counts.detentions, people, assemblies, world, stream(seed, "case-plan")
    )
    ids = Ids(next_id(Detention), next_id(Sentence), next_id(Event), next_id(Assembly))

    done = _stage(stats, write, "assemblies")
    write_assemblies(assemblies, people, world, sources, ids, stream(seed, "assemblies"), seed, stats)
    done()

    done = _stage(stats, write, "cases")
    writer = CaseWriter(plan, people, world, sources, ids, seed, stats)
    writer.write(stream(seed, "cases"), next_id(Case), ids.assembly)
    done()
    # Rows are copied in bulk, without save(): derive each detention's custody end before
    # the caches are dropped (nothing is kept from rows without it) and before the
    # statistics are taken (the update rewrites every detention: taken earlier, they
    # would describe a column of nulls and leave the old row versions behind).
    started = time.perf_counter()
    Detention.objects.refresh_held_until()
    write(f"custody ends derived in {time.perf_counter() - started:,.1f} s")
    if connection.vendor == "postgresql":
        # Settle the fresh rows (visibility map, hint bits) and refresh planner
        # statistics, so the first queries and benchmarks see a database as it
        # would be in use.
        # VACUUM cannot run inside a transaction (as in tests); ANALYZE can.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        write(f"vacuumed and analysed in {time.perf_counter() - started:,.1f} s")
