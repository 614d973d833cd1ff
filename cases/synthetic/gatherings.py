"""Assemblies (protests, pickets, rallies) with their organizers, tags and sources, and
the protesters detained at them who are in no case (named in reports, released
without a case)."""

import random

from django.utils.text import slugify

from cases.models import Assembly, Detention

from . import places, texts
from .custody import APPREHENSION, DetentionBuilder, Held
from .documents import Sources
from .plan import DISPERSED, PREVENTED, AssemblyPlan
from .population import People
from .randomness import Weighted, chance, child_visibility, clamp, moment, new_uuid, partial, to_date, visibility, zipf
from .reference import World, mark
from .writer import Inserter, Stats

_OUTCOMES = ("held", "dispersed", "prevented")
_PERMISSION = {
    0: Weighted(("notified", "approved", "refused", "none", "unknown"), (35, 30, 5, 15, 15)),
    DISPERSED: Weighted(("notified", "approved", "refused", "none", "unknown"), (20, 3, 35, 32, 10)),
    PREVENTED: Weighted(("notified", "approved", "refused", "none", "unknown"), (25, 2, 45, 18, 10)),
}


def write_assemblies(
    plan: AssemblyPlan, people: People, world: World, sources: Sources, ids, rng: random.Random, seed: int, stats: Stats
) -> None:
    links = {
        "organizers": Assembly.organizers.through,
        "tags": Assembly.tags.through,
        "sources": Assembly.sources.through,
        "detention_sources": Detention.sources.through,
    }
    inserter = Inserter(
        (Assembly, links["organizers"], links["tags"], links["sources"], Detention, links["detention_sources"]), stats
    )
    note = mark(seed)
    slugs: dict[str, int] = {}
    organizers = world.orgs.political + world.orgs.ngos
    protesters = zipf(len(people.subjects), exponent=0.8, offset=20)
    builder = DetentionBuilder(world, ids.detention)
    tags = world.tags
    for index in range(plan.count):
        day, place, outcome = plan.day[index], plan.place[index], plan.outcome[index]
        city = world.places[place]
        topic, topic_ru = texts.assembly_topic(rng, to_date(day))
        where, _where_ru = rng.choice(places.ASSEMBLY_PLACES)
        permission = _PERMISSION.get(outcome, _PERMISSION[0]).pick(rng)
        documented = plan.linked[index] + plan.loose[index]
        if documented:
            detained = documented + rng.randint(0, documented // 2 + 3)
        elif outcome in (DISPERSED, PREVENTED) and chance(rng, 0.7):
            detained = rng.randint(1, 30)
        else:
            detained = None
        estimate = None if chance(rng, 0.3) else max(int(5 / (rng.random() + 0.002) ** 0.8), 3)
        if estimate is not None and detained:
            estimate = max(estimate, detained + rng.randint(0, 50))
        title = f"{topic} in {city.name}"
        base = slugify(f"{title} {to_date(day).isoformat()}")[:180] or "assembly"
        number = slugs[base] = slugs.get(base, 0) + 1
        held_on, precision = partial(rng, day, exact=0.8)
        pk = ids.assembly + index
        level = visibility(rng)
        created = moment(rng, clamp(day + rng.randint(0, 10)))
        inserter.add(
            Assembly,
            pk=pk,
            uuid=new_uuid(rng),
            visibility=level,
            title=title,
            title_ru=f"{topic_ru} ({city.name_local})" if chance(rng, 0.5) else "",
            slug=base if number == 1 else f"{base}-{number}",
            language="en",
            held_on=held_on,
            held_on_precision=precision,
            location_id=city.id,
            place=where,
            topic=topic,
            permission=permission,
            outcome=_OUTCOMES[outcome],
            participants_estimate=estimate,
            detained_count=detained,
            summary=texts.assembly_summary(
                topic, where, city.name, to_date(day), permission, _OUTCOMES[outcome], bool(detained)
            ),
            internal_notes=note,
            created_at=created,
            updated_at=created,
        )
        if organizers and chance(rng, 0.6):
            inserter.add(links["organizers"], assembly_id=pk, organization_id=rng.choice(organizers))
        assembly_tags = {"protest"} | ({"protestors-detained"} if detained else set())
        for slug in sorted(assembly_tags):
            inserter.add(links["tags"], assembly_id=pk, tag_id=tags[slug])
        inserter.add(links["sources"], assembly_id=pk, source_id=sources.near(rng, day))
        seen: set[int] = set()
        for _ in range(plan.loose[index]):
            person = people.subjects[protesters.index(rng)]
            if person in seen:  # one more try for a different protester
                person = people.subjects[protesters.index(rng)]
            seen.add(person)
            start = day
            detention = builder.build(
                rng,
                Held(APPREHENSION, start, start + (0 if chance(rng, 0.8) else 1)),
                inserter,
                person_id=people.id(person),
                place=place,
                level=child_visibility(rng, level),
                assembly_id=pk,
            )
            if chance(rng, 0.05):
                inserter.add(links["detention_sources"], detention_id=detention, source_id=sources.near(rng, day))
        if inserter.pending(Assembly) >= 2000:
            inserter.flush()
            stats.progress("assemblies", index + 1, plan.count)
    inserter.flush()
    ids.detention = builder.next_pk
