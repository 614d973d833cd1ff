"""The interface in English, Russian and Kazakh: compiled catalogs, language URLs,
dates formatted for the language, and a Russian catalog that covers the public site."""

import datetime
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from kazmonitor.dates import format_partial_date
from tests.factories import CaseFactory, LegalArticleFactory

PUBLIC_SOURCES = (
    "templates/",
    "cases/views.py",
    "cases/public_filters.py",
    "cases/statistics.py",
    "cases/facts.py",
    "cases/feeds.py",
    "people/views.py",
)
LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    translation.activate("en")


def test_compile_translations_writes_mo_files_and_skips_up_to_date_ones(tmp_path, settings):
    target = tmp_path / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(LOCALE / "ru" / "LC_MESSAGES" / "django.po", target / "django.po")
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_translations", verbosity=0)
    first = (target / "django.mo").stat().st_mtime_ns
    call_command("compile_translations", verbosity=0)

    catalog = polib.mofile(str(target / "django.mo"))
    assert catalog.find("Political prisoners").msgstr == "Политзаключённые"
    assert (target / "django.mo").stat().st_mtime_ns == first


def test_every_public_interface_string_has_a_russian_translation():
    catalog = polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))
    missing = [
        entry.msgid
        for entry in catalog
        if any(
            path.startswith(PUBLIC_SOURCES) and not path.startswith("templates/admin/") for path, _ in entry.occurrences
        )
        and not (entry.msgstr or all(entry.msgstr_plural.values()))
    ]
    assert missing == []


def test_kazakh_catalog_is_started():
    catalog = polib.pofile(str(LOCALE / "kk" / "LC_MESSAGES" / "django.po"))
    assert catalog.find("Political prisoners").msgstr == "Саяси тұтқындар"
    assert catalog.percent_translated() >= 20


@pytest.mark.django_db
def test_russian_pages_have_a_russian_interface_and_russian_dates(client):
    case = CaseFactory(opened_on=datetime.date(2022, 3, 15))

    content = client.get(f"/ru/cases/{case.slug}/").content.decode()

    assert '<html lang="ru">' in content
    assert ">Политзаключённые</a>" in content
    assert "15 марта 2022 г." in content
    assert "Уголовное" in content


@pytest.mark.django_db
def test_kazakh_pages_use_the_kazakh_navigation_and_fall_back_to_english_elsewhere(client):
    content = client.get("/kk/").content.decode()

    assert '<html lang="kk">' in content
    assert ">Істер</a>" in content


@pytest.mark.django_db
def test_article_titles_follow_the_interface_language(client):
    LegalArticleFactory(
        slug="kz-cc-274", title="spreading false information", title_ru="распространение ложной информации"
    )

    assert "spreading false information" in client.get("/articles/").content.decode()
    assert "распространение ложной информации" in client.get("/ru/articles/").content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "March 2022"), ("ru", "Март 2022 г."), ("kk", "наурыз 2022 ж.")],
)
def test_partial_dates_read_as_written_in_each_language(language, expected):
    with translation.override(language):
        assert format_partial_date(datetime.date(2022, 3, 1), "month") == expected
