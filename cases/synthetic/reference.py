"""Reference data the synthetic records point at: places, legal codes and articles,
tags, roles and facilities (found or created by their natural keys, shared with the
demo data and kept by ``--clear``), and the organizations of the synthetic world
(parties, NGOs, media, courts, police — created and marked as synthetic)."""

import datetime
import random
from dataclasses import dataclass, field

from anyascii import anyascii
from django.utils.text import slugify

from cases.models import Facility, LegalArticle, LegalCode
from kazmonitor.models import Location, Tag
from kazmonitor.search import name_key
from people.models import Organization, Role

from . import law, places
from .names import words
from .randomness import Weighted, chance, moment, new_uuid, partial, timeline_day, visibility
from .writer import Inserter, next_id

MARK = "[synthetic]"


def mark(seed: int) -> str:
    """The internal note that identifies synthetic records (and the seed that made them)."""
    return f"{MARK} generate_data --seed {seed}"


@dataclass
class Place:
    id: int
    name: str
    name_local: str
    region: int  # index of the region-level place (itself for regions and republican cities)
    is_city: bool


@dataclass
class Orgs:
    """Organization ids by what the generator needs them for."""

    city_courts: dict[int, list[int]] = field(default_factory=dict)  # place index → district/city courts
    admin_courts: dict[int, int] = field(default_factory=dict)  # region index → administrative court
    regional_courts: dict[int, int] = field(default_factory=dict)  # region index → regional court
    police: dict[int, int] = field(default_factory=dict)  # region index → police department
    security: dict[int, int] = field(default_factory=dict)  # region index → National Security Committee dept.
    political: list[int] = field(default_factory=list)  # parties, movements, unions, religious communities
    ngos: list[int] = field(default_factory=list)
    recognisers: list[int] = field(default_factory=list)
    media: list[int] = field(default_factory=list)
    total: int = 0


@dataclass
class Facilities:
    holding: dict[int, int] = field(default_factory=dict)  # city place index → temporary holding facility
    special: dict[int, int] = field(default_factory=dict)  # city place index → special detention centre
    pretrial: dict[int, int] = field(default_factory=dict)  # region index → pre-trial detention centre
    colonies: list[int] = field(default_factory=list)
    psychiatric: list[int] = field(default_factory=list)


@dataclass
class World:
    places: list[Place]
    cities: Weighted  # place indices of cities, weighted by activity
    articles: dict[str, tuple[int, law.Article]]  # slug → (id, article)
    tags: dict[str, int]
    roles: dict[str, int]
    facilities: Facilities
    orgs: Orgs = field(default_factory=Orgs)

    def place_of_region(self, place: int) -> int:
        return self.places[place].region


def load_reference() -> World:
    """Places, codes, articles, tags, roles and facilities: found or created."""
    country, _ = Location.objects.get_or_create(
        slug=places.COUNTRY.slug,
        defaults={"name": places.COUNTRY.name, "name_local": places.COUNTRY.name_local, "kind": "country"},
    )
    found: list[Place] = []
    city_indices, city_weights = [], []

    def add(spec, kind: str, parent: Location, region: int | None) -> int:
        location, _ = Location.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "name_local": spec.name_local, "kind": kind, "parent": parent}
        )
        index = len(found)
        found.append(
            Place(location.pk, spec.name, spec.name_local, index if region is None else region, kind == "city")
        )
        if kind == "city":
            city_indices.append(index)
            city_weights.append(spec.weight)
        return index

    for city in places.REPUBLICAN_CITIES:
        add(city, "city", country, None)
    for region in places.REGIONS:
        region_location = Location.objects.get_or_create(
            slug=region.slug,
            defaults={"name": region.name, "name_local": region.name_local, "kind": "region", "parent": country},
        )[0]
        region_index = len(found)
        found.append(Place(region_location.pk, region.name, region.name_local, region_index, False))
        for city in region.cities:
            add(city, "city", region_location, region_index)

    codes = {
        slug: LegalCode.objects.get_or_create(
            slug=slug, defaults={"country": country_code, "short_name": short, "name": name}
        )[0]
        for slug, (country_code, short, name) in law.CODES.items()
    }
    articles = {}
    for article in law.ALL_ARTICLES:
        row, _ = LegalArticle.objects.get_or_create(
            code=codes[article.code],
            number=article.number,
            part=article.part,
            defaults={"slug": article.slug, "title": article.title, "title_ru": article.title_ru, "language": "en"},
        )
        articles[article.slug] = (row.pk, article)
    tags = {
        slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0].pk for slug, name in law.TAGS.items()
    }
    roles = {role.slug: role.pk for role in Role.objects.all()}
    world = World(found, Weighted(city_indices, city_weights), articles, tags, roles, Facilities())
    _load_facilities(world)
    return world


def _facility(name: str, kind: str, location_id: int) -> int:
    return Facility.objects.get_or_create(name=name, location_id=location_id, defaults={"kind": kind})[0].pk


def _load_facilities(world: World) -> None:
    facilities = world.facilities
    for index, place in enumerate(world.places):
        if place.is_city:
            facilities.holding[index] = _facility(
                f"Temporary holding facility of the {place.name} police", Facility.Kind.TEMPORARY, place.id
            )
            facilities.special[index] = _facility(
                f"Special detention centre of the {place.name} police", Facility.Kind.TEMPORARY, place.id
            )
        if place.region == index:
            facilities.pretrial[index] = _facility(
                f"Pre-trial detention centre of {place.name}", Facility.Kind.PRETRIAL, place.id
            )
            if not place.is_city:
                for number in (1, 2):
                    facilities.colonies.append(
                        _facility(
                            f"Penal colony no. {index * 10 + number}, {place.name}", Facility.Kind.COLONY, place.id
                        )
                    )
    for index in (0, 1):  # Almaty and Astana
        facilities.psychiatric.append(
            _facility(
                f"Psychiatric hospital with intensive supervision, {world.places[index].name}",
                Facility.Kind.PSYCHIATRIC,
                world.places[index].id,
            )
        )


# (name, name in Russian, abbreviation, kind, legal status, year banned or None)
POLITICAL = (
    ("Democratic Path Party", "Партия «Демократический путь»", "DPP", "party", "unregistered", None),
    ("People's Voice Party", "Партия «Голос народа»", "", "party", "registered", None),
    ("Green Steppe Party", "Партия «Зелёная степь»", "", "party", "registered", None),
    ("Erkin Qazaq", "Движение «Еркін Қазақ»", "EQ", "movement", "banned", 2018),
    ("Free Steppe Movement", "Движение «Свободная степь»", "FSM", "movement", "banned", 2020),
    ("Jana Qadam", "Движение «Жаңа Қадам»", "", "movement", "unregistered", None),
    ("Youth for Change", "Движение «Молодёжь за перемены»", "", "movement", "unregistered", None),
    ("Workers' Solidarity", "Профсоюз «Солидарность трудящихся»", "", "union", "liquidated", None),
    ("Aqiqat Community", "Религиозная община «Акикат»", "", "religious", "unregistered", None),
)

RECOGNISERS = (
    ("Steppe Human Rights Centre", "Правозащитный центр «Дала»", "SHRC"),
    ("Commission on Political Prisoners", "Комиссия по политзаключённым", "CPP"),
    ("Central Asian Rights Network", "Центральноазиатская правозащитная сеть", "CARN"),
)

_WORDS = words(
    "Ашық Адал Азат Жарқын Ақиқат Әділ Бірлік Намыс Сана Үміт Жол Дауыс Қоғам Болашақ Өркен Тірек Қорған Ерік "
    "Арман Шуақ Сенім Тілек Дала Мейірім Қамқор Жаңа Таза Бостандық Ар Көмек"
)
_NGO_FORMS = (
    ("Public Foundation", "Общественный фонд", "ngo"),
    ("Public Association", "Общественное объединение", "ngo"),
    ("Legal Aid Centre", "Центр правовой помощи", "ngo"),
    ("Initiative Group", "Инициативная группа", "ngo"),
    ("Media", "Медиа", "media"),
)
_NGO_STATUS = Weighted(("registered", "unregistered", "liquidated", "banned"), (72, 19, 6, 3))

# Districts with their own courts in the cities of republican significance.
DISTRICTS = {
    0: words("Almaly Auezov Bostandyk Medeu Alatau Zhetysu Nauryzbay Turksib"),
    1: words("Almaty Yesil Saryarka Baikonur Nura"),
    2: words("Al-Farabi Abai Enbekshi Karatau"),
}


class OrganizationWriter:
    """Creates the synthetic world's organizations, with explicit ids."""

    def __init__(self, world: World, inserter: Inserter, rng: random.Random, seed: int, taken_slugs: set[str]):
        self.world, self.inserter, self.rng, self.note = world, inserter, rng, mark(seed)
        self.next_pk = next_id(Organization)
        self.slugs = taken_slugs

    def add(
        self,
        name: str,
        name_local: str,
        kind: str,
        *,
        abbreviation: str = "",
        place: int | None = None,
        legal_status: str = "n/a",
        banned_year: int | None = None,
        level: int | None = None,
    ) -> int:
        rng = self.rng
        base = slugify(anyascii(name))[:180] or "organization"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        banned_on, banned_precision, banned_by = None, "day", None
        if legal_status == "banned":
            day = timeline_day(rng) if banned_year is None else rng.randint(*_year_bounds(banned_year))
            banned_on, banned_precision = partial(rng, day, exact=0.5)
            courts = self.world.orgs.city_courts.get(1) or []
            banned_by = courts[0] if courts else None
        created = moment(rng, timeline_day(rng))
        pk = self.next_pk
        self.next_pk += 1
        self.inserter.add(
            Organization,
            pk=pk,
            uuid=new_uuid(rng),
            visibility=visibility(rng) if level is None else level,
            name=name,
            name_local=name_local,
            abbreviation=abbreviation,
            slug=slug,
            kind=kind,
            legal_status=legal_status,
            banned_on=banned_on,
            banned_on_precision=banned_precision,
            banned_by_id=banned_by,
            location_id=self.world.places[place].id if place is not None else None,
            language="en",
            internal_notes=self.note,
            name_key=" | ".join(name_key(v) for v in (name, name_local, abbreviation) if v),
            created_at=created,
            updated_at=created,
        )
        self.world.orgs.total += 1
        return pk


def _year_bounds(year: int) -> tuple[int, int]:
    return datetime.date(year, 1, 1).toordinal(), datetime.date(year, 12, 31).toordinal()


def write_organizations(world: World, inserter: Inserter, rng: random.Random, seed: int, ngos: int) -> None:
    """State bodies and courts for every region and city, the political organizations
    and recognising NGOs, then ``ngos`` generated NGOs and media outlets."""
    taken = set(Organization.objects.values_list("slug", flat=True))
    writer = OrganizationWriter(world, inserter, rng, seed, taken)
    orgs, public = world.orgs, 20
    for index, place in enumerate(world.places):
        if place.region == index:
            orgs.police[index] = writer.add(
                f"Police Department of {place.name}",
                f"Департамент полиции {place.name_local}",
                "state_body",
                place=index,
                level=public,
            )
            orgs.security[index] = writer.add(
                f"National Security Committee Department for {place.name}",
                f"Департамент КНБ {place.name_local}",
                "state_body",
                abbreviation="KNB",
                place=index,
                level=public,
            )
            court, court_ru = ("City Court", "Городской суд") if place.is_city else ("Regional Court", "Областной суд")
            orgs.regional_courts[index] = writer.add(
                f"{place.name} {court}", f"{court_ru} ({place.name_local})", "court", place=index, level=public
            )
        if place.is_city:
            orgs.admin_courts.setdefault(
                place.region,
                writer.add(
                    f"Specialised Inter-District Administrative Court of {place.name}",
                    f"Специализированный межрайонный административный суд {place.name_local}",
                    "court",
                    place=index,
                    level=public,
                ),
            )
            districts = DISTRICTS.get(index)
            if districts:
                orgs.city_courts[index] = [
                    writer.add(
                        f"{district} District Court of {place.name}",
                        f"Районный суд {district}, {place.name_local}",
                        "court",
                        place=index,
                        level=public,
                    )
                    for district in districts
                ]
            else:
                orgs.city_courts[index] = [
                    writer.add(
                        f"{place.name} City Court No. 2",
                        f"Городской суд №2 {place.name_local}",
                        "court",
                        place=index,
                        level=public,
                    )
                ]
    for name, local, abbreviation, kind, status, banned in POLITICAL:
        orgs.political.append(
            writer.add(
                name,
                local,
                kind,
                abbreviation=abbreviation,
                place=world.cities.pick(rng),
                legal_status=status,
                banned_year=banned,
                level=public,
            )
        )
    for name, local, abbreviation in RECOGNISERS:
        pk = writer.add(name, local, "ngo", abbreviation=abbreviation, place=0, legal_status="registered", level=public)
        orgs.recognisers.append(pk)
        orgs.ngos.append(pk)
    forms = Weighted(_NGO_FORMS, (30, 25, 15, 15, 15))
    for _ in range(ngos):
        words = rng.sample(_WORDS, 2)
        english_form, russian_form, kind = forms.pick(rng)
        latin = " ".join(anyascii(word) for word in words)
        local = " ".join(words)
        if kind == "media":
            name, name_local = f"{latin} {english_form}", f"{local} {russian_form}"
        else:
            name, name_local = f"{english_form} “{latin}”", f"{russian_form} «{local}»"
        if english_form == "Initiative Group":
            status = "unregistered"
        else:
            status = _NGO_STATUS.pick(rng) if kind == "ngo" else "registered"
        pk = writer.add(name, name_local, kind, place=world.cities.pick(rng), legal_status=status)
        (orgs.media if kind == "media" else orgs.ngos).append(pk)
        if kind == "ngo" and chance(rng, 0.01):
            orgs.recognisers.append(pk)
