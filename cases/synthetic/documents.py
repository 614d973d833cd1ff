"""Synthetic sources: reports, news and posts dated along the monitoring timeline.
Sources are written in date order, so the source published soon after a given day
is found by bisecting one array of day numbers — no rows kept."""

import bisect
import random
from array import array

from django.utils.text import slugify

from kazmonitor.models import Source

from . import texts
from .randomness import Weighted, chance, moment, new_uuid, partial, timeline_day, to_date, visibility
from .reference import World, mark
from .writer import Inserter, Stats, next_id

_KINDS = Weighted(
    ("news", "report", "statement", "social", "video", "court", "official", "interview"), (48, 14, 10, 15, 3, 4, 3, 3)
)


class Sources:
    def __init__(self, count: int, rng: random.Random):
        self.first_id = next_id(Source)
        self.days = array("i", sorted(timeline_day(rng) for _ in range(count)))

    def near(self, rng: random.Random, day: int) -> int:
        """A source published on ``day`` or within the following few entries."""
        index = min(bisect.bisect_left(self.days, day) + rng.randrange(4), len(self.days) - 1)
        return self.first_id + index


def write_sources(sources: Sources, world: World, rng: random.Random, seed: int, stats: Stats) -> None:
    inserter = Inserter((Source,), stats)
    note = mark(seed)
    publishers = [(name, slugify(name)) for name in texts.PUBLISHERS]
    for index, day in enumerate(sources.days):
        date, precision = partial(rng, day, exact=0.7)
        city = world.places[world.cities.pick(rng)].name
        publisher, publisher_slug = rng.choice(publishers)
        url = f"https://example.org/{publisher_slug}/{date:%Y/%m}/{index + 1}"
        created = moment(rng, day)
        inserter.add(
            Source,
            pk=sources.first_id + index,
            uuid=new_uuid(rng),
            visibility=visibility(rng),
            title=texts.source_title(rng, city, to_date(day)),
            url=url,
            publisher=publisher,
            kind=_KINDS.pick(rng),
            published_on=date,
            published_on_precision=precision,
            archived_url=f"https://archive.example.org/{date:%Y%m%d}/{index + 1}" if chance(rng, 0.3) else "",
            provenance_notes=note,
            created_at=created,
            updated_at=created,
        )
        if inserter.pending(Source) >= inserter.batch_size:
            inserter.flush()
            stats.progress("sources", index + 1, len(sources.days))
    inserter.flush()
