"""Seeded randomness for synthetic data: named streams, weighted and Zipf-like
choices, visibility levels, and dates on the monitoring timeline (2015–2025) with
partial precision."""

import bisect
import datetime
import itertools
import random
import uuid

from kazmonitor.dates import normalize_partial_date

FIRST_DAY = datetime.date(2015, 1, 1).toordinal()
LAST_DAY = datetime.date(2025, 12, 31).toordinal()

PUBLIC, PARTNERS, INTERNAL = 20, 10, 0


def stream(seed: int, name: str) -> random.Random:
    """An independent generator per stage, so one stage's draws never shift another's."""
    return random.Random(f"kazmonitor-synthetic:{seed}:{name}")


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Weighted:
    """Draws items with the given relative weights (O(log n) per draw)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def index(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.total)

    def pick(self, rng: random.Random):
        return self.items[self.index(rng)]


def zipf(n: int, exponent: float = 0.65, offset: float = 8.0) -> Weighted:
    """Ranks 0..n-1 weighted 1/(rank + offset)^exponent (Zipf–Mandelbrot): a few
    ranks drawn very often, most rarely."""
    return Weighted(range(n), ((rank + offset) ** -exponent for rank in range(1, n + 1)))


_VISIBILITY = Weighted((PUBLIC, INTERNAL, PARTNERS), (80, 12, 8))


CERTAINTY = Weighted(("confirmed", "reported", "alleged"), (55, 40, 5))


def visibility(rng: random.Random) -> int:
    """~80 % public, ~12 % internal, ~8 % partners-only."""
    return _VISIBILITY.pick(rng)


def child_visibility(rng: random.Random, parent: int) -> int:
    """A fact usually shares its case's level; one in ten is set on its own (a public
    case with an internal charge, or the reverse), so visibility stays transitive work."""
    return parent if rng.random() < 0.9 else visibility(rng)


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


_PRECISION = Weighted(("day", "month", "year"), (86, 10, 4))  # plain values: rows go to COPY as they are


def partial(rng: random.Random, day: int, exact: float = 0.0) -> tuple[datetime.date, str]:
    """The date of ``day`` (an ordinal) as a monitor might know it: mostly to the day,
    sometimes only the month or the year (stored at the start of that month or year).
    ``exact`` raises the share known to the day."""
    precision = "day" if rng.random() < exact else _PRECISION.pick(rng)
    value = datetime.date.fromordinal(clamp(day))
    return normalize_partial_date(value, precision), precision


def clamp(day: int) -> int:
    return min(max(day, FIRST_DAY), LAST_DAY)


def to_date(day: int) -> datetime.date:
    return datetime.date.fromordinal(clamp(day))


def moment(rng: random.Random, day: int) -> datetime.datetime:
    """A working-hours time on ``day`` (UTC), for created/updated timestamps."""
    date = datetime.date.fromordinal(day)
    seconds = rng.randrange(3 * 3600, 14 * 3600)
    return datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC) + datetime.timedelta(seconds=seconds)


def _ordinal(y: int, m: int, d: int) -> int:
    return datetime.date(y, m, d).toordinal()


# Steady documentation that grows over the years, plus bursts around known waves of
# protest and repression: land protests (2016), opposition rallies (2018–2019, 2021),
# the presidential election (2019) and the January 2022 events.
_YEARS = Weighted(range(2015, 2026), (5, 7, 6, 8, 10, 8, 9, 13, 11, 11, 11))
_BURSTS = Weighted(
    (
        (_ordinal(2016, 4, 24), _ordinal(2016, 5, 31)),
        (_ordinal(2018, 5, 10), _ordinal(2018, 5, 20)),
        (_ordinal(2019, 2, 22), _ordinal(2019, 3, 31)),
        (_ordinal(2019, 6, 9), _ordinal(2019, 6, 20)),
        (_ordinal(2021, 2, 28), _ordinal(2021, 3, 15)),
        (_ordinal(2022, 1, 2), _ordinal(2022, 2, 15)),
    ),
    (8, 4, 4, 10, 4, 50),
)
JANUARY_2022 = (_ordinal(2022, 1, 2), _ordinal(2022, 3, 31))


def timeline_day(rng: random.Random) -> int:
    """A day (ordinal) on which something the monitor records happened."""
    if rng.random() < 0.22:
        first, last = _BURSTS.pick(rng)
        return rng.randint(first, last)
    year = _YEARS.pick(rng)
    return rng.randint(_ordinal(year, 1, 1), _ordinal(year, 12, 31))
