"""Dated events on synthetic cases — searches, interrogations, hearings, verdicts,
appeals, complaints, statements, harassment — in the order a case of its kind goes."""

from cases.models import Event

from . import texts
from .documents import Sources
from .plan import ADMINISTRATIVE, CIVIL, CRIMINAL, EXTRAJUDICIAL
from .population import People
from .randomness import CERTAINTY, chance, child_visibility, new_uuid, partial
from .reference import World
from .writer import Inserter


class Events:
    def __init__(self, inserter: Inserter, people: People, world: World, sources: Sources, ids):
        self.inserter, self.people, self.world, self.sources, self.ids = inserter, people, world, sources, ids
        self.link = Event.sources.through

    def add(self, rng, case_id, kind, day, level, verdict, subjects, city, stamp) -> None:
        events: list[tuple[str, int, int | None]] = []  # kind, day, person index
        first = subjects[0]
        if kind == CRIMINAL:
            if chance(rng, 0.35):
                events.append(("search", day - rng.randint(0, 3), first))
            if chance(rng, 0.3):
                events.append(("interrogation", day + rng.randint(0, 14), first))
            if verdict.day is not None:
                trial = verdict.day - rng.randint(20, 90)
                events.append(("trial_start", max(trial, day + 1), None))
                for _ in range(rng.randint(0, 2)):
                    events.append(("hearing", rng.randint(max(trial, day + 1), verdict.day), None))
                events.append(("verdict", verdict.day, None))
                if verdict.status == "appeal":
                    events.append(("appeal", verdict.day + rng.randint(30, 90), None))
                if chance(rng, 0.04):
                    events.append(("amnesty_refused", verdict.day + rng.randint(60, 400), first))
        elif kind == ADMINISTRATIVE:
            if chance(rng, 0.4):
                events.append(("hearing", day + rng.randint(0, 2), first))
            if verdict.status == "appeal":
                events.append(("appeal", day + rng.randint(7, 30), first))
        elif kind == CIVIL:
            for _ in range(rng.randint(1, 2)):
                events.append(("hearing", day + rng.randint(20, 200), None))
        elif kind == EXTRAJUDICIAL:
            for _ in range(rng.randint(1, 2)):
                events.append(("harassment", day + rng.randint(0, 60), first))
        else:  # TORTURE
            events.append(("complaint", day + rng.randint(1, 20), first))
            if chance(rng, 0.4):
                events.append(("interrogation", day + rng.randint(20, 90), first))
        if chance(rng, 0.12):
            events.append(("statement", day + rng.randint(1, 60), first))
        if chance(rng, 0.08):
            events.append(("complaint", day + rng.randint(1, 90), first))
        for event_kind, event_day, person in events:
            occurred, precision = partial(rng, event_day, exact=0.5)
            who = self.people.public_name(person, self.world) if person is not None else "the defendants"
            pk = self.ids.event
            self.ids.event += 1
            self.inserter.add(
                Event,
                pk=pk,
                uuid=new_uuid(rng),
                visibility=child_visibility(rng, level),
                case_id=case_id,
                person_id=self.people.id(person) if person is not None else None,
                kind=event_kind,
                occurred_on=occurred,
                occurred_on_precision=precision,
                description=texts.event_text(rng, event_kind, who, city),
                certainty=CERTAINTY.pick(rng),
                created_at=stamp,
                updated_at=stamp,
            )
            if chance(rng, 0.15):
                self.inserter.add(self.link, event_id=pk, source_id=self.sources.near(rng, event_day))
