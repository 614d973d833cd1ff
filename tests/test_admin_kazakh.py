"""The admin reads in Kazakh for a Kazakh editor, Django's and the admin apps' own text
included: locale_upstream/kk completes (and corrects) the Kazakh catalogs that Django,
django-import-export and django-simple-history ship, after the project's own locale/.
Russian and English admin pages stay as they were."""

import html
import json
import re
from http import HTTPStatus
from pathlib import Path

import django
import import_export
import polib
import pytest
import simple_history
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.admin_pages import page_data
from tests.catalog_checks import broken_markup, untranslated
from tests.factories import CaseFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME
UPSTREAM = Path(settings.BASE_DIR) / "locale_upstream" / "kk" / "LC_MESSAGES"
OWN = Path(settings.BASE_DIR) / "locale" / "kk" / "LC_MESSAGES" / "django.po"


def _package_locale(module, *parts: str) -> Path:
    return Path(module.__file__).parent.joinpath(*parts)


# Every msgid of the upstream catalogs the admin uses, as their Russian catalogs list them.
SOURCES = {
    "django.po": [
        _package_locale(django, "contrib", "admin", "locale", "ru", "LC_MESSAGES", "django.po"),
        _package_locale(django, "contrib", "auth", "locale", "ru", "LC_MESSAGES", "django.po"),
        _package_locale(django, "conf", "locale", "ru", "LC_MESSAGES", "django.po"),
        _package_locale(import_export, "locale", "ru", "LC_MESSAGES", "django.po"),
        _package_locale(simple_history, "locale", "ru_RU", "LC_MESSAGES", "django.po"),
    ],
    "djangojs.po": [_package_locale(django, "contrib", "admin", "locale", "ru", "LC_MESSAGES", "djangojs.po")],
}


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    call_command("compile_translations", verbosity=0)


@pytest.fixture(scope="module", params=sorted(SOURCES))
def catalog(request) -> polib.POFile:
    po = polib.pofile(str(UPSTREAM / request.param))
    po.name = request.param
    return po


def _in_history_source(msgid: str, source: str) -> bool:
    """``msgid`` as gettext("…"), {% translate '…' %} or a {% blocktranslate %} text."""
    block = msgid.replace("%(verbose_name)s", "{{verbose_name}}")
    return any(form in source for form in (f'"{msgid}"', f"'{msgid}'", f"%}}{block}{{%"))


def _key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


# --- The catalog ---------------------------------------------------------------------


def test_upstream_catalogs_load_after_the_projects_own_which_makemessages_writes():
    assert [Path(p) for p in settings.LOCALE_PATHS] == [
        Path(settings.BASE_DIR) / "locale",
        Path(settings.BASE_DIR) / "locale_upstream",
    ]


def test_every_upstream_kazakh_entry_is_translated_and_none_is_fuzzy(catalog):
    assert len(catalog) > 50
    assert untranslated(catalog) == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []
    assert catalog.percent_translated() == 100


def test_upstream_kazakh_plurals_fill_both_forms_django_kk_declares(catalog):
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n!=1);"
    plurals = [e for e in catalog if e.msgid_plural]

    assert plurals
    assert [e.msgid for e in plurals if sorted(e.msgstr_plural) != [0, 1]] == []


def test_every_upstream_kazakh_translation_keeps_placeholders_tags_and_edge_spaces(catalog):
    assert broken_markup(catalog) == []


def test_every_upstream_kazakh_entry_is_a_current_upstream_msgid_with_its_context_and_plural(catalog):
    """A msgid that upstream renamed would never be looked up: after an upgrade this lists
    the entries to carry over to the new msgids."""
    upstream = {_key(e): e for path in SOURCES[catalog.name] for e in polib.pofile(str(path)) if not e.obsolete}
    listed = [e for e in catalog if _key(e) in upstream]
    # A few msgids of django-simple-history's templates and code that its ru_RU catalog lacks.
    history_source = "\n".join(
        f.read_text(encoding="utf-8")
        for f in Path(simple_history.__file__).parent.rglob("*")
        if f.suffix in {".py", ".html"}
    )
    unlisted = [e for e in catalog if _key(e) not in upstream]

    assert [
        e.msgid for e in listed if "python-format" in upstream[_key(e)].flags and "python-format" not in e.flags
    ] == []
    assert [
        e.msgid for e in unlisted if e.msgctxt or e.msgid_plural or not _in_history_source(e.msgid, history_source)
    ] == []
    assert len(unlisted) <= 5


def test_upstream_catalog_repeats_nothing_of_the_projects_own():
    """locale/kk wins for a msgid both catalogs hold: a repeat here would never show."""
    own = {_key(e) for e in polib.pofile(str(OWN))}
    upstream = polib.pofile(str(UPSTREAM / "django.po"))

    assert [e.msgid for e in upstream if _key(e) in own] == []


# --- The admin pages -----------------------------------------------------------------


def _english_interface_text() -> list[str]:
    """English phrases (several words, no placeholder) the upstream catalog translates."""
    entries = [e for name in SOURCES for e in polib.pofile(str(UPSTREAM / name))]
    return [
        e.msgid
        for e in entries
        if " " in e.msgid.strip()
        and not e.msgid_plural
        and "python-format" not in e.flags
        and "brace-format" not in e.flags
        and e.msgstr != e.msgid
    ]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _page(client, url: str, language: str, data: dict | None = None) -> str:
    client.cookies[COOKIE] = language
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response.headers["Content-Language"] == language, url
    if response.headers["Content-Type"].startswith("text/javascript"):
        # The JavaScript catalog's translations (its keys are the English msgids), each quoted.
        # (English has no catalog: the calendar shows the msgids.)
        found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
        catalog = json.loads(found[1]) if found else {}
        values = [v for value in catalog.values() for v in (value if isinstance(value, list) else [value])]
        return "\n".join(f'"{v}"' for v in values)
    return _text(response)


def _pages(client, language: str) -> dict[str, str]:
    """The pages an editor sees, in one language: the index, a filtered case list, a case
    form and its history (django-simple-history), the person add form sent with no name,
    the password change page and the JavaScript catalog."""
    case = CaseFactory()
    add_person = reverse("admin:people_person_add")
    # No name and no slug: two required fields left empty (a multiple choice left empty is not sent).
    blank = {k: v for k, v in page_data(client.get(add_person)).items() if v != ""} | {"name": "", "slug": ""}
    return {
        "index": _page(client, reverse("admin:index"), language),
        "case list": _page(client, reverse("admin:cases_case_changelist") + "?kind__exact=criminal", language),
        "case form": _page(client, reverse("admin:cases_case_change", args=[case.pk]), language),
        "case history": _page(client, reverse("admin:cases_case_history", args=[case.pk]), language),
        "person add error": _page(client, add_person, language, blank),
        "password change": _page(client, reverse("admin:password_change"), language),
        "jsi18n": _page(client, reverse("admin:jsi18n"), language),
    }


# What each page shows, per language: Django's text (as upstream or locale_upstream has it).
SHOWN = {
    "en": {
        "index": ["Log out", "Change password", "Recent actions"],
        "case list": ["Filter", "Clear all filters"],
        "case form": ["Save and continue editing", "Save and add another", "Delete", "History"],
        "case history": ["Change history: ", "Date/time", "Changed by", "Change reason", "Changes"],
        "person add error": ["This field is required.", "Please correct the errors below."],
        "password change": ["Password change", "Please enter your old password"],
        "jsi18n": [],
    },
    "ru": {
        "index": ["Выйти", "Изменить пароль", "Последние действия"],
        "case list": ["Фильтр", "Сбросить все фильтры"],
        "case form": [
            "Сохранить и продолжить редактирование",
            "Сохранить и добавить другой объект",
            "Удалить",
            "История",
        ],
        "case history": ["История изменений: "],
        "person add error": ["Обязательное поле.", "Пожалуйста, исправьте ошибки ниже."],
        "password change": ["Изменение пароля", "В целях безопасности, пожалуйста, введите свой старый пароль"],
        "jsi18n": ['"Сегодня"', '"Январь"', '"Фильтр"'],
    },
    "kk": {
        "index": ["Шығу", "Құпия сөзді өзгерту", "Соңғы әрекеттер", "Менің әрекеттерім"],
        "case list": [">Сүзгі<", "Барлық сүзгілерді тазарту"],
        "case form": [
            "Сақтап, өңдеуді жалғастыру",
            "Сақтап, тағы біреуін қосу",
            ">Жою<",
            ">Тарих<",
            "Тағы бір ",
        ],
        "case history": ["Өзгерістер тарихы: ", "Күні/уақыты", "Өзгерткен", "Өзгерту себебі", "Өзгерістер"],
        # Django's kk says "Бұл өрісті толтыру міндетті.", DRF's kk (which wins) "Бұл мән міндетті.".
        "person add error": ["міндетті.</li>", "Төмендегі қателерді түзетіңіз."],
        "password change": [
            "Құпия сөзді өзгерту",
            "Қауіпсіздік үшін ескі құпия сөзіңізді енгізіңіз",
        ],
        "jsi18n": ['"Бүгін"', '"Күнді таңдаңыз"', '"Қаңтар"', '"Сүзгі"', '"Қазір"', '"Жексенбі"', '"Жс"'],
    },
}
# English interface text a Kazakh editor must not meet on these pages.
ENGLISH = [
    "Log out",
    "Change password",
    "Recent actions",
    "Save and continue editing",
    "Save and add another",
    "Add another",
    ">Delete<",
    ">History<",
    ">Filter<",
    "Clear all filters",
    "This field is required.",
    "Please correct the error",
    "Please enter your old password",
    '"Today"',
    '"Filter"',
    '"January"',
    '"Choose a Date"',
    "Change history",
    "Date/time",
    "Changed by",
    "Change reason",
]


@pytest.mark.django_db
def test_kazakh_admin_pages_show_no_english_interface_text(editor_client):
    pages = _pages(editor_client, "kk")
    english_phrases = _english_interface_text()

    for name, text in pages.items():
        assert [s for s in SHOWN["kk"][name] if s not in text] == [], name
        assert [s for s in ENGLISH if s in text] == [], name
        assert [s for s in english_phrases if s in text] == [], name


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_english_and_russian_admin_pages_are_unchanged(editor_client, language):
    pages = _pages(editor_client, language)

    for name, text in pages.items():
        assert [s for s in SHOWN[language][name] if s not in text] == [], (language, name)
        assert [s for s in SHOWN["kk"][name] if s in text] == [], (language, name)
