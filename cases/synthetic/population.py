"""Synthetic persons: names in Cyrillic with their Latin form, aliases, roles,
protected identities with pseudonyms, memberships. Only small integer arrays per
person are kept (name parts, place, protection), from which any later stage can
rebuild the name the public may see."""

import datetime
import random
from array import array
from dataclasses import dataclass, field

from anyascii import anyascii
from django.utils.text import slugify

from kazmonitor.search import name_key
from people.models import Membership, Person, PersonAlias

from . import names, texts
from .randomness import (
    Weighted,
    chance,
    moment,
    new_uuid,
    partial,
    timeline_day,
    visibility,
)
from .reference import World, mark
from .writer import Inserter, Stats, next_id

# Every given name and surname form, indexed; a person keeps two indices.
GIVEN = [*names.KAZAKH_MALE, *names.KAZAKH_FEMALE, *names.RUSSIAN_MALE, *names.RUSSIAN_FEMALE]
_given_index = {name: index for index, name in enumerate(GIVEN)}
_surnames: list[str] = []
_surname_index: dict[str, int] = {}


def _surname(value: str) -> int:
    if value not in _surname_index:
        _surname_index[value] = len(_surnames)
        _surnames.append(value)
    return _surname_index[value]


KAZAKH_SURNAMES = [(_surname(s), _surname(names.feminine_surname(s))) for s in names.KAZAKH_SURNAMES]
PATRONYMIC_SURNAMES = [(_surname(f"{s}ұлы"), _surname(f"{s}қызы")) for s in names.KAZAKH_PATRONYMIC_STEMS]
NEUTRAL_SURNAMES = [(_surname(s), _surname(s)) for s in names.NEUTRAL_SURNAMES]
RUSSIAN_SURNAMES = [(_surname(s), _surname(names.feminine_surname(s))) for s in names.RUSSIAN_SURNAMES]
SURNAMES = _surnames

GIVEN_LATIN = [anyascii(name) for name in GIVEN]
SURNAMES_LATIN = [anyascii(name) for name in SURNAMES]

# Russian spelling of Kazakh letters, as Russian-language media write Kazakh names.
_RUSSIAN_SPELLING = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
# A second common Latin spelling: "Qayrat" → "Kairat", "Zhanar" → "Janar".
_LATIN_VARIANTS = (("Q", "K"), ("q", "k"), ("ay", "ai"), ("Gh", "G"), ("gh", "g"), ("Zh", "J"), ("iy", "i"))

_GIVEN_POOLS = {
    ("kazakh", "male"): [_given_index[n] for n in names.KAZAKH_MALE],
    ("kazakh", "female"): [_given_index[n] for n in names.KAZAKH_FEMALE],
    ("russian", "male"): [_given_index[n] for n in names.RUSSIAN_MALE],
    ("russian", "female"): [_given_index[n] for n in names.RUSSIAN_FEMALE],
}
_KAZAKH_SURNAME_STYLE = Weighted((KAZAKH_SURNAMES, PATRONYMIC_SURNAMES, NEUTRAL_SURNAMES), (75, 15, 10))
_ETHNICITY = Weighted(("kazakh", "russian", "other"), (72, 20, 8))
_ROLES_OF_SUBJECTS = Weighted(
    (
        "activist",
        "civic-activist",
        "protester",
        "blogger",
        "journalist",
        "human-rights-defender",
        "opposition-politician",
        "religious-believer",
        "trade-unionist",
        None,
    ),
    (30, 15, 25, 8, 5, 4, 3, 4, 3, 20),
)
_MEMBERSHIP_ROLES = Weighted(
    ("member", "activist", "volunteer", "coordinator", "founder", "leader"), (60, 12, 12, 8, 5, 3)
)
_CONTACTS = ("Through the lawyer.", "Through relatives only.", "Messenger, via the regional coordinator.")
_NOTES = (
    "Relatives asked not to publish the home address.",
    "Information confirmed by the lawyer by phone.",
    "Needs medical assistance in custody.",
)


@dataclass
class People:
    """What later stages need to know about each person, as compact arrays."""

    first_id: int
    count: int
    lawyers: range  # person indices
    judges: range
    subjects: range
    given: array = field(default_factory=lambda: array("H"))
    surname: array = field(default_factory=lambda: array("H"))
    place: array = field(default_factory=lambda: array("H"))
    protected: array = field(default_factory=lambda: array("B"))
    pseudonym_role: array = field(default_factory=lambda: array("B"))
    pseudonym_letter: array = field(default_factory=lambda: array("B"))

    def id(self, index: int) -> int:
        return self.first_id + index

    def name(self, index: int) -> str:
        return f"{GIVEN[self.given[index]]} {SURNAMES[self.surname[index]]}"

    def name_latin(self, index: int) -> str:
        return f"{GIVEN_LATIN[self.given[index]]} {SURNAMES_LATIN[self.surname[index]]}"

    def pseudonym(self, index: int, world: World) -> str:
        if not self.protected[index]:
            return ""
        role = names.PSEUDONYM_ROLES[self.pseudonym_role[index]]
        letter = chr(ord("A") + self.pseudonym_letter[index])
        return f"{role} {letter}. from {world.places[self.place[index]].name}"

    def public_name(self, index: int, world: World) -> str:
        """As ``Person.public_name``: the pseudonym of a protected identity, else the Latin name."""
        return self.pseudonym(index, world) if self.protected[index] else self.name_latin(index)

    def public_name_local(self, index: int, world: World) -> str:
        return self.pseudonym(index, world) if self.protected[index] else self.name(index)


def plan_people(count: int) -> People:
    lawyers = max(1, round(count * 0.02))
    judges = max(1, round(count * 0.01))
    return People(
        first_id=next_id(Person),
        count=count,
        lawyers=range(0, lawyers),
        judges=range(lawyers, lawyers + judges),
        subjects=range(lawyers + judges, count),
    )


def _draw_name(rng: random.Random) -> tuple[str, int, int]:
    gender = "female" if rng.random() < 0.38 else "male"
    ethnicity = _ETHNICITY.pick(rng)
    female = gender == "female"
    if ethnicity == "kazakh":
        given = rng.choice(_GIVEN_POOLS["kazakh", gender])
        surname = rng.choice(_KAZAKH_SURNAME_STYLE.pick(rng))[female]
    elif ethnicity == "russian":
        given = rng.choice(_GIVEN_POOLS["russian", gender])
        surname = rng.choice(RUSSIAN_SURNAMES)[female]
    else:
        given = rng.choice(_GIVEN_POOLS["kazakh" if rng.random() < 0.5 else "russian", gender])
        surname = rng.choice(NEUTRAL_SURNAMES)[female]
    return gender, given, surname


def _aliases(rng: random.Random, name: str, latin: str, female: bool) -> list[tuple[str, str]]:
    """Other spellings under which the person appears in reports."""
    found: list[tuple[str, str]] = []
    russian = name.translate(_RUSSIAN_SPELLING)
    if russian != name:
        found.append((russian, PersonAlias.Kind.OTHER.value))
    variant = latin
    for old, new in _LATIN_VARIANTS:
        variant = variant.replace(old, new)
    if variant != latin:
        found.append((variant, PersonAlias.Kind.TRANSLITERATION.value))
    if female and chance(rng, 0.15):
        maiden = rng.choice(KAZAKH_SURNAMES)[1]
        found.append((f"{name.split(' ')[0]} {SURNAMES[maiden]}", PersonAlias.Kind.MAIDEN.value))
    if chance(rng, 0.05):
        found.append((rng.choice(names.NICKNAME_WORDS), PersonAlias.Kind.NICKNAME.value))
    unique = []
    for alias in found:
        if alias[0] not in (name, latin) and alias[0] not in [a for a, _ in unique]:
            unique.append(alias)
    return unique


def write_people(people: People, world: World, rng: random.Random, seed: int, stats: Stats, sources) -> None:
    """Persons with aliases, roles, sources and memberships."""
    roles_link = Person.roles.through
    sources_link = Person.sources.through
    inserter = Inserter((Person, PersonAlias, roles_link, sources_link, Membership), stats)
    note = mark(seed)
    slugs: dict[str, int] = {}
    memberships = Weighted(
        world.orgs.political + world.orgs.ngos,
        [40] * len(world.orgs.political) + [1] * len(world.orgs.ngos),
    )
    lawyer_role, roles = world.roles.get("lawyer"), world.roles
    for index in range(people.count):
        gender, given, surname = _draw_name(rng)
        place = world.cities.pick(rng) if rng.random() < 0.9 else world.place_of_region(world.cities.pick(rng))
        protected = index in people.subjects and chance(rng, 0.03)
        people.given.append(given)
        people.surname.append(surname)
        people.place.append(place)
        people.protected.append(protected)
        people.pseudonym_role.append(rng.randrange(len(names.PSEUDONYM_ROLES)))
        people.pseudonym_letter.append(rng.randrange(26))
        name, latin, pseudonym = people.name(index), people.name_latin(index), people.pseudonym(index, world)
        base = slugify(pseudonym if protected else latin) or "person"
        number = slugs[base] = slugs.get(base, 0) + 1
        slug = base if number == 1 else f"{base}-{number}"
        pk = people.id(index)
        first_day = timeline_day(rng)
        created = moment(rng, first_day)
        city = world.places[place].name
        biography = (
            rng.choice(texts.BIOGRAPHIES).format(city=city, year=texts_year(first_day)) if chance(rng, 0.25) else ""
        )
        inserter.add(
            Person,
            pk=pk,
            uuid=new_uuid(rng),
            visibility=visibility(rng),
            name=name,
            name_latin=latin,
            slug=slug,
            gender="" if chance(rng, 0.04) else gender,
            birth_year=rng.randint(1945, 2004) if chance(rng, 0.8) else None,
            location_id=world.places[place].id,
            language="en",
            biography=biography,
            identity_protected=protected,
            pseudonym=pseudonym,
            protected_at=created if protected else None,  # protected from the start
            internal_notes=f"{note}\n{rng.choice(_NOTES)}" if chance(rng, 0.1) else note,
            contacts=rng.choice(_CONTACTS) if chance(rng, 0.2) else "",
            name_key=f"{name_key(name)} | {name_key(latin)}",
            pseudonym_key=name_key(pseudonym),
            created_at=created,
            updated_at=created,
        )
        if chance(rng, 0.3):
            for alias, kind in _aliases(rng, name, latin, gender == "female"):
                inserter.add(PersonAlias, person_id=pk, name=alias, kind=kind, name_key=name_key(alias))
        role = lawyer_role if index in people.lawyers else roles.get(_ROLES_OF_SUBJECTS.pick(rng) or "")
        if role and index not in people.judges:
            inserter.add(roles_link, person_id=pk, role_id=role)
        if chance(rng, 0.15):
            inserter.add(sources_link, person_id=pk, source_id=sources.near(rng, first_day))
        if index in people.subjects and chance(rng, 0.25):
            for organization in {memberships.pick(rng) for _ in range(1 if chance(rng, 0.85) else 2)}:
                since, since_precision = partial(rng, first_day - rng.randint(0, 2000))
                until, until_precision = None, "day"
                if chance(rng, 0.3):
                    until, until_precision = partial(rng, since.toordinal() + rng.randint(60, 2500))
                    if until < since:
                        until, until_precision = since, since_precision
                inserter.add(
                    Membership,
                    uuid=new_uuid(rng),
                    visibility=visibility(rng),
                    person_id=pk,
                    organization_id=organization,
                    role=_MEMBERSHIP_ROLES.pick(rng),
                    since=since,
                    since_precision=since_precision,
                    until=until,
                    until_precision=until_precision,
                    created_at=created,
                    updated_at=created,
                )
        if inserter.pending(Person) >= inserter.batch_size:
            inserter.flush()
            stats.progress("persons", index + 1, people.count)
    inserter.flush()


def texts_year(day: int) -> int:
    return datetime.date.fromordinal(day).year
