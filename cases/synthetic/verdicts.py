"""Sentences for convicted defendants — prison terms, restricted freedom, fines in
monthly calculation indices, administrative arrests — now and then replaced by a
later sentence, and political-prisoner recognitions of those imprisoned."""

from cases.models import Sentence
from people.models import Recognition

from .documents import Sources
from .plan import CRIMINAL
from .randomness import CERTAINTY, LAST_DAY, Weighted, chance, child_visibility, clamp, moment, new_uuid, partial
from .reference import World
from .writer import Inserter

CRIMINAL_SENTENCE = Weighted(
    ("imprisonment", "restricted_freedom", "suspended", "fine", "activity_ban", "compulsory_treatment"),
    (45, 28, 10, 10, 4, 3),
)
ADMIN_SENTENCE = Weighted(("fine", "admin_arrest", "warning"), (60, 35, 5))
PRISON_YEARS = Weighted(range(1, 11), (6, 10, 12, 10, 12, 8, 8, 5, 3, 2))
ARREST_DAYS = Weighted((3, 5, 7, 10, 15, 20, 25, 30), (3, 8, 6, 30, 30, 10, 6, 7))
CRIMINAL_FINES = (100, 200, 500, 1000, 2000, 5000)
ADMIN_FINES = (10, 20, 30, 50, 100, 150, 200)
RECOGNISED_SHARE = 0.1


class Verdicts:
    def __init__(self, inserter: Inserter, world: World, sources: Sources, first_id: int):
        self.inserter, self.world, self.sources = inserter, world, sources
        self.link = Sentence.sources.through
        self.next_pk = first_id

    def sentence(self, rng, case_id, person_id, kind, verdict_day, level, court) -> tuple[str, int | None]:
        """Writes the sentence (and, now and then, a later one replacing it); returns the
        kind in force and its term in days (for the detention that follows)."""
        first = self._row(rng, case_id, person_id, kind, verdict_day, level, court, None, None)
        in_force, days = first
        if kind == CRIMINAL and in_force in ("restricted_freedom", "imprisonment") and chance(rng, 0.04):
            later = verdict_day + rng.randint(200, 900)
            if later <= LAST_DAY:
                replacement = "imprisonment" if in_force == "restricted_freedom" else "restricted_freedom"
                in_force, days = self._row(
                    rng, case_id, person_id, kind, later, level, court, self.next_pk - 1, replacement
                )
        if in_force == "imprisonment" and chance(rng, RECOGNISED_SHARE) and self.world.orgs.recognisers:
            self._recognition(rng, person_id, verdict_day, level)
        return in_force, days

    def _row(self, rng, case_id, person_id, kind, day, level, court, replaces, forced) -> tuple[str, int | None]:
        sentence_kind = forced or (CRIMINAL_SENTENCE if kind == CRIMINAL else ADMIN_SENTENCE).pick(rng)
        term, unit, fine, fine_unit, days = None, "", None, "", None
        if sentence_kind == "imprisonment":
            if chance(rng, 0.1):
                term, unit = rng.randint(6, 11), "months"
                days = term * 30
            else:
                term, unit = PRISON_YEARS.pick(rng), "years"
                days = term * 365
        elif sentence_kind in ("restricted_freedom", "suspended", "activity_ban"):
            term, unit = rng.randint(1, 5), "years"
        elif sentence_kind == "admin_arrest":
            term, unit = ARREST_DAYS.pick(rng), "days"
            days = term
        elif sentence_kind == "fine":
            fine, fine_unit = rng.choice(CRIMINAL_FINES if kind == CRIMINAL else ADMIN_FINES), "mci"
        sentenced, precision = partial(rng, day, exact=0.6)
        pk = self.next_pk
        self.next_pk += 1
        stamp = moment(rng, clamp(day + rng.randint(0, 10)))
        self.inserter.add(
            Sentence,
            pk=pk,
            uuid=new_uuid(rng),
            visibility=child_visibility(rng, level),
            case_id=case_id,
            defendant_id=person_id,
            kind=sentence_kind,
            term=term,
            term_unit=unit,
            fine_amount=fine,
            fine_unit=fine_unit,
            sentenced_on=sentenced,
            sentenced_on_precision=precision,
            court_id=court,
            replaces_id=replaces,
            certainty=CERTAINTY.pick(rng),
            created_at=stamp,
            updated_at=stamp,
        )
        if chance(rng, 0.25):
            self.inserter.add(self.link, sentence_id=pk, source_id=self.sources.near(rng, day))
        return sentence_kind, days

    def _recognition(self, rng, person_id, verdict_day, level) -> None:
        since_day = clamp(verdict_day + rng.randint(0, 120))
        since, since_precision = partial(rng, since_day, exact=0.7)
        until, until_precision = None, "day"
        if chance(rng, 0.3) and since_day + 200 <= LAST_DAY:
            until, until_precision = partial(rng, since_day + rng.randint(200, 1800), exact=0.7)
            if until < since:
                until, until_precision = since, since_precision
        stamp = moment(rng, since_day)
        self.inserter.add(
            Recognition,
            uuid=new_uuid(rng),
            visibility=child_visibility(rng, level),
            person_id=person_id,
            recognised_by_id=rng.choice(self.world.orgs.recognisers),
            since=since,
            since_precision=since_precision,
            until=until,
            until_precision=until_precision,
            certainty="confirmed" if chance(rng, 0.8) else "reported",
            created_at=stamp,
            updated_at=stamp,
        )
