"""The case search's SQL: the three translations of a title (and of a summary) are
searched as one joined text, one trigram index on PostgreSQL, yet a text is found only
inside one column, never across two; control characters in the searched text count as
spaces (they cannot reach the separator). The same on SQLite and PostgreSQL, through the
model, the public search page, the case list and the API."""

import pytest
from django.db import connection

from cases.models import Case
from cases.models.case import CASE_TEXT_FIELDS
from cases.public_filters import public_cases, search_cases
from kazmonitor.models import Visibility
from kazmonitor.search import search_text
from tests.api_support import anonymous_fixture  # noqa: F401
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC
API_FIELDS = ("title", "title_en", "title_ru", "title_kk", "case_number")  # the API's and the admin's q
BLANK = dict.fromkeys(CASE_TEXT_FIELDS, "")


def case_with(**texts) -> Case:
    """A public case with only these texts (the title "Trial" unless given)."""
    return CaseFactory(**{**BLANK, "title": "Trial", **texts})


def found(text: str, fields=CASE_TEXT_FIELDS) -> list[Case]:
    return list(Case.objects.visible_to(PUBLIC).search(text, level=PUBLIC, fields=fields))


PATHS = ("model", "filter", "page", "list", "api")


def on_every_path(text: str, client, anonymous) -> dict[str, set]:
    """The cases ``text`` finds through the model, the public search page, the case list
    and the API's ``q`` (titles and case number only)."""
    page = client.get("/search/", {"q": text})
    listed = client.get("/cases/", {"q": text})
    api = anonymous.get("/api/v1/cases/", {"q": text})
    assert page.status_code == listed.status_code == api.status_code == 200
    return {
        "model": {case.pk for case in found(text)},
        "filter": set(public_cases().filter(search_cases(text)).values_list("pk", flat=True)),
        "page": {case.pk for case in (page.context.get("results") or {}).get("cases", [])},  # none: form error
        "list": {case.pk for case in listed.context["object_list"]},
        "api": {row["id"] for row in api.json()["results"]},
    }


@pytest.mark.parametrize("field", CASE_TEXT_FIELDS)
def test_a_text_inside_any_one_column_is_found(field):
    case = case_with(**{field: "The trial of Zarkumbekov in Oral"})
    case_with(title="Another case")

    assert found("zarkumbekov") == [case]
    assert found("ZARKUMBEKOV IN ORAL") == [case]
    assert found("trial of Zarkumbekov") == [case]
    assert found("Zarkumbekov", fields=API_FIELDS) == ([case] if field.startswith("title") else [])


@pytest.mark.parametrize("first, second", list(zip(CASE_TEXT_FIELDS, CASE_TEXT_FIELDS[1:], strict=False)))
def test_a_text_spanning_two_columns_is_not_found(first, second):
    case_with(**{first: "Trial of Zarkum", second: "bekov and Aitkali in Oral"})

    assert found("Zarkumbekov") == []
    assert found("Zarkum bekov") == []
    assert found("Zarkum\x1fbekov") == []  # the separator the joined columns use
    assert found("Zarkum\nbekov") == []
    assert found("Zarkum") != [] and found("bekov and") != []


def test_a_text_spanning_two_translations_is_not_found_on_any_path(client, anonymous):
    case = case_with(title_en="Appeal of Zarkum", title_ru="bekov and others")
    case_with(title="Hearing", summary_ru="Дело Заркум", summary_kk="беков туралы")

    for text in ("Zarkumbekov", "Zarkum\x1fbekov", "Заркумбеков", "Заркум\x1fбеков", "Заркум беков"):
        assert on_every_path(text, client, anonymous) == dict.fromkeys(
            ("model", "filter", "page", "list", "api"), set()
        )
    assert on_every_path("appeal of zarkum", client, anonymous)["api"] == {str(case.uuid)}


def test_control_characters_in_the_text_count_as_spaces_and_break_nothing(client, anonymous):
    case = case_with(title="Trial of Zarkum Bekov", summary_ru="Дело Заркум Бекова")

    for text in ("Zarkum\x1fBekov", "Zarkum\tBekov", "\x01Zarkum\x1eBekov\x7f", "Заркум\x1fБекова"):
        paths = on_every_path(text, client, anonymous)
        assert paths["model"] == paths["filter"] == paths["page"] == paths["list"] == {case.pk}
    assert on_every_path("Zarkum\x1fBekov", client, anonymous)["api"] == {str(case.uuid)}
    # Nothing left to search, or a lone LIKE wildcard: no match (and no error anywhere;
    # a list or API filter whose form strips the text to nothing is simply not applied).
    for text in ("\x1f", "\x1f\x1f%", "\x02\x03", "\x1f_"):
        paths = on_every_path(text, client, anonymous)
        assert paths["model"] == paths["filter"] == paths["page"] == set()


def test_the_searched_text_loses_its_control_characters_only():
    assert search_text("  Қасым\x1fМұсабеков\n") == "Қасым Мұсабеков"
    assert search_text("50%_off back\\slash O'Brien") == "50%_off back\\slash O'Brien"
    assert search_text("a\u00a0b\u200bc") == "a\u00a0b\u200bc"  # other invisible characters stay as typed
    assert search_text("\x00\x1f") == ""


def test_the_translations_are_searched_through_one_joined_index_on_postgresql():
    """A text without a word of three letters is looked up by trigram: the joined
    expression the query sends must be the indexed one (cases 0011), or PostgreSQL reads
    every case."""
    case_with(title_ru="Дело Ли Ан", summary_kk="Ли Ан")
    cases = Case.objects.search("Ли Ан", level=PUBLIC)
    titles = Case.objects.search("Ли Ан", level=PUBLIC, fields=API_FIELDS)

    sql = str(Case.objects.search_ids("Ли Ан", level=PUBLIC).order_by().query)
    assert sql.count("title_ru") == sql.count("summary_kk") == 1  # one branch for the three translations
    assert len(cases) == len(titles) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        public_plan, api_plan = cases.explain(), titles.explain()
        for index in ("case_title_translations_trgm", "case_summary_translations_trgm", "case_summary_trgm"):
            assert index in public_plan
        assert "case_title_translations_trgm" in api_plan
        assert "case_summary_translations_trgm" not in api_plan
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert not indexes & {f"case_{field}_trgm" for field in CASE_TEXT_FIELDS if "_" in field}


def test_a_text_with_a_word_is_searched_through_the_word_index_on_postgresql():
    """Titles and summaries in every language by their words (cases 0015): one scan of
    the word index and no trigram scan of a text column."""
    case_with(title_ru="Дело Заркумбекова", summary_kk="Заркумбеков")
    cases = Case.objects.search("Заркумбеков", level=PUBLIC)
    titles = Case.objects.search("Заркумбеков", level=PUBLIC, fields=API_FIELDS)
    assert len(cases) == len(titles) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        for plan in (cases.explain(), titles.explain()):
            assert "case_words_gin" in plan
            for index in ("case_title_translations_trgm", "case_summary_translations_trgm", "case_title_trgm"):
                assert index not in plan
