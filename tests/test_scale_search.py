"""Search at scale: best name matches first, the same results on SQLite and PostgreSQL,
protected identities never ranked by their real names, and (on PostgreSQL) the
trigram and full-text indexes behind it."""

import pytest
from django.db import connection

from cases.models import Case
from kazmonitor.models import Visibility
from people.models import Person
from tests.factories import CaseFactory, ParticipantFactory, PersonAliasFactory, PersonFactory

PUBLIC = Visibility.PUBLIC
pytestmark = pytest.mark.django_db


def names(persons) -> list[str]:
    return [person.name_latin for person in persons]


def test_person_search_ranks_exact_then_prefix_then_word_then_inside():
    PersonFactory(name="Дана Серикбаева", name_latin="Dana Serikbaeva")  # "serik" inside a word
    PersonFactory(name="Айгуль Серик", name_latin="Aigul Serik")  # a word starts with it
    PersonFactory(name="Серик", name_latin="Serik")  # the whole name
    PersonFactory(name="Серикжан Омаров", name_latin="Serikzhan Omarov")  # the name starts with it

    found = Person.objects.visible_to(PUBLIC).search("Серик")

    assert names(found) == ["Serik", "Serikzhan Omarov", "Aigul Serik", "Dana Serikbaeva"]


def test_an_exact_match_in_another_script_or_by_alias_comes_before_partial_ones():
    PersonFactory(name="Мамайбек Касым", name_latin="Mamaibek Kasym")
    PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    by_alias = PersonFactory(name="Жанболат Мамаев", name_latin="Zhanbolat Mamaev")
    PersonAliasFactory(person=by_alias, name="Zhanbolat Mamay")

    found = names(Person.objects.visible_to(PUBLIC).search("Zhanbolat Mamay"))

    assert sorted(found[:2]) == ["Zhanbolat Mamaev", "Zhanbolat Mamai"]  # exact by alias and by name
    assert names(Person.objects.visible_to(PUBLIC).search("Мамаев")) == ["Zhanbolat Mamaev"]
    assert names(Person.objects.visible_to(PUBLIC).search("mamai")) == [
        "Mamaibek Kasym",  # the name starts with it
        "Zhanbolat Mamaev",  # a word of the alias is it (ties go by name)
        "Zhanbolat Mamai",  # a word of the name is it
    ]


def test_a_protected_person_is_ranked_by_pseudonym_only_unless_staff_reveal_them():
    PersonFactory(name="Арман Ахметов", name_latin="Arman Akhmetov", identity_protected=True, pseudonym="Arman A.")
    PersonFactory(name="Арманбек Сейтов", name_latin="Armanbek Seitov")

    public = Person.objects.visible_to(PUBLIC).search("Arman Akhmetov")
    assert list(public) == []
    public = Person.objects.visible_to(PUBLIC).search("arman")
    assert [p.public_name for p in public] == ["Arman A.", "Armanbek Seitov"]

    staff = Person.objects.search("Arman Akhmetov", reveal_protected=True)
    assert names(staff) == ["Arman Akhmetov"]


def test_a_real_name_equal_to_the_query_does_not_lift_a_protected_person_found_by_pseudonym():
    hidden = PersonFactory(name="Нур", name_latin="Nur", identity_protected=True, pseudonym="Activist Nurlan")
    PersonFactory(name="Нурлан", name_latin="Nurlan")

    found = list(Person.objects.visible_to(PUBLIC).search("nur"))

    assert found[0].name_latin == "Nurlan"  # a name that starts with "nur"…
    assert found[1] == hidden  # …before a pseudonym that only has it inside


def test_the_public_search_page_lists_the_exact_name_first(client):
    PersonFactory(name="Ерлан Токаевич", name_latin="Erlan Tokaevich")
    PersonFactory(name="Ерлан", name_latin="Erlan")

    response = client.get("/search/", {"q": "Ерлан"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(">Erlan</a>") < page.index(">Erlan Tokaevich</a>")


def test_case_search_finds_title_fragments_summaries_in_any_language_numbers_and_named_people():
    by_title = CaseFactory(title="Trial of the Oyan Qazaqstan activists")
    by_summary = CaseFactory(summary_ru="Задержан после митинга в Жанаозене.")
    by_number = CaseFactory(case_number="227100031000123")
    by_person = CaseFactory(title="A case")
    ParticipantFactory(case=by_person, person=PersonFactory(name="Бейбит Даулетов", name_latin="Beibit Dauletov"))
    CaseFactory(title="Unrelated", summary="Nothing to see.", visibility=Visibility.PUBLIC)
    hidden = CaseFactory(title="Oyan Qazaqstan internal", visibility=Visibility.INTERNAL)

    def found(text):
        return set(Case.objects.visible_to(PUBLIC).search(text, level=PUBLIC))

    assert found("oyan qazaq") == {by_title}
    assert found("Жанаозен") == {by_summary}
    assert found("227100031000123") == {by_number}
    assert found("Beibit Dauletov") == {by_person}
    assert found("Даулетов") == {by_person}
    assert hidden in Case.objects.search("oyan qazaq", level=Visibility.INTERNAL)


def test_case_search_never_finds_a_case_through_a_protected_real_name_or_hidden_participation():
    protected = PersonFactory(
        name="Самал Ержанова", name_latin="Samal Erzhanova", identity_protected=True, pseudonym="Journalist from Oral"
    )
    case = CaseFactory(title="A journalist's case")
    ParticipantFactory(case=case, person=protected)
    internal = CaseFactory(title="Another case")
    ParticipantFactory(case=internal, person=PersonFactory(name_latin="Marat Zhylanbaev"), visibility=0)

    assert list(Case.objects.visible_to(PUBLIC).search("Erzhanova", level=PUBLIC)) == []
    assert list(Case.objects.visible_to(PUBLIC).search("journalist from oral", level=PUBLIC)) == [case]
    assert list(Case.objects.visible_to(PUBLIC).search("Zhylanbaev", level=PUBLIC)) == []


def test_case_search_matches_words_in_any_order_on_postgresql_and_as_written_elsewhere():
    case = CaseFactory(title="Calls to mass riots", summary="Detained in Almaty after the January protests.")

    found = list(Case.objects.visible_to(PUBLIC).search("riots Almaty", level=PUBLIC))

    assert found == ([case] if connection.vendor == "postgresql" else [])
    assert list(Case.objects.visible_to(PUBLIC).search("mass riots", level=PUBLIC)) == [case]


def test_search_indexes_exist_and_serve_the_lookups_on_postgresql_only():
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cursor.fetchall() == []
            return
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm' OR indexname LIKE '%fulltext%'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert {"person_name_key_trgm", "alias_name_key_trgm", "case_title_trgm", "case_fulltext_idx"} <= indexes
    persons = Person.objects.visible_to(PUBLIC).search("mamai").values("pk")
    assert "person_name_key_words" in str(persons.explain())  # by the words of the key (people 0008)
    persons = Person.objects.visible_to(PUBLIC).search("ma mi").values("pk")  # no word of three letters
    assert "person_name_key_trgm" in str(persons.explain())
    cases = Case.objects.search("riots Almaty", level=PUBLIC)
    plan = cases.explain()
    assert "case_fulltext_idx" in plan
    assert "case_words_gin" in plan  # the texts by their words (cases 0015)
    assert "case_summary_trgm" in Case.objects.search("Ри Ал", level=PUBLIC).explain()  # no word of 3 letters
