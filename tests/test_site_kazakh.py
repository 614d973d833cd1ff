"""The Kazakh interface is complete: every catalog entry translated with its placeholders
kept, and the public pages under /kk/ read in Kazakh, with no English interface text left."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.catalog_checks import broken_markup, placeholders, untranslated
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    ExtensionFactory,
    LegalArticleFactory,
    ParticipantFactory,
    PersonFactory,
    SentenceFactory,
)

CATALOG = Path(settings.BASE_DIR) / "locale" / "kk" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG))


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    call_command("compile_translations", verbosity=0)


def test_every_kazakh_entry_is_translated_and_none_is_fuzzy(catalog):
    assert untranslated(catalog) == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    assert catalog.percent_translated() == 100


def test_every_kazakh_plural_fills_each_form_the_header_declares(catalog):
    plural_forms = catalog.metadata["Plural-Forms"]
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", plural_forms).group(1))
    plurals = [entry for entry in catalog if entry.msgid_plural]

    assert nplurals == 2
    assert plurals, "the catalog has plural entries to check"
    assert [e.msgid for e in plurals if sorted(e.msgstr_plural) != list(range(nplurals))] == []


def test_every_kazakh_translation_keeps_the_placeholders_tags_and_edge_spaces_of_its_msgid(catalog):
    assert broken_markup(catalog) == []


def test_placeholder_check_sees_named_numbered_and_braceplaceholders():
    python = ["python-format"]

    assert placeholders("%(size).1f MB, %(limit)d MB, %s, 100%%", python) == ["%(limit)d", "%(size).1f", "%s"]
    assert placeholders("{count} of {total}", ["brace-format"]) == ["{count}", "{total}"]
    assert placeholders("%(name)s", []) == []


def test_kazakh_catalog_translates_legal_terms_as_a_human_rights_site_uses_them(catalog):
    assert catalog.find("sentence").msgstr == "үкім"
    assert catalog.find("pre-trial detention").msgstr == "күзетпен ұстау"
    assert catalog.find("%(person)s released").msgstr == "%(person)s босатылды"
    assert catalog.find("KazMonitor: new and updated cases").msgstr.startswith("KazMonitor: ")


def _english_interface_text(catalog: polib.POFile) -> list[str]:
    """The catalog's English sentences and phrases (several words, no placeholder) that
    differ from their Kazakh: none of them may show on a Kazakh page."""
    return [
        entry.msgid
        for entry in catalog
        if " " in entry.msgid.strip()
        and "python-format" not in entry.flags
        and "brace-format" not in entry.flags
        and entry.msgstr != entry.msgid
    ]


@pytest.fixture
def record(db):
    """A published case with a defendant charged, held, extended and sentenced, and an assembly."""
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", slug="zhanbolat-mamai")
    # Kazakh record text: English words in the data could read as untranslated interface text.
    case = CaseFactory(title="Mamai case", slug="mamai-case", summary="Журналистке қарсы қылмыстық іс.")
    ParticipantFactory(case=case, person=person)
    article = LegalArticleFactory(number="274", title="spreading false information")
    ChargeFactory(case=case, defendant=person, article=article, filed_on=datetime.date(2022, 3, 16))
    detention = DetentionFactory(case=case, person=person, started_on=datetime.date(2022, 3, 15))
    ExtensionFactory(detention=detention, decided_on=datetime.date(2022, 5, 6))
    SentenceFactory(case=case, defendant=person, sentenced_on=datetime.date(2022, 5, 20))
    AssemblyFactory(title="Rally in Almaty", slug="rally-almaty")
    return case


def _kazakh_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    assert '<html lang="kk">' in content
    assert '<a href="/kk/cases/">Істер</a>' in content
    assert '<a href="/kk/political-prisoners/">Саяси тұтқындар</a>' in content
    assert '<a href="/kk/statistics/">Статистика</a>' in content
    return content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "kazakh"),
    [
        ("/kk/", "Қазақстандағы саяси астары бар істер"),
        ("/kk/cases/", "Қазақстандағы саяси астары бар істерді түрі, мәртебесі, бабы"),
        ("/kk/statistics/", "Тек жарияланған жазбалар бойынша есептелді."),
        ("/kk/search/?q=Mamai", '<a href="/kk/cases/?q=Mamai">Барлық сәйкес істер, сүзгілермен</a>'),
        ("/kk/cases/mamai-case/", "Zhanbolat Mamai: күзетпен ұстау басталды"),
    ],
)
def test_kazakh_public_pages_read_in_kazakh_with_no_english_interface_text(client, record, catalog, url, kazakh):
    content = _kazakh_page(client, url)

    assert kazakh in content
    assert [text for text in _english_interface_text(catalog) if text in content] == []


@pytest.mark.django_db
def test_kazakh_search_names_the_query_and_finds_the_case(client, record):
    content = _kazakh_page(client, "/kk/search/?q=Mamai")

    assert "<title>Іздеу: Mamai · KazMonitor</title>" in content
    assert '<a href="/kk/cases/mamai-case/">' in content


@pytest.mark.django_db
def test_kazakh_case_timeline_fills_its_sentences_from_the_records(client, record):
    content = _kazakh_page(client, "/kk/cases/mamai-case/")

    assert "CC 274-бабы бойынша айып тағылды (spreading false information)" in content
    assert "қамауда ұстау мерзімі" in content
    assert "үкім шығарылды — бас бостандығынан айыру, 5 жыл" in content
