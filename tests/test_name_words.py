"""The person name search by words (PostgreSQL, people 0008) finds exactly what the
trigram path finds (``name_key`` containing the searched text's key), in the same
order, for names in every script, cut anywhere; protected persons only by pseudonym
unless staff search. The word lexicon follows every kind of write. On SQLite the same
searches keep their one path and give the same answers."""

import json
import random

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from kazmonitor import search
from kazmonitor.models import Visibility
from kazmonitor.search import has_word, is_short, name_key
from people.models import Person, PersonAlias
from tests.api_support import anonymous_fixture, body  # noqa: F401
from tests.factories import PersonAliasFactory, PersonFactory
from tests.test_search_words import lexicon as words_of_lexicon

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC
API_PAGE = f"api person page {int(PUBLIC)} first"  # the API person search's page (people.api.search_page)

# (name as written, Latin name, aliases, options)
PEOPLE = (
    ("Сабыр Жанатұлы", "Sabyr Zhanatuly", ("Sabir Zhanatuli", "Жанатұлы Сабыр"), {}),
    ("Қасым-Жомарт Әбілқайыр", "", (), {}),
    ("Мамай Айдос", "Mamay Aidos", (), {}),
    ("Айгүл Мамаева", "Aigul Mamayeva", ("Мамаева А.",), {}),
    ("O'Brien Patrick", "", ("Патрик О’Брайен",), {}),
    ("Ли Ан", "Li An", (), {}),
    ("Ан Ли Ао", "", (), {}),
    ("Оссипов Алла", "Ossipov Alla", ("Ossippova",), {}),
    ("Нұрсұлтан Әбішұлы Назарбаев", "Nursultan Abishuly Nazarbayev", (), {}),
    ("Анна-Мария Ким", "Anna-Maria Kim", ("Ким Анна",), {}),
    ("Жанна Ахметова", "Zhanna Akhmetova", ("Жанна Кузнецова",), {}),
    ("Хуршид Хасанов", "Khurshid Khasanov", (), {}),
    ("Щукин Максим", "Shchukin Maxim", (), {}),
    ("Ән Ли", "", (), {}),
    ("Ли", "Li", (), {}),
    ("Бекұлы Ерлан", "Bekuly Yerlan", ("Zarkum Bekov",), {}),
    ("Ғалым Өмірзақ Ұлықбекұлы", "Galym Omirzak", ("Һ-Ңұр Үкімет",), {}),
    ("Sabyr Zhanatulyzhanatuly", "", (), {}),
    ("Мамай", "", (), {}),
    ("Жан Мамаевич Ли-Ан", "Zhan Mamayevich Li-An", (), {}),
    ("Щ" * 100 + " Ащ", "", (), {}),
    ("Zhanatuly", "", (), {"pseudonym": "Secret Mamay"}),  # a pseudonym without protection is never searched
    (
        "Асқар Жанатұлы",
        "Askar Zhanatuly",
        ("Askar Zh. real alias", "Мамай Асқар"),
        {"identity_protected": True, "pseudonym": "Blogger from Zhanatuly street"},
    ),
    ("Нұрлан Сейітов", "Nurlan Seitov", (), {"identity_protected": True, "pseudonym": "Witness A"}),
    ("Ерлан Қожа", "Yerlan Kozha", (), {"identity_protected": True, "pseudonym": "Активист из Шымкента"}),
    ("Айдос Мамаев", "Aidos Mamayev", (), {"identity_protected": True, "pseudonym": "Ли Ан"}),
    ("Dana Zhanatuly", "", ("Дана Мамай",), {"visibility": Visibility.PARTNERS}),
    ("Internal Mamay", "", ("Ішкі Жанатұлы",), {"visibility": Visibility.INTERNAL}),
)

TEXTS = (
    # whole names and surnames, any script and transliteration
    *("Сабыр Жанатұлы", "Sabyr Zhanatuly", "sabir zhanatuli", "Жанатұлы", "Zhanatuly", "ZHANATULY SABYR"),
    *("Мамай", "Mamay", "Mamai", "мамаева", "Mamayeva", "Mamaev", "Қасым-Жомарт", "Kasym Zhomart"),
    *("Әбілқайыр", "Abilkaiyr", "O'Brien", "OBrien", "O’Брайен", "О'Брайен", "Патрик", "Patrick"),
    *("Нұрсұлтан Әбішұлы Назарбаев", "Nursultan Nazarbayev", "Әбішұлы Назар", "Anna-Maria", "Анна Мария"),
    *("Анна-Мар", "Ким Анна", "Anna Kim", "Maria Kim", "Ахметова", "Akhmetova", "Ahmetova", "Кузнецова"),
    *("Хуршид", "Khurshid", "Hurshid", "Хасан", "Shchukin", "Щукин", "Maxim", "Maksim", "Максим"),
    *("Ossipov", "Osipov", "Оссипов", "Осипов", "Алла", "Ala", "Ossipova", "Ossippova", "Bekov", "Zarkum Bekov"),
    *("Zarkumbekov", "Галым", "Ғалым Өмірзақ", "Omirzak", "Өмірзақ Ұлықбек", "Һ-Ңұр", "Ңұр Үкім", "Үкімет"),
    *("Zhanatulyzhanatuly", "tulyzhan", "Zhan Mamayevich", "Mamayevich Li", "Li-An", "Ли-Ан", "ich Li-A"),
    # protected persons: by pseudonym only in public searches
    *("Blogger", "Blogger from Zhanatuly", "from Zhanatuly street", "Askar", "Асқар Жанатұлы", "real alias"),
    *("Witness", "Witness A", "Seitov", "Активист из Шымкента", "Aktivist iz Shymkenta", "Шымкент", "Kozha"),
    *("Secret Mamay", "Secret", "Мамай Асқар", "Мамаев", "Айдос", "Aidos Mamayev", "Dana", "Internal", "Ішкі"),
    # parts cut anywhere inside words and across them
    *("anatul", "АНАТҰ", "atuli", "abir zhan", "r Zhanat", "ыр Жан", "amai", "ама", "amaye", "Мамае"),
    *("sim-Zhom", "лқай", "ien Pat", "рик О", "ursultan", "ұлы Наз", "na-Ma", "ия Ки", "khmet", "знец"),
    *("urshid Kh", "шид Хас", "chukin Ma", "укин Мак", "ssip", "ипов А", "кұлы Ер", "kum Bek", "ым Өм"),
    *("ірзақ Ұлы", "logger fr", "tness", "ивист и", "Щ" * 5, "Щ" * 60, "Щ" * 99 + " А", "Ащ", "ЩЩ Ащ"),
    # only short words: the trigram path, or whole names only in public searches
    *("Ли Ан", "Li An", "Ли", "Li", "Ан", "Ан Ли", "Ан Ли Ао", "Ли Ао", "Ән Ли", "An Li", "Ао", "Ли-Ан"),
    *("A", "Ki", "Ким", "Kim", "Ал", "Ан Л", "Li A", "i A"),
    # nothing, or no key at all
    *("Nobody Atall", "Zhanatulyy", "Мамайы", "%", "'", "  ", "-"),
)


def build_people() -> list[Person]:
    persons = []
    for name, latin, aliases, options in PEOPLE:
        person = PersonFactory(name=name, name_latin=latin, **options)
        for alias in aliases:
            PersonAliasFactory(person=person, name=alias)
        persons.append(person)
    return persons


@pytest.fixture
def people() -> list[Person]:
    return build_people()


def fragments() -> list[str]:
    """Parts of every name, alias and pseudonym as written, cut at random places
    (fixed seed): three to twelve characters, across words too."""
    chance = random.Random(2008)
    texts = []
    for name, latin, aliases, options in PEOPLE:
        for written in (name, latin, *aliases, options.get("pseudonym", "")):
            for _ in range(3):
                if len(written) < 3:
                    continue
                size = chance.randint(3, min(12, len(written)))
                start = chance.randint(0, len(written) - size)
                texts.append(written[start : start + size])
    return texts


def reference(text: str, *, reveal_protected: bool = False) -> set[int]:
    """What the search should find, worked out in Python from the stored keys: the
    text's key inside a name key or an alias key (a key of one or two letters: a whole
    name, in public searches), of a protected person only inside the pseudonym key
    unless ``reveal_protected``; public searches see published persons only."""
    key = name_key(text)
    if not key:
        return set()
    aliases: dict[int, list[str]] = {}
    for person_id, alias_key in PersonAlias.objects.values_list("person_id", "name_key"):
        aliases.setdefault(person_id, []).append(alias_key)
    whole = is_short(key) and not reveal_protected

    def holds(stored: str) -> bool:
        return stored == key if whole else key in stored

    def whole_name(stored: str) -> bool:  # "<name> | <Latin name>": either whole name
        return key in stored.split(" | ") if whole else key in stored

    result = set()
    for person in Person.objects.all():
        if not reveal_protected and person.visibility < PUBLIC:
            continue
        named = reveal_protected or not person.identity_protected
        by_name = whole_name(person.name_key) or any(holds(alias) for alias in aliases.get(person.pk, []))
        by_pseudonym = person.identity_protected and holds(person.pseudonym_key)
        if (named and by_name) or by_pseudonym:
            result.add(person.pk)
    return result


def searched(text: str, *, reveal_protected: bool = False) -> list[int]:
    persons = Person.objects.all() if reveal_protected else Person.objects.visible_to(PUBLIC)
    return list(persons.search(text, reveal_protected=reveal_protected).values_list("pk", flat=True))


def matched(text: str, *, reveal_protected: bool = False) -> set[int]:
    persons = Person.objects.all() if reveal_protected else Person.objects.visible_to(PUBLIC)
    return set(persons.matching(text, reveal_protected=reveal_protected).values_list("pk", flat=True))


def answers(texts) -> dict:
    return {
        (text, reveal): (searched(text, reveal_protected=reveal), matched(text, reveal_protected=reveal))
        for text in texts
        for reveal in (False, True)
    }


def uses_words(text: str) -> bool:
    ids = Person.objects.matching_ids(text)
    return ids is not None and "people_nameword" in str(ids.order_by().query)


def switch_words_off(monkeypatch) -> None:
    """The trigram path only: no key has a word, no one-word API page from the public name
    words, and no SQL compiled with words is reused."""
    monkeypatch.setattr("people.models.has_word", lambda text: False)
    monkeypatch.setattr("people.api.word_pages", False)
    monkeypatch.setattr(search, "_COMPILED", {})


def test_the_search_finds_exactly_the_persons_whose_keys_hold_the_text(people):
    texts = (*TEXTS, *fragments())
    wrong = {}
    for text in texts:
        for reveal in (False, True):
            expected = reference(text, reveal_protected=reveal)
            got = searched(text, reveal_protected=reveal)
            if len(got) != len(set(got)) or set(got) != expected or matched(text, reveal_protected=reveal) != expected:
                wrong[text, reveal] = {"missing": expected - set(got), "extra": set(got) - expected}
    assert wrong == {}
    assert sum(bool(reference(text)) for text in texts) > 150  # most texts find someone


def test_protected_persons_are_found_by_pseudonym_in_public_and_by_name_by_staff(people):
    by_name = {person.name: person.pk for person in people}
    protected = by_name["Асқар Жанатұлы"]
    assert protected not in searched("Askar") and protected in searched("Askar", reveal_protected=True)
    assert protected not in searched("real alias") and protected in searched("real alias", reveal_protected=True)
    assert protected in searched("Blogger") and protected in searched("Blogger", reveal_protected=True)
    assert searched("Witness") == [by_name["Нұрлан Сейітов"]]
    assert by_name["Нұрлан Сейітов"] not in searched("Seitov")
    assert by_name["Zhanatuly"] not in searched("Secret")  # not protected: the pseudonym is no name
    assert len(searched("Мамай")) > 3 and searched("Мамай") == searched("Mamay") == searched("MAMAI")
    assert searched("Жанатұлы") == searched("Zhanatuly") == searched("zhanatuli")
    assert by_name["Dana Zhanatuly"] not in searched("Dana") and by_name["Internal Mamay"] not in searched("Ішкі")


@pytest.mark.postgresql
def test_the_word_path_finds_what_the_trigram_path_found_in_the_same_order(people, monkeypatch):
    texts = (*TEXTS, *fragments())
    worded = [text for text in texts if has_word(name_key(text))]
    assert len(worded) > 200
    assert all(uses_words(text) for text in worded)
    assert not uses_words("Ли Ан") and not uses_words("Ли")
    by_words = answers(texts)
    switch_words_off(monkeypatch)
    assert not uses_words(worded[0])
    assert answers(texts) == by_words


def lexicon(fragment: str) -> list[str]:
    """The name lexicon's words holding ``fragment`` (PostgreSQL; nothing elsewhere)."""
    return words_of_lexicon(fragment, "people_nameword")


def found(text: str, *, reveal_protected: bool = False) -> set[int]:
    got = searched(text, reveal_protected=reveal_protected)
    assert set(got) == reference(text, reveal_protected=reveal_protected), text
    return set(got)


def test_a_person_is_found_by_the_names_of_every_write():
    person = PersonFactory(name="Кызылординов Бек", name_latin="Kyzylordinov Bek")
    assert found("ЫЗЫЛОРД") == found("zylord") == {person.pk}

    person.name, person.name_latin = "Шымкентов Бек", ""
    person.save()
    assert found("мкентов") == found("Shymkentov") == {person.pk}
    assert found("zylord") == set()  # the old word stays in the lexicon and finds nothing

    person.name_latin = "Pavlodarskiy Bek"
    person.save(update_fields=["name_latin"])
    assert found("lodarsk") == {person.pk}

    person.name = "Семейтаев Бек"
    person.name_key = f"{name_key(person.name)} | {name_key(person.name_latin)}"
    Person.objects.bulk_update([person], ["name", "name_key"])
    assert found("мейтаев") == found("lodarsk") == {person.pk}

    Person.objects.filter(pk=person.pk).update(
        name="Талдыкорганов Бек", name_key=f"{name_key('Талдыкорганов Бек')} | {name_key('Taldykorganov Bek')}"
    )
    assert found("дыкорг") == found("Taldykorganov B") == {person.pk}
    assert found("мкентов") == set()

    alias = PersonAlias.objects.create(person=person, name="Экибастузов")
    assert found("кибастуз") == {person.pk}
    PersonAlias.objects.filter(pk=alias.pk).update(name="Жезказганов", name_key=name_key("Жезказганов"))
    assert found("езказган") == {person.pk}
    assert found("кибастуз") == set()

    PersonAlias.objects.bulk_create(
        [PersonAlias(person=person, name=name, name_key=name_key(name)) for name in ("Baikonyrov", "Балхашов")]
    )
    assert found("aikonyr") == found("алхашо") == {person.pk}

    person.refresh_from_db()  # update() left this copy's name behind
    person.identity_protected, person.pseudonym = True, "Observer from Aralsk"
    person.save()
    assert found("ver from Aral") == found("Aralsk") == {person.pk}
    assert found("дыкорг") == found("alhash") == set()  # the real name and aliases: staff only
    assert found("дыкорг", reveal_protected=True) == found("alhash", reveal_protected=True) == {person.pk}
    if connection.vendor == "postgresql":
        assert lexicon("ARALS") == ["ARALSK"]
        assert lexicon("ALHASH") == ["BALHASHOV"]
        assert lexicon("ZHEZKAZ") == ["ZHEZKAZGANOV"]


def test_persons_created_together_are_found_by_their_new_names():
    created = Person.objects.bulk_create(
        [
            Person(name=name, slug=f"bulk-{n}", name_key=f"{name_key(name)} | ", visibility=PUBLIC)
            for n, name in enumerate(("Ақтөбеков Нұр", "Атырауов Ерік"))
        ]
    )
    assert found("төбеков") == found("Aktobekov") == {created[0].pk}
    assert found("ырауов Ер") == {created[1].pk}


def test_a_person_written_in_a_rolled_back_transaction_leaves_nothing_found():
    with pytest.raises(RuntimeError), transaction.atomic():
        person = PersonFactory(name="Байконырович Арман", name_latin="")
        PersonAliasFactory(person=person, name="Temirtauly")
        assert found("конырович") == found("mirtau") == {person.pk}
        raise RuntimeError
    assert found("конырович") == found("mirtau") == set()
    assert lexicon("KONIROVI") == lexicon("MIRTAU") == []

    later = PersonFactory(name="Baikonyrovich", name_latin="")
    assert found("onyrovi") == {later.pk}
    assert lexicon("KONIROVI") == (["BAIKONIROVITSH"] if connection.vendor == "postgresql" else [])


PAGE_TEXTS = ("Zhanatuly", "Жанатұлы", "mamay", "Мамаев", "anna-mar", "O'Brien", "Ли Ан", "atul", "Blogger from", "Ли")


def page_and_api(client, anonymous) -> dict:
    """Each text's persons on the search page (in order) and the API's whole answer."""
    result = {}
    for text in PAGE_TEXTS:
        page = client.get("/search/", {"q": text})
        api = anonymous.get("/api/v1/persons/", {"q": text, "page_size": 100})
        assert page.status_code == api.status_code == 200, text
        result[text] = ([row.pk for row in page.context["results"]["persons"]], body(api))
    return result


def test_the_search_page_and_the_api_find_the_same_persons_either_way(people, client, anonymous, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = settings.API_CACHE_SECONDS = 0
    first = page_and_api(client, anonymous)
    for text, (page, api) in first.items():
        assert 0 < len(page) < 20, text  # one page of results
        assert page == searched(text), text
        names = sorted(person.public_name for person in Person.objects.filter(pk__in=reference(text)))
        assert sorted(row["name"] for row in json.loads(api)["results"]) == names, text  # protected: masked ids
        assert "Askar" not in api and "Асқар" not in api, text
    if connection.vendor == "postgresql":  # both searches ran SQL compiled once, by words
        assert "people_nameword" in search._COMPILED["search persons"][0]
        assert "people_nameword" in search._COMPILED[API_PAGE][0]
        assert "people_publicnameword" in search._COMPILED[f"{API_PAGE} by word"][0]  # "Zhanatuly" and the like
    switch_words_off(monkeypatch)
    assert page_and_api(client, anonymous) == first
    if connection.vendor == "postgresql":
        assert "people_nameword" not in search._COMPILED["search persons"][0]
        assert "people_nameword" not in search._COMPILED[API_PAGE][0]
        assert not [shape for shape in search._COMPILED if shape.endswith("by word")]  # trigrams for one word too


@pytest.mark.postgresql
def test_the_migration_collects_the_words_of_the_names_written_before_it():
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0007_person_protected_at")])
    with connection.cursor() as cursor:
        assert "people_nameword" not in connection.introspection.table_names(cursor)
    person = PersonFactory(name="Семейтауов Арман", name_latin="")
    PersonAliasFactory(person=person, name="Ekibastuzov")
    protected = PersonFactory(name_latin="Hidden Person", identity_protected=True, pseudonym="Witness from Zaisan")

    with connection.cursor() as cursor:  # check the new rows' foreign keys now: no index is built over pending checks
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor.loader.build_graph()
    executor.migrate([("people", "0008_name_word_index")])

    assert found("мейтау") == found("kibastuz") == {person.pk}
    assert found("ess from Zais") == {protected.pk}
    assert lexicon("ZAISAN") == ["ZAISAN"] and lexicon("EKIBASTUZ") == ["EKIBASTUZOV"]
