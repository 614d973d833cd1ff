"""Kazakhstan's regions (since 2022) and cities for synthetic data, with weights for
how often monitors record cases there (a rough guide: big cities and the regions of
past unrest weigh more). Slugs match the demo data where both name a place."""

from typing import NamedTuple


class Place(NamedTuple):
    slug: str
    name: str
    name_local: str
    weight: int


class Region(NamedTuple):
    slug: str
    name: str
    name_local: str
    weight: int
    cities: tuple[Place, ...]


COUNTRY = Place("kazakhstan", "Kazakhstan", "Қазақстан", 0)

# Cities of republican significance: outside any region, their parent is the country.
REPUBLICAN_CITIES = (
    Place("almaty", "Almaty", "Алматы", 30),
    Place("astana", "Astana", "Астана", 18),
    Place("shymkent", "Shymkent", "Шымкент", 10),
)


def _cities(*rows: tuple[str, str, str, int]) -> tuple[Place, ...]:
    return tuple(Place(*row) for row in rows)


REGIONS = (
    Region("abai-region", "Abai Region", "Абай облысы", 3, _cities(("semey", "Semey", "Семей", 3))),
    Region(
        "akmola-region",
        "Akmola Region",
        "Ақмола облысы",
        2,
        _cities(("kokshetau", "Kokshetau", "Көкшетау", 2), ("stepnogorsk", "Stepnogorsk", "Степногорск", 1)),
    ),
    Region("aktobe-region", "Aktobe Region", "Ақтөбе облысы", 5, _cities(("aktobe", "Aktobe", "Ақтөбе", 5))),
    Region(
        "almaty-region",
        "Almaty Region",
        "Алматы облысы",
        4,
        _cities(("konaev", "Konaev", "Қонаев", 2), ("kaskelen", "Kaskelen", "Қаскелең", 2)),
    ),
    Region(
        "atyrau-region",
        "Atyrau Region",
        "Атырау облысы",
        4,
        _cities(("atyrau", "Atyrau", "Атырау", 4), ("kulsary", "Kulsary", "Құлсары", 1)),
    ),
    Region(
        "east-kazakhstan-region",
        "East Kazakhstan Region",
        "Шығыс Қазақстан облысы",
        3,
        _cities(("oskemen", "Oskemen", "Өскемен", 3), ("ridder", "Ridder", "Риддер", 1)),
    ),
    Region("jambyl-region", "Jambyl Region", "Жамбыл облысы", 3, _cities(("taraz", "Taraz", "Тараз", 3))),
    Region(
        "jetisu-region", "Jetisu Region", "Жетісу облысы", 2, _cities(("taldykorgan", "Taldykorgan", "Талдықорған", 2))
    ),
    Region(
        "karaganda-region",
        "Karaganda Region",
        "Қарағанды облысы",
        4,
        _cities(("karaganda", "Karaganda", "Қарағанды", 4), ("temirtau", "Temirtau", "Теміртау", 2)),
    ),
    Region(
        "kostanay-region",
        "Kostanay Region",
        "Қостанай облысы",
        2,
        _cities(("kostanay", "Kostanay", "Қостанай", 2), ("rudny", "Rudny", "Рудный", 1)),
    ),
    Region(
        "kyzylorda-region",
        "Kyzylorda Region",
        "Қызылорда облысы",
        2,
        _cities(("kyzylorda", "Kyzylorda", "Қызылорда", 2)),
    ),
    Region(
        "mangystau-region",
        "Mangystau Region",
        "Маңғыстау облысы",
        6,
        _cities(("aktau", "Aktau", "Ақтау", 4), ("zhanaozen", "Zhanaozen", "Жаңаөзен", 5)),
    ),
    Region(
        "north-kazakhstan-region",
        "North Kazakhstan Region",
        "Солтүстік Қазақстан облысы",
        1,
        _cities(("petropavl", "Petropavl", "Петропавл", 2)),
    ),
    Region(
        "pavlodar-region",
        "Pavlodar Region",
        "Павлодар облысы",
        2,
        _cities(("pavlodar", "Pavlodar", "Павлодар", 2), ("ekibastuz", "Ekibastuz", "Екібастұз", 1)),
    ),
    Region(
        "turkistan-region",
        "Turkistan Region",
        "Түркістан облысы",
        3,
        _cities(("turkistan", "Turkistan", "Түркістан", 2), ("kentau", "Kentau", "Кентау", 1)),
    ),
    Region("ulytau-region", "Ulytau Region", "Ұлытау облысы", 1, _cities(("zhezkazgan", "Zhezkazgan", "Жезқазған", 1))),
    Region(
        "west-kazakhstan-region",
        "West Kazakhstan Region",
        "Батыс Қазақстан облысы",
        3,
        _cities(("oral", "Oral", "Орал", 3)),
    ),
)

# Where things happen in a city, for assemblies.
ASSEMBLY_PLACES = (
    ("on the central square", "на центральной площади"),
    ("in front of the akimat", "у здания акимата"),
    ("near the monument to Abai", "у памятника Абаю"),
    ("in front of the regional court", "у здания областного суда"),
    ("outside the prosecutor's office", "у здания прокуратуры"),
    ("in the city park", "в городском парке"),
    ("near the Russian consulate", "у российского консульства"),
    ("outside the police department", "у здания департамента полиции"),
    ("at the oil workers' square", "на площади нефтяников"),
    ("on the main avenue", "на главном проспекте"),
)
