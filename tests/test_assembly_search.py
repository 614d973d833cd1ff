"""The assembly text search: the title in every language and the topic are searched as
one joined text (one trigram index on PostgreSQL, cases 0013), yet a text is found only
inside one column, never across two; only published assemblies. The same through the
public search page and the API's ``q``, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection

from cases.models import Assembly
from cases.models.assembly import ASSEMBLY_TEXT_FIELDS, assembly_text_matches
from kazmonitor.models import Visibility
from tests.api_support import anonymous_fixture  # noqa: F401
from tests.factories import AssemblyFactory

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC
BLANK = dict.fromkeys(ASSEMBLY_TEXT_FIELDS, "")


def assembly_with(**texts) -> Assembly:
    """A public assembly with only these texts (the title "Rally" unless given)."""
    return AssemblyFactory(**{**BLANK, "title": "Rally", **texts})


def found(text: str, client, anonymous) -> dict[str, set[str]]:
    """The slugs ``text`` finds through the model, the public search page and the API."""
    page = client.get("/search/", {"q": text})
    api = anonymous.get("/api/v1/assemblies/", {"q": text})
    assert page.status_code == api.status_code == 200
    rows = (page.context.get("results") or {}).get("assemblies", [])
    matching = Assembly.objects.visible_to(PUBLIC).filter(assembly_text_matches(text))
    return {
        "model": set(matching.values_list("slug", flat=True)),
        "page": {row.slug for row in rows},
        "api": {row["slug"] for row in api.json()["results"]},
    }


@pytest.mark.parametrize("field", ASSEMBLY_TEXT_FIELDS)
def test_a_text_inside_any_one_column_is_found_on_every_path(field, client, anonymous):
    wanted = assembly_with(**{field: "Митинг против Зарқұмбеков in Oral"})
    assembly_with(title="Another rally", topic="pensions")

    for text in ("Зарқұмбеков", "против Зарқұмбеков in", "in oral", "ORAL"):
        assert found(text, client, anonymous) == dict.fromkeys(("model", "page", "api"), {wanted.slug}), text


def test_a_text_across_two_columns_is_not_found(client, anonymous):
    rally = assembly_with(title="Rally for Zhanaozen", title_en="workers", topic="oil workers")

    for text in ("Zhanaozen workers", "Zhanaozen\x1fworkers", "Zhanaozen\tworkers", "workers oil"):
        assert found(text, client, anonymous) == {"model": set(), "page": set(), "api": set()}, repr(text)
    assert found("oil workers", client, anonymous) == dict.fromkeys(("model", "page", "api"), {rally.slug})


def test_unpublished_assemblies_are_never_found(client, anonymous):
    public = assembly_with(title="Rally in Aktau")
    for level in (Visibility.INTERNAL, Visibility.PARTNERS):
        assembly_with(title="Rally in Aktau, held back", visibility=level)

    assert found("Aktau", client, anonymous) == dict.fromkeys(("model", "page", "api"), {public.slug})


def test_control_characters_count_as_spaces(client, anonymous):
    wanted = assembly_with(title="Protest in Almaty", held_on=datetime.date(2022, 1, 5))

    assert found("Protest\nin Almaty", client, anonymous)["page"] == {wanted.slug}


@pytest.mark.postgresql
def test_the_joined_text_is_answered_by_its_index():
    assembly_with(title="Rally in Aktau")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Assembly.objects.filter(assembly_text_matches("Aktau")).explain()  # the expression is the index's
    assert "assembly_text_trgm" in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_assembly' AND indexname LIKE '%trgm'")
        assert {row[0] for row in cursor.fetchall()} == {"assembly_text_trgm"}


def test_a_text_of_control_characters_alone_finds_nothing(client, anonymous):
    assembly_with(title="Rally in Aktau")

    for text in ("\x01\x01\x01", "\x02\x03", "\t\x02\n"):  # (a lone \x1f is whitespace to forms: q=)
        assert found(text, client, anonymous) == {"model": set(), "page": set(), "api": set()}, repr(text)
