"""Cases and everything documented on them — participants, charges, detentions with
extensions, sentences, political-prisoner recognitions, events, tags and sources —
written case by case from the plan, a batch of cases per transaction."""

import random
from dataclasses import dataclass

from django.utils.text import slugify

from cases.models import Case, Charge, Detention, Event, Extension, Participant, Sentence
from people.models import Recognition

from . import law, texts
from .custody import DetentionBuilder, administrative_kinds, criminal_kinds, plan_custody
from .documents import Sources
from .events import Events
from .plan import ADMINISTRATIVE, CIVIL, CRIMINAL, EXTRAJUDICIAL, KIND_NAMES, TORTURE, CasePlan
from .population import People
from .randomness import (
    CERTAINTY,
    JANUARY_2022,
    LAST_DAY,
    Weighted,
    chance,
    child_visibility,
    clamp,
    moment,
    new_uuid,
    partial,
    to_date,
    visibility,
    zipf,
)
from .reference import World, mark
from .verdicts import ARREST_DAYS, Verdicts
from .writer import Inserter, Stats

_STATUS = {
    CRIMINAL: Weighted(("convicted", "closed", "acquitted", "appeal", "trial", "investigation"), (58, 10, 3, 12, 9, 8)),
    ADMINISTRATIVE: Weighted(("convicted", "closed", "appeal"), (80, 14, 6)),
    CIVIL: Weighted(("trial", "closed", "appeal"), (35, 45, 20)),
    EXTRAJUDICIAL: Weighted(("closed", "investigation"), (55, 45)),
    TORTURE: Weighted(("investigation", "closed", "trial"), (40, 52, 8)),
}
_CHARGE_STATUS = {
    "investigation": Weighted(("pending", "reclassified", "dropped"), (90, 5, 5)),
    "trial": Weighted(("pending", "reclassified", "dropped"), (90, 5, 5)),
    "convicted": Weighted(("convicted", "dropped", "reclassified"), (88, 7, 5)),
    "appeal": Weighted(("convicted",), (1,)),
    "acquitted": Weighted(("acquitted",), (1,)),
    "closed": Weighted(("dropped", "amnestied"), (60, 40)),
}
_SENTENCED_SHARE = {CRIMINAL: 0.6, ADMINISTRATIVE: 0.55}
_LAWYERS = {CRIMINAL: 0.6, ADMINISTRATIVE: 0.15, CIVIL: 0.5, TORTURE: 0.7, EXTRAJUDICIAL: 0.1}
_ROLE = {
    CRIMINAL: "defendant",
    ADMINISTRATIVE: "defendant",
    CIVIL: "defendant",
    EXTRAJUDICIAL: "target",
    TORTURE: "victim",
}
_EXTRAJUDICIAL_TAGS = ("harassment", "intimidation", "surveillance")
_EXTRA_TAGS = ("harassment", "intimidation", "hrd-detained", "online-expression", "journalists", "banned-organisation")


@dataclass
class Verdict:
    status: str
    day: int | None  # ordinal of the verdict, if there was one


class CaseWriter:
    def __init__(self, plan: CasePlan, people: People, world: World, sources: Sources, ids, seed: int, stats: Stats):
        self.plan, self.people, self.world, self.sources, self.ids, self.stats = (
            plan,
            people,
            world,
            sources,
            ids,
            stats,
        )
        self.note = mark(seed)
        self.links = {
            "tags": Case.tags.through,
            "sources": Case.sources.through,
            "detention_sources": Detention.sources.through,
            "sentence_sources": Sentence.sources.through,
            "event_sources": Event.sources.through,
        }
        self.inserter = Inserter(
            (
                Case,
                self.links["tags"],
                self.links["sources"],
                Participant,
                Charge,
                Detention,
                Extension,
                Sentence,
                Recognition,
                Event,
                self.links["detention_sources"],
                self.links["sentence_sources"],
                self.links["event_sources"],
            ),
            stats,
        )
        self.detentions = DetentionBuilder(world, ids.detention)
        self.slugs: dict[str, int] = {}
        articles = list(world.articles.values())

        def picker(code: str, only_assembly: bool = False) -> Weighted:
            chosen = [
                (pk, article)
                for pk, article in articles
                if article.code == code and article.weight and (not only_assembly or article.freedom == law.ASSEMBLY)
            ]
            return Weighted(chosen, [article.weight for _pk, article in chosen])

        self.criminal_articles = picker("kz-cc")
        self.criminal_assembly_articles = picker("kz-cc", only_assembly=True)
        self.admin_articles = picker("kz-cao")
        self.admin_assembly_articles = picker("kz-cao", only_assembly=True)
        self.torture_article = world.articles[law.TORTURE.slug]
        self.lawyer_ranks = zipf(len(people.lawyers), exponent=0.7, offset=10)
        self.judge_ranks = zipf(len(people.judges), exponent=0.8, offset=2)
        self.verdicts = Verdicts(self.inserter, world, sources, ids.sentence)
        self.events = Events(self.inserter, people, world, sources, ids)

    def write(self, rng: random.Random, first_case_id: int, assembly_first_id: int) -> None:
        self.first_case_id, self.assembly_first_id = first_case_id, assembly_first_id
        total = self.plan.count
        for case in range(total):
            self._case(rng, case)
            if self.inserter.pending(Case) >= 2500:
                self.inserter.flush()
                self.stats.progress("cases", case + 1, total)
        self.inserter.flush()
        self.ids.detention = self.detentions.next_pk
        self.ids.sentence = self.verdicts.next_pk

    # -- one case -------------------------------------------------------------------

    def _verdict(self, rng: random.Random, kind: int, day: int) -> Verdict:
        if kind == CRIMINAL:
            duration = rng.randint(60, 420)
            if day + duration > LAST_DAY:
                return Verdict("trial" if chance(rng, 0.5) else "investigation", None)
        else:
            duration = rng.randint(0, 3)
        status = _STATUS[kind].pick(rng)
        decided = status in ("convicted", "acquitted", "appeal") and kind in (CRIMINAL, ADMINISTRATIVE)
        return Verdict(status, min(day + duration, LAST_DAY) if decided else None)

    def _primary_article(self, rng: random.Random, kind: int, linked: bool, january: bool):
        if kind == CRIMINAL:
            pool = (
                self.criminal_assembly_articles if linked or (january and chance(rng, 0.6)) else self.criminal_articles
            )
            return pool.pick(rng)
        if kind == ADMINISTRATIVE:
            return (self.admin_assembly_articles if linked else self.admin_articles).pick(rng)
        if kind == TORTURE:
            return self.torture_article
        return None

    def _court(self, rng: random.Random, kind: int, place: int, status: str) -> int | None:
        orgs = self.world.orgs
        if kind == ADMINISTRATIVE:
            return orgs.admin_courts.get(self.world.place_of_region(place))
        if kind in (CRIMINAL, CIVIL) and (status != "investigation" or chance(rng, 0.3)):
            return rng.choice(orgs.city_courts[place])
        return None

    def _case(self, rng: random.Random, case: int) -> None:
        plan, people, world = self.plan, self.people, self.world
        kind, day, place, link = plan.kind[case], plan.day[case], plan.place[case], plan.assembly[case]
        slots = plan.slots(case)
        subjects = [plan.person[slot] for slot in slots]
        january = JANUARY_2022[0] <= day <= JANUARY_2022[1]
        level = visibility(rng)
        verdict = self._verdict(rng, kind, day)
        primary = self._primary_article(rng, kind, link >= 0, january)
        article = primary[1] if primary else None
        court = self._court(rng, kind, place, verdict.status)
        city = world.places[place]
        first = people.public_name(subjects[0], world)
        who = first if len(subjects) == 1 else f"{len(subjects)} people"
        kind_name = KIND_NAMES[kind]
        title = texts.case_title(rng, kind_name, who, len(subjects), article, city.name, first)[:300]
        opened, opened_precision = partial(rng, day)
        case_id = self.first_case_id + case
        created_day = clamp(day + rng.randint(0, 20))
        created = moment(rng, created_day)
        updated = moment(rng, clamp(max(created_day, (verdict.day or day)) + rng.randint(0, 30)))
        updated = max(updated, created)
        who_local = people.public_name_local(subjects[0], world) if len(subjects) == 1 else f"{len(subjects)} человек"
        base = slugify(f"{title} {to_date(day).year}")[:180].strip("-") or "case"
        number = self.slugs[base] = self.slugs.get(base, 0) + 1
        freedom = article.freedom if article else ""
        if kind == EXTRAJUDICIAL:
            freedom = rng.choice((law.EXPRESSION, law.EXPRESSION, law.ASSOCIATION))
        self.inserter.add(
            Case,
            pk=case_id,
            uuid=new_uuid(rng),
            visibility=level,
            title=title,
            title_ru=texts.case_title_ru(kind_name, who_local, article, city.name_local)[:300]
            if chance(rng, 0.5)
            else "",
            slug=base if number == 1 else f"{base}-{number}",
            language="en",
            kind="criminal" if kind == TORTURE else kind_name,
            status=verdict.status,
            affects_expression=freedom == law.EXPRESSION or chance(rng, 0.05),
            affects_association=freedom == law.ASSOCIATION,
            affects_assembly=freedom == law.ASSEMBLY or link >= 0,
            location_id=city.id,
            court_id=court,
            case_number=self._case_number(rng, kind, day),
            opened_on=opened,
            opened_on_precision=opened_precision,
            summary=texts.case_summary(rng, kind_name, who, article, city.name, to_date(day), verdict.status, january),
            summary_ru=texts.case_summary_ru(who_local, city.name_local, to_date(day)) if chance(rng, 0.2) else "",
            internal_notes=self.note,
            published_at=moment(rng, clamp(created_day + rng.randint(0, 5))) if level == 20 else None,
            created_at=created,
            updated_at=updated,
        )
        self._tags(rng, case_id, kind, article, january, link >= 0)
        for source in {self.sources.near(rng, day) for _ in range(1 if chance(rng, 0.6) else 2)}:
            self.inserter.add(self.links["sources"], case_id=case_id, source_id=source)
        for slot, person in zip(slots, subjects, strict=True):
            self._subject(rng, case, case_id, slot, person, kind, day, place, link, level, verdict, primary, court)
        self._professionals(rng, case_id, kind, level, court, verdict, created)
        self.events.add(rng, case_id, kind, day, level, verdict, subjects, city.name, created)

    def _case_number(self, rng: random.Random, kind: int, day: int) -> str:
        year = to_date(day).year % 100
        if kind in (CRIMINAL, TORTURE) and chance(rng, 0.7):
            return f"{year:02d}{rng.randrange(10**13):013d}"
        if kind in (ADMINISTRATIVE, CIVIL) and chance(rng, 0.6):
            return f"{rng.randrange(7000, 8000)}-{year:02d}-00-{rng.choice('34')}/{rng.randrange(1, 9999)}"
        return ""

    def _tags(self, rng, case_id, kind, article, january, linked) -> None:
        tags = self.world.tags
        chosen = set()
        if article and article.tag:
            chosen.add(article.tag)
        if january:
            chosen.add("january-2022-events")
        if linked:
            chosen.add("protest")
        if kind == EXTRAJUDICIAL:
            chosen.add(rng.choice(_EXTRAJUDICIAL_TAGS))
        if chance(rng, 0.15):
            chosen.add(rng.choice(_EXTRA_TAGS))
        for slug in sorted(chosen):
            self.inserter.add(self.links["tags"], case_id=case_id, tag_id=tags[slug])

    # -- per defendant ----------------------------------------------------------------

    def _subject(
        self, rng, case, case_id, slot, person, kind, day, place, link, level, verdict, primary, court
    ) -> None:
        plan, people = self.plan, self.people
        person_id = people.id(person)
        stamp = moment(rng, clamp(day + rng.randint(0, 20)))
        self.inserter.add(
            Participant,
            uuid=new_uuid(rng),
            visibility=child_visibility(rng, level),
            case_id=case_id,
            person_id=person_id,
            role=_ROLE[kind],
            created_at=stamp,
            updated_at=stamp,
        )
        charged = self._charges(rng, case_id, person_id, plan.charges[slot], kind, day, level, verdict, primary)
        sentence = None
        if (
            charged
            and verdict.day is not None
            and verdict.status in ("convicted", "appeal")
            and chance(rng, _SENTENCED_SHARE.get(kind, 0.0))
        ):
            sentence = self.verdicts.sentence(rng, case_id, person_id, kind, verdict.day, level, court)
        count = plan.detentions[slot]
        if not count:
            return
        imprisoned = sentence is not None and sentence[0] == "imprisonment"
        if kind == CRIMINAL:
            kinds = criminal_kinds(rng, count, imprisoned)
        elif kind == ADMINISTRATIVE:
            kinds = administrative_kinds(count, sentence is not None and sentence[0] == "admin_arrest")
        else:
            kinds = ["apprehension"] * count
        prison_days = sentence[1] if imprisoned else None
        arrest_days = sentence[1] if sentence is not None and sentence[0] == "admin_arrest" else ARREST_DAYS.pick(rng)
        security = primary is not None and primary[1].freedom in (law.EXPRESSION, law.ASSOCIATION)
        assembly_id = self.assembly_first_id + link if link >= 0 else None
        extension_court = court or self.world.orgs.regional_courts.get(self.world.place_of_region(place))
        for held in plan_custody(rng, kinds, day, verdict.day, prison_days, arrest_days):
            detention = self.detentions.build(
                rng,
                held,
                self.inserter,
                person_id=person_id,
                place=place,
                level=child_visibility(rng, level),
                case_id=case_id,
                assembly_id=assembly_id,
                court_id=extension_court,
                security=security,
            )
            if chance(rng, 0.1):
                self.inserter.add(
                    self.links["detention_sources"],
                    detention_id=detention,
                    source_id=self.sources.near(rng, held.start),
                )

    def _charges(self, rng, case_id, person_id, count, kind, day, level, verdict, primary) -> bool:
        if not count or primary is None:
            return False
        pool = self.criminal_articles if kind == CRIMINAL else self.admin_articles
        chosen = [primary]
        for _attempt in range(20):
            if len(chosen) >= count:
                break
            candidate = pool.pick(rng)
            if candidate not in chosen:
                chosen.append(candidate)
        while len(chosen) < count:  # a very small article list: repeat the primary article
            chosen.append(primary)
        statuses = _CHARGE_STATUS[verdict.status]
        for article_id, article in chosen:
            filed, filed_precision = partial(rng, day + (rng.randint(0, 30) if kind == CRIMINAL else 0))
            stamp = moment(rng, clamp(day + rng.randint(0, 20)))
            self.inserter.add(
                Charge,
                uuid=new_uuid(rng),
                visibility=child_visibility(rng, level),
                case_id=case_id,
                defendant_id=person_id,
                article_id=article_id,
                filed_on=filed,
                filed_on_precision=filed_precision,
                status=statuses.pick(rng),
                certainty=CERTAINTY.pick(rng),
                description=article.title[:1].upper() + article.title[1:] if chance(rng, 0.3) else "",
                created_at=stamp,
                updated_at=stamp,
            )
        return True

    # -- lawyers, judges, events ------------------------------------------------------

    def _professionals(self, rng, case_id, kind, level, court, verdict, stamp) -> None:
        people = self.people
        if chance(rng, _LAWYERS[kind]):
            lawyers = {self.lawyer_ranks.index(rng) for _ in range(1 if chance(rng, 0.8) else 2)}
            for rank in sorted(lawyers):
                self._participant(rng, case_id, people.lawyers[rank], "lawyer", level, stamp)
        if court and verdict.status in ("trial", "convicted", "acquitted", "appeal") and chance(rng, 0.3):
            self._participant(rng, case_id, people.judges[self.judge_ranks.index(rng)], "judge", level, stamp)

    def _participant(self, rng, case_id, person, role, level, stamp) -> None:
        self.inserter.add(
            Participant,
            uuid=new_uuid(rng),
            visibility=child_visibility(rng, level),
            case_id=case_id,
            person_id=self.people.id(person),
            role=role,
            created_at=stamp,
            updated_at=stamp,
        )
