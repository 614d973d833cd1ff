"""Detentions and their extensions for synthetic defendants and protesters: the kinds a
case brings, dates that follow each other (apprehension, pre-trial detention with
court extensions, prison after the verdict), facilities and authorities."""

import random
from dataclasses import dataclass

from cases.models import Detention, Extension

from .randomness import CERTAINTY, FIRST_DAY, LAST_DAY, Weighted, chance, moment, new_uuid, partial, to_date
from .reference import World
from .writer import Inserter

APPREHENSION, ADMIN_ARREST, PRETRIAL, HOUSE_ARREST, IMPRISONMENT, PSYCHIATRIC = (
    "apprehension",
    "admin_arrest",
    "pretrial",
    "house_arrest",
    "imprisonment",
    "psychiatric",
)
LONG_KINDS = (PRETRIAL, HOUSE_ARREST, IMPRISONMENT, PSYCHIATRIC)
_SINGLE_CRIMINAL = Weighted((PRETRIAL, HOUSE_ARREST, APPREHENSION, PSYCHIATRIC), (64, 22, 11, 3))
_EXTENSIONS = Weighted((1, 2, 3), (50, 30, 20))
_RELEASE = {
    APPREHENSION: ("released without charge", "released after questioning", "released the same day"),
    ADMIN_ARREST: ("served the arrest",),
    PRETRIAL: ("measure of restraint changed to house arrest", "released on bail", "released after the verdict"),
    HOUSE_ARREST: ("measure of restraint lifted", "released after the verdict"),
    IMPRISONMENT: ("served the sentence", "released on parole", "released under an amnesty"),
    PSYCHIATRIC: ("discharged",),
}
# Pre-trial detention and the like with no documented release, for recent detentions:
# monitors often learn of a release late or never.
_OPEN_SINCE = FIRST_DAY + 7 * 365
_OPEN_UNKNOWN_RELEASE = 0.5


@dataclass
class Held:
    """One detention to write: what, when, and for which case or assembly."""

    kind: str
    start: int
    end: int  # ordinal; > LAST_DAY means still held at the end of the data
    extensions: tuple[tuple[int, int], ...] = ()  # (decided on, extended until)


def criminal_kinds(rng: random.Random, count: int, imprisoned: bool) -> list[str]:
    if count == 1:
        return [_SINGLE_CRIMINAL.pick(rng)]
    if count == 2:
        return [APPREHENSION, PRETRIAL if chance(rng, 0.8) else HOUSE_ARREST]
    return [APPREHENSION, PRETRIAL, IMPRISONMENT if imprisoned else HOUSE_ARREST]


def administrative_kinds(count: int, arrested: bool) -> list[str]:
    if count == 1:
        return [ADMIN_ARREST if arrested else APPREHENSION]
    return [APPREHENSION, ADMIN_ARREST][:count]


def plan_custody(
    rng: random.Random, kinds: list[str], day: int, verdict: int | None, prison_days: int | None, arrest_days: int
) -> list[Held]:
    """Dates for a defendant's detentions in the order they happen."""
    held: list[Held] = []
    cursor = day
    for kind in kinds:
        if kind == APPREHENSION:
            start = max(FIRST_DAY, cursor - rng.randint(0, 1))
            held.append(Held(kind, start, start + rng.randint(0, 1)))
            cursor = held[-1].end
        elif kind == ADMIN_ARREST:
            start = verdict if verdict is not None else cursor
            held.append(Held(kind, start, start + arrest_days - 1))
            cursor = held[-1].end
        elif kind == PRETRIAL:
            start = cursor + rng.randint(0, 3)
            until = start + 60
            extensions = []
            if chance(rng, 0.3):
                for _ in range(_EXTENSIONS.pick(rng)):
                    decided = max(start, until - rng.randint(1, 7))
                    until += rng.randint(30, 92)
                    extensions.append((decided, until))
            end = min(until, verdict) if verdict is not None and verdict >= start else until - rng.randint(0, 20)
            floor = extensions[-1][0] if extensions else start
            held.append(Held(kind, start, max(end, floor), tuple(extensions)))
            cursor = held[-1].end
        elif kind == HOUSE_ARREST:
            start = cursor + rng.randint(0, 10)
            held.append(Held(kind, start, start + rng.randint(30, 300)))
            cursor = held[-1].end
        elif kind == PSYCHIATRIC:
            start = cursor + rng.randint(5, 60)
            held.append(Held(kind, start, start + rng.randint(28, 400)))
            cursor = held[-1].end
        else:  # IMPRISONMENT
            start = verdict if verdict is not None else cursor
            held.append(Held(kind, start, start + (prison_days or 365 * rng.randint(1, 7))))
            cursor = held[-1].end
    return held


class DetentionBuilder:
    """Turns ``Held`` into ``Detention`` and ``Extension`` rows."""

    def __init__(self, world: World, first_id: int):
        self.world = world
        self.next_pk = first_id

    def build(
        self,
        rng: random.Random,
        held: Held,
        inserter: Inserter,
        *,
        person_id: int,
        place: int,
        level: int,
        case_id: int | None = None,
        assembly_id: int | None = None,
        court_id: int | None = None,
        security: bool = False,
    ) -> int:
        """Adds the detention and its extensions to ``inserter``; returns the detention's id."""
        world, facilities = self.world, self.world.facilities
        region = world.place_of_region(place)
        started, started_precision = partial(rng, held.start, exact=0.85)
        still_held = held.end > LAST_DAY or (
            held.kind in LONG_KINDS and held.start >= _OPEN_SINCE and chance(rng, _OPEN_UNKNOWN_RELEASE)
        )
        ended, ended_precision = (None, "day") if still_held else partial(rng, held.end, exact=0.85)
        if ended is not None and ended < started:
            ended, ended_precision = to_date(held.end), "day"
        facility = {
            APPREHENSION: facilities.holding.get(place) if chance(rng, 0.7) else None,
            ADMIN_ARREST: facilities.special.get(place),
            PRETRIAL: facilities.pretrial.get(region),
            HOUSE_ARREST: None,
            IMPRISONMENT: rng.choice(facilities.colonies) if facilities.colonies else None,
            PSYCHIATRIC: rng.choice(facilities.psychiatric) if facilities.psychiatric else None,
        }[held.kind]
        authority = (world.orgs.security if security and chance(rng, 0.4) else world.orgs.police).get(region)
        pk = self.next_pk
        self.next_pk += 1
        created = moment(rng, min(held.start + rng.randint(0, 10), LAST_DAY))
        inserter.add(
            Detention,
            pk=pk,
            uuid=new_uuid(rng),
            visibility=level,
            person_id=person_id,
            case_id=case_id,
            assembly_id=assembly_id,
            kind=held.kind,
            started_on=started,
            started_on_precision=started_precision,
            ended_on=ended,
            ended_on_precision=ended_precision,
            facility_id=facility,
            authority_id=authority,
            release_reason=rng.choice(_RELEASE[held.kind]) if ended is not None and chance(rng, 0.6) else "",
            ill_treatment_alleged=chance(rng, 0.04),
            certainty=CERTAINTY.pick(rng),
            created_at=created,
            updated_at=created,
        )
        for decided, until in held.extensions:
            if decided > LAST_DAY:
                break
            decided_on, decided_precision = partial(rng, decided, exact=0.95)
            if decided_on < started:  # "May 2022" would read as before a detention begun on 12 May
                decided_on, decided_precision = to_date(decided), "day"
            stamp = moment(rng, decided)
            inserter.add(
                Extension,
                detention_id=pk,
                decided_on=decided_on,
                decided_on_precision=decided_precision,
                extended_until=to_date(min(until, LAST_DAY)),
                court_id=court_id,
                created_at=stamp,
                updated_at=stamp,
            )
        return pk
