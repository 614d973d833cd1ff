"""The shape of the synthetic data, decided before any row is written, as arrays of
small integers: which cases exist, who is in each, how many charges and detentions
each defendant gets, which assemblies the detentions belong to. The totals asked for
(charges, detentions) come out exact; the rows themselves are built later, a batch
at a time.

Distributions: most persons appear in exactly one case and a few in very many (a
Zipf–Mandelbrot draw over a "repeat" share of the persons, as the same activists are
fined and arrested again and again); most cases have one defendant, some are group
cases of dozens (mass riots after the January 2022 events)."""

import bisect
import random
from array import array
from dataclasses import dataclass, field

from .population import People
from .randomness import JANUARY_2022, Weighted, timeline_day, zipf
from .reference import World

CRIMINAL, ADMINISTRATIVE, CIVIL, EXTRAJUDICIAL, TORTURE = range(5)
KIND_NAMES = ("criminal", "administrative", "civil", "extrajudicial", "torture")
KINDS = Weighted(range(5), (39, 40, 4, 14, 3))
HELD, DISPERSED, PREVENTED = range(3)
OUTCOMES = Weighted(range(3), (50, 35, 15))

_DEFENDANTS = {
    CRIMINAL: Weighted((1, 2, 3, 4, 6, 10, 20, 40), (72, 10, 6, 4, 4, 2, 1.5, 0.5)),
    ADMINISTRATIVE: Weighted((1, 2, 3, 5), (86, 8, 4, 2)),
    CIVIL: Weighted((1, 2), (90, 10)),
    EXTRAJUDICIAL: Weighted((1, 2), (92, 8)),
    TORTURE: Weighted((1, 2), (90, 10)),
}
_DETENTIONS = {
    CRIMINAL: Weighted((0, 1, 2, 3), (14, 34, 36, 16)),
    ADMINISTRATIVE: Weighted((0, 1, 2), (30, 45, 25)),
    EXTRAJUDICIAL: Weighted((0, 1), (85, 15)),
}
_MAX_CHARGES = 5
_REPEAT_SHARE = 0.4  # share of persons who may be in more than one case


@dataclass
class AssemblyPlan:
    count: int
    day: array = field(default_factory=lambda: array("i"))
    place: array = field(default_factory=lambda: array("H"))
    outcome: array = field(default_factory=lambda: array("B"))
    linked: array = field(default_factory=lambda: array("I"))  # detentions of cases linked to it
    loose: array = field(default_factory=lambda: array("I"))  # detentions of persons in no case


@dataclass
class CasePlan:
    count: int
    kind: array = field(default_factory=lambda: array("B"))
    day: array = field(default_factory=lambda: array("i"))
    place: array = field(default_factory=lambda: array("H"))
    assembly: array = field(default_factory=lambda: array("i"))  # -1: none
    first_slot: array = field(default_factory=lambda: array("I"))  # subjects of case c: slots first[c]..first[c+1]
    person: array = field(default_factory=lambda: array("I"))  # per slot: person index
    charges: array = field(default_factory=lambda: array("B"))  # per slot
    detentions: array = field(default_factory=lambda: array("B"))  # per slot

    def slots(self, case: int) -> range:
        return range(self.first_slot[case], self.first_slot[case + 1])

    def case_of_slot(self, slot: int) -> int:
        return bisect.bisect_right(self.first_slot, slot) - 1


def plan_assemblies(count: int, world: World, rng: random.Random) -> AssemblyPlan:
    plan = AssemblyPlan(count)
    for _ in range(count):
        plan.day.append(timeline_day(rng))
        plan.place.append(world.cities.pick(rng))
        plan.outcome.append(OUTCOMES.pick(rng))
    plan.linked = array("I", bytes(4 * count))
    plan.loose = array("I", bytes(4 * count))
    return plan


def plan_cases(
    count: int,
    charges: int,
    detentions: int,
    people: People,
    assemblies: AssemblyPlan,
    world: World,
    rng: random.Random,
) -> CasePlan:
    plan = CasePlan(count)
    # Assemblies that lead to cases: mostly dispersed or prevented ones.
    by_outcome = (
        Weighted(range(assemblies.count), [(1, 6, 3)[o] for o in assemblies.outcome]) if assemblies.count else None
    )
    plan.first_slot.append(0)
    for _ in range(count):
        kind = KINDS.pick(rng)
        link = -1
        if by_outcome is not None and rng.random() < {ADMINISTRATIVE: 0.6, CRIMINAL: 0.1}.get(kind, 0.0):
            link = by_outcome.pick(rng)
        if link >= 0:
            day = assemblies.day[link] + rng.randint(0, 3)
            place = assemblies.place[link]
        else:
            day = timeline_day(rng)
            place = world.cities.pick(rng)
        if kind == CRIMINAL and JANUARY_2022[0] <= day <= JANUARY_2022[1]:
            subjects = _DEFENDANTS[CRIMINAL].pick(rng) * (2 if rng.random() < 0.3 else 1)
        else:
            subjects = _DEFENDANTS[kind].pick(rng)
        plan.kind.append(kind)
        plan.day.append(day)
        plan.place.append(place)
        plan.assembly.append(link)
        plan.first_slot.append(plan.first_slot[-1] + subjects)
    _assign_persons(plan, people, rng)
    _allocate_charges(plan, charges, rng)
    _allocate_detentions(plan, detentions, assemblies, rng)
    return plan


def _assign_persons(plan: CasePlan, people: People, rng: random.Random) -> None:
    """Every subject person once, then the remaining slots to a repeat share, Zipf-like;
    shuffled, with no person twice in one case."""
    slots = plan.first_slot[-1]
    pool = list(people.subjects)
    rng.shuffle(pool)
    if slots <= len(pool):
        persons = pool[:slots]
    else:
        repeaters = pool[: max(1, int(len(pool) * _REPEAT_SHARE))]
        ranks = zipf(len(repeaters))
        persons = pool + [repeaters[ranks.index(rng)] for _ in range(slots - len(pool))]
        rng.shuffle(persons)
    plan.person = array("I", persons)
    for case in range(plan.count):
        _deduplicate(plan, case, rng)


def _deduplicate(plan: CasePlan, case: int, rng: random.Random) -> None:
    slots = plan.slots(case)
    seen: set[int] = set()
    for slot in slots:
        person = plan.person[slot]
        if person not in seen:
            seen.add(person)
            continue
        for _attempt in range(1000):
            other = rng.randrange(len(plan.person))
            other_case = plan.case_of_slot(other)
            candidate = plan.person[other]
            if other_case == case or candidate in seen:
                continue
            if person in {plan.person[s] for s in plan.slots(other_case)}:
                continue
            plan.person[slot], plan.person[other] = candidate, person
            seen.add(candidate)
            break
        else:  # pragma: no cover - only with absurdly few persons
            raise ValueError("too few persons for the number of cases; raise the scale")


def _defendant_slots(plan: CasePlan, kinds: tuple[int, ...]) -> list[int]:
    return [slot for case in range(plan.count) if plan.kind[case] in kinds for slot in plan.slots(case)]


def _allocate_charges(plan: CasePlan, total: int, rng: random.Random) -> None:
    """One charge per defendant in criminal and administrative cases, the rest as
    further articles for criminal defendants; exactly ``total`` in all."""
    counts = array("B", bytes(len(plan.person)))
    defendants = _defendant_slots(plan, (CRIMINAL, ADMINISTRATIVE))
    criminal = _defendant_slots(plan, (CRIMINAL,)) or defendants
    for slot in defendants[:total]:
        counts[slot] = 1
    remaining = total - min(total, len(defendants))
    capacity = len(criminal) * (_MAX_CHARGES - 1)
    if remaining > capacity:
        raise ValueError(f"{total:,} charges do not fit {len(criminal):,} criminal defendants; lower --charges")
    while remaining:
        slot = criminal[rng.randrange(len(criminal))]
        if counts[slot] < _MAX_CHARGES:
            counts[slot] += 1
            remaining -= 1
    plan.charges = counts


def _allocate_detentions(plan: CasePlan, total: int, assemblies: AssemblyPlan, rng: random.Random) -> None:
    """Detentions per defendant by the kind of case; what remains of ``total`` goes to
    protesters detained at assemblies without a case."""
    counts = array("B", bytes(len(plan.person)))
    for case in range(plan.count):
        weights = _DETENTIONS.get(plan.kind[case])
        if weights is None:
            continue
        for slot in plan.slots(case):
            counts[slot] = weights.pick(rng)
    excess = sum(counts) - total
    nonzero = [slot for slot in range(len(counts)) if counts[slot]]
    while excess > 0:
        slot = nonzero[rng.randrange(len(nonzero))]
        if counts[slot]:
            counts[slot] -= 1
            excess -= 1
    plan.detentions = counts
    for case in range(plan.count):
        link = plan.assembly[case]
        if link >= 0:
            assemblies.linked[link] += sum(counts[slot] for slot in plan.slots(case))
    loose = total - sum(counts)
    if loose and assemblies.count:
        weights = Weighted(range(assemblies.count), [(1, 8, 4)[o] for o in assemblies.outcome])
        for _ in range(loose):
            assemblies.loose[weights.index(rng)] += 1
    elif loose:
        raise ValueError("detentions outside cases need at least one assembly")
