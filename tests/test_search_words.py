"""The case search by words (PostgreSQL, cases 0015) finds exactly what a case-blind
substring search of each column (or joined group of translations) finds: the same cases
as the trigram path it replaced and as a plain Python reference, for texts cut anywhere
inside words, across words, with punctuation, LIKE characters and every kind of space.
The word lexicon follows every kind of write. On SQLite nothing changed."""

import sys

import pytest
from django.db import connection, transaction

from cases.models import Case
from cases.models.case import CASE_TEXT_FIELDS, JOINED_FIELDS
from kazmonitor import search
from kazmonitor.models import Visibility
from kazmonitor.search import WORD_BREAKS, has_word, search_text
from tests.api_support import anonymous_fixture  # noqa: F401
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC
BLANK = dict.fromkeys(CASE_TEXT_FIELDS, "")
API_FIELDS = ("title", "title_en", "title_ru", "title_kk", "case_number")
# The columns searched as one text each: the text as written, and its three translations joined.
GROUPS = (("title",), JOINED_FIELDS[0], ("summary",), JOINED_FIELDS[1])

CORPUS = (
    {"title": "Trial of Sabyr Zhanatuly, journalist", "summary": "Zhanatuly was detained in Almaty."},
    {"title": "Дело Жанатұлы (Сабыр", "summary_ru": "Обвинение по статье 174.1 УК РК", "case_number": "174.1"},
    {"title": "Іс: Қасым-Жомарт Әбілқайыр", "summary_kk": "Ғалым Ұлықбек Үкімет Һ-кітап Өскемен ҢЫҢ ӨҢІР"},
    {"title": "іс: қасым-жомарт әбілқайыр", "summary": "ғалым ұлықбек үкімет һ-кітап өскемен ңың өңір"},
    {"title": "O'Brien and O\u2019Neil v. State", "summary_en": "The O'Briens' appeal"},
    {"title": "50% discount_case back\\slash", "summary": "100%_done; 50 percent"},
    {"title": "Fifty percent discount case", "summary": "100 done, back slash"},
    {"title": "Multiple   spaces\tand\ttabs\nnew line", "summary": "Line one\r\nline two"},
    {"title": "Non\u00a0breaking Ermek\u00a0Narymbaev", "summary": "Ermek Narymbaev with a plain space"},
    {"title": "Figure\u2007space 12\u20073", "summary": "narrow\u202fno-break space"},
    {"title": "東京\u3000裁判", "summary_kk": "Part\u2028two and\u1680ogham\u205fmath"},
    {"title_en": "Appeal of Zarkum", "title_ru": "bekov and others"},
    {"title": "Hearing of Zarkum", "summary": "bekov in Oral"},
    {"summary_kk": "Алматы қаласының Медеу аудандық соты"},
    {"title_ru": "Приговор Мамаю", "summary_en": "Sentence for Mamai"},
    {"title": "ЖАНАТУЛЫ sabyr ZhAnAtUlY", "summary": "zhanatulyzhanatuly"},
    {"title": "Zhana\u200btuly hidden join", "summary": "Soft\u00adhyphen"},
    {"title": "Ли Ан из Ао", "summary": "Ли Ана и Ан"},
    {"title": "Nur-Sultan court", "summary_ru": "Суд города Нур-Султан"},
    {"title": "aaaa aaa aa", "summary": "abc abd abe abcd"},
    {"title": "Sabyr met Zhanatuly", "summary": "Zhanatuly Sabyr"},
    {"title": "Sabyr", "summary": "Zhanatuly"},
    {"title_kk": "Сабыр Жанатұлы туралы іс", "title_en": "The case of Sabyr Zhanatuly"},
    {"title": "Alpha\x1fBeta gamma", "summary": "alpha beta"},
    {"title": "Combining И\u0306 letter", "summary": "Й precomposed"},
    {"title": "Case 174.1-2020 part 2", "case_number": "AB"},
    {"title": "Trial", "summary": "under article 174. first part"},
    {"title": "Trial", "summary_ru": "Статья 174 часть 1; статья 1741"},
    {"title": "Percent %% and __ and \\\\", "summary": "% _ \\"},
    {"title": "Tail word", "summary": "ends with zhanatuly"},
)

TEXTS = (
    # cut anywhere inside a word, any case, any script
    *("zhanatuly", "ANATUL", "hanat", "tuly", "Zhanatuly,", "y, jour", "sabyr zhanat", "yr Zhanatuly,"),
    *("Zhanatuly, journalist", "ZHANATULY SABYR", "Sabyr Zhanatuly", "zhanatulyzhan", "(Сабыр", "жанатұлы"),
    *("ЖАНАТҰЛЫ (САБ", "атұл", "Жанатулы", "сабыр жанатұлы", "Сабыр Жанатұлы туралы"),
    *("қасым-жомарт", "Жомарт Әбіл", "ӘБІЛҚАЙЫР", "ұлықбек үкім", "һ-кітап", "ңың", "Ң ӨҢ", "іс:", "Іс: Қ"),
    *("o'brien", "'Brien and", "O\u2019Neil", "O'Neil", "Briens' app"),
    # digits, punctuation and the characters LIKE would read as wildcards
    *("174.1", "174", "74.", "статье 174", "174.1-2020", "1741", "174 ", "article 174."),
    *("50%", "0% dis", "%", "%%", "% _", "_case", "t_c", "back\\slash", "k\\s", "\\\\", "100%_d", "50 p"),
    *("__ and", "%% and __", "Percent %%"),
    # every kind of space: in the text as typed, and in the columns
    *("spaces and", "Multiple   spaces", "multiple spaces", "spaces\tand", "tabs\nnew", "new line"),
    *("Line one line", "one\r\nline", "Ermek\u00a0Narymbaev", "Ermek Narymbaev", "k\u00a0Nar", "k Nar"),
    *("12\u20073", "12 3", "no-break", "narrow\u202fno", "narrow no", "裁判", "東京\u3000裁判", "東京 裁判"),
    *("Part\u2028two", "t\u2028tw", "and\u1680ogham", "ogham\u205fmath", "Part two"),
    # a text spread over two columns is not found
    *("Zarkumbekov", "Zarkum bekov", "Zarkum", "kum bek", "bekov and", "Zarkum\x1fbekov", "Alpha\x1fBeta"),
    *("Alpha Beta", "alpha beta", "a bet", "Beta gam"),
    *("Медеу аудандық", "АЛМАТЫ ҚАЛАСЫНЫҢ", "ың Мед", "Мамаю", "mamai", "Nur-Sultan", "ur-Sul", "Нур-Султан"),
    *("Zhana\u200btuly", "Zhana tuly", "Soft\u00adhyphen", "Softhyphen", "И\u0306 letter", "Й"),
    # short words only (the trigram path), or short longest words
    *("Ли Ан", "ли", "Ан из", "Ан из Ао", "Ли Ана", "Ана и Ан", "aa", "ab", "AB", "aaa", "aaaa aaa", "a aa"),
    *("abc abd", "abd abe abc", "bd ab", "e abcd", "2", "t 2", "rt 2"),
    *("xyz", "Zhanatulyy", "zhanatuly zhanatuly", "Tail word", "ends with zhanatuly", "h zhanatuly"),
    # control characters count as spaces; blank texts find nothing
    *(" zhanatuly ", "\tSabyr\x1fZhanatuly\n", "\x00", "   ", "\x1f\x1e"),
)


def case_with(**texts) -> Case:
    """A public case with only these texts."""
    return CaseFactory(**{**BLANK, **texts})


@pytest.fixture
def corpus() -> list[Case]:
    return [case_with(**texts) for texts in CORPUS]


def found(text: str, fields=CASE_TEXT_FIELDS) -> set[int]:
    return set(Case.objects.visible_to(PUBLIC).search(text, level=PUBLIC, fields=fields).values_list("pk", flat=True))


def fold(text: str) -> str:
    """Case-blind as the database compares: PostgreSQL's UPPER folds every script;
    SQLite's LIKE (Django's ``icontains`` there) only ASCII letters."""
    if connection.vendor == "postgresql":
        return text.upper()
    return "".join(char.upper() if char.isascii() else char for char in text)


def reference(text: str, cases: list[Case], fields=CASE_TEXT_FIELDS) -> set[int]:
    """What the search should find, worked out in Python: the text (control characters
    as spaces, stripped) inside one column or one joined group of translations, case
    blind (the case number too when it is one of ``fields``); the whole case number
    always; on PostgreSQL also every word of it in the title and summary (full-text
    search, asked of PostgreSQL directly). No case here has people."""
    needle = "".join(" " if ord(char) < 32 or 127 <= ord(char) < 160 else char for char in text).strip()
    if not needle:
        return set()
    searched_inside = len(needle) >= 3  # one or two letters: the case number only
    result = set()
    for case in cases:
        columns = [
            "\x1f".join(getattr(case, field) for field in group) for group in GROUPS if set(group) <= set(fields)
        ] + [getattr(case, field) for field in fields if not _grouped(field, fields)]
        if searched_inside and any(fold(needle) in fold(column) for column in columns):
            result.add(case.pk)
        if fold(case.case_number) == fold(needle):
            result.add(case.pk)
    if connection.vendor == "postgresql" and searched_inside and any(field.startswith("summary") for field in fields):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM cases_case WHERE to_tsvector('simple', title || ' ' || summary)"
                " @@ plainto_tsquery('simple', %s)",
                [needle],
            )
            result |= {row[0] for row in cursor.fetchall()} & {case.pk for case in cases}
    return result


def _grouped(field: str, fields) -> bool:
    return any(field in group and set(group) <= set(fields) for group in GROUPS)


def test_the_search_finds_exactly_the_cases_holding_the_text(corpus):
    wrong = {}
    for text in TEXTS:
        for fields in (CASE_TEXT_FIELDS, API_FIELDS, ("summary_ru", "summary_kk")):
            expected, got = reference(text, corpus, fields), found(text, fields)
            if got != expected:
                wrong[text, fields] = {"missing": expected - got, "extra": got - expected}
    assert wrong == {}


@pytest.mark.postgresql
def test_the_word_path_finds_what_the_trigram_path_found(corpus, monkeypatch):
    worded = [text for text in TEXTS if has_word(search_text(text))]
    assert len(worded) > 100
    for text in worded:
        assert "cases_searchword" in str(Case.objects.search_ids(text, level=PUBLIC).order_by().query)
    by_words = {(text, fields): found(text, fields) for text in worded for fields in (CASE_TEXT_FIELDS, API_FIELDS)}
    monkeypatch.setattr("cases.models.case.has_word", lambda text: False)
    assert "cases_searchword" not in str(Case.objects.search_ids(worded[0], level=PUBLIC).order_by().query)
    by_trigrams = {(text, fields): found(text, fields) for text in worded for fields in (CASE_TEXT_FIELDS, API_FIELDS)}
    assert by_words == by_trigrams


def lexicon(fragment: str, table: str = "cases_searchword") -> list[str]:
    """The words of a lexicon holding ``fragment`` (PostgreSQL; nothing elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {table} WHERE strpos(word, %s) > 0 ORDER BY word", [fragment])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_a_case_is_found_by_the_words_of_every_write():
    case = case_with(title="Trial in Qyzylorda")
    assert found("YZYLOR") == {case.pk}

    case.title = "Trial in Shymkentova"
    case.save()
    assert found("mkentov") == {case.pk}
    assert found("yzylor") == set()  # the old word stays in the lexicon and finds nothing

    Case.objects.filter(pk=case.pk).update(title="Taldykorganov case", summary_kk="Түркістанның соты")
    assert found("dykorg") == found("ркістан") == found("Түркістанның с") == {case.pk}
    assert found("mkentov") == set()

    case.refresh_from_db()
    case.title_ru = "Дело Экибастузова"
    Case.objects.bulk_update([case], ["title_ru"])
    assert found("кибастузов") == {case.pk}

    Case.objects.bulk_create([CaseFactory.build(**{**BLANK, "title": "Zhezkazganova appeal", "slug": "zhezkazgan"})])
    assert found("ezkazganova app") == {Case.objects.get(slug="zhezkazgan").pk}
    if connection.vendor == "postgresql":
        assert lexicon("EZKAZG") == ["ZHEZKAZGANOVA"]
        assert lexicon("ҮРКІСТАН") == ["ТҮРКІСТАННЫҢ"]


def test_a_case_written_in_a_rolled_back_transaction_leaves_nothing_found():
    with pytest.raises(RuntimeError), transaction.atomic():
        case_with(title="Trial in Baikonyrovka")
        assert len(found("konyrov")) == 1
        raise RuntimeError
    assert found("konyrov") == set()
    assert lexicon("KONYROV") == []

    later = case_with(summary="Baikonyrovka again")
    assert found("konyrovka ag") == {later.pk}
    assert lexicon("KONYROV") == (["BAIKONYROVKA"] if connection.vendor == "postgresql" else [])


def test_words_break_on_exactly_the_characters_python_splits_on():
    spaces = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    assert sorted(WORD_BREAKS) == spaces
    assert "x".join(spaces).split() == ["x"] * (len(spaces) - 1)  # str.split() breaks on each


@pytest.mark.postgresql
def test_postgresql_splits_words_on_exactly_the_same_characters():
    """Every code point below U+3100 (all the breaks among them), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM generate_series(1, 12543) AS code WHERE code NOT BETWEEN 55296 AND 57343"
            " AND cardinality(kz_search_words('a' || chr(code) || 'b'))"
            " <> CASE WHEN chr(code) = ANY(%s) THEN 2 ELSE 1 END",
            [list(WORD_BREAKS)],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT kz_search_words(%s, %s, '')", [f" a{WORD_BREAKS}б", "қ "])
        assert cursor.fetchone()[0] == ["A", "Б", "Қ"]  # no empty words from breaks at either end
        # A word too long for an index entry is the empty word, which every search checks.
        cursor.execute("SELECT kz_search_words(%s), kz_search_words(%s)", ["ж" * 200, f"a {'ж' * 201} b"])
        assert cursor.fetchone() == (["Ж" * 200], ["A", "", "B"])


@pytest.mark.postgresql
def test_a_case_with_a_word_too_long_to_index_is_saved_and_found_inside_that_word():
    """Before, a summary holding an unbroken run longer than an index entry allows (a long
    link, say) could not be saved at all (index row size exceeds maximum)."""
    link = "https://example.org/?" + "".join(f"{n:04x}{n * 7919 % 65536:04x}" for n in range(600))
    case = case_with(summary=f"See {link} for the ruling")
    assert found(link[3000:3040]) == {case.pk}
    assert found(f"See {link[:60]}") == {case.pk}
    assert found(link[3000:3040] + "zz") == set()


@pytest.mark.postgresql
def test_the_words_looked_up_are_the_two_longest_of_three_letters_or_more():
    def like(word: str) -> str:
        return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    with connection.cursor() as cursor:
        for text in ("Sabyr Zhanatuly", "abc abd abe abcd", "50%_x back\\slash", "Ли Ана", "a\u3000жанатұлы b"):
            words = sorted((word for word in text.upper().split() if len(word) >= 3), key=len, reverse=True)
            cursor.execute("SELECT kz_search_word_like(%s, 1), kz_search_word_like(%s, 2)", [text, text])
            assert cursor.fetchone() == (like(words[0]), like(words[1] if len(words) > 1 else words[0]))
        cursor.execute("SELECT kz_search_word_like(%s, 1), kz_search_word_like(%s, 2)", ["ab c", ""])
        assert cursor.fetchone() == ("%%", "%%")  # no word of three letters: every word


@pytest.mark.postgresql
def test_the_word_pattern_function_keeps_its_plan_for_the_session():
    """A SQL function that cannot be inlined is planned again at each of the fourteen call
    sites of every search page (~35–120 µs each); PL/pgSQL plans it once per session
    (cases 0016)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lanname FROM pg_proc JOIN pg_language ON pg_language.oid = prolang WHERE proname = %s",
            ["kz_search_word_like"],
        )
        assert cursor.fetchall() == [("plpgsql",)]


def test_the_compiled_searches_find_what_the_model_finds(corpus, client, anonymous):
    for text in ("Zhanatuly", "Жанатұлы (Саб", "50%", "t_c", "%% and __", "100%_d", "k\\s", "Ли Ан", "O'Brien"):
        expected = found(text)
        assert 0 < len(expected) < 20, text  # one page of the search page
        page = client.get("/search/", {"q": text})
        listed = client.get("/cases/", {"q": text})
        api = anonymous.get("/api/v1/cases/", {"q": text})
        assert page.status_code == listed.status_code == api.status_code == 200
        assert {row.pk for row in page.context["results"]["cases"]} == expected, text
        assert {case.pk for case in listed.context["object_list"]} == expected, text
        titled = Case.objects.filter(pk__in=found(text, API_FIELDS)).values_list("uuid", flat=True)
        assert {row["id"] for row in api.json()["results"]} == {str(uuid) for uuid in titled}, text
    if connection.vendor == "postgresql":  # the page's and the list's SQL was compiled once, not built
        assert search._COMPILED["search cases"] is not None
        assert search._COMPILED["public case ids"] is not None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_adding_the_same_new_word_never_wait_for_each_other():
    """The lexicon has no unique key: an editor saving a case with a new word never waits
    for another transaction (a long import, say) that added the same word, and two such
    transactions cannot deadlock."""
    import psycopg

    first, second = case_with(title="One"), case_with(title="Two")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as importing, psycopg.connect(**params, autocommit=True) as editor:
        importing.execute("UPDATE cases_case SET title = 'Qyzylordavaya hearing' WHERE id = %s", [first.pk])
        editor.execute("SET lock_timeout = '2s'")
        editor.execute("UPDATE cases_case SET title = 'Qyzylordavaya appeal' WHERE id = %s", [second.pk])
        importing.rollback()
    assert found("zylordavaya app") == {second.pk}
