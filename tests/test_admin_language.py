"""The admin speaks the editor's language (kazmonitor/admin_language.py): the language
chosen in the admin header (the ``django_language`` cookie), else the browser's
Accept-Language, else English. The public site keeps its URL prefixes, the API stays
in English, and change forms save in every language."""

import datetime
import html
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case, Detention, Sentence
from people.models import Recognition
from tests.admin_pages import page_data
from tests.factories import (
    CaseFactory,
    DetentionFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
)

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME

# Our own admin strings (locale/*/LC_MESSAGES/django.po) and Django's, as each language shows them.
INDEX = {
    "en": ["Deleted records", "Recently deleted — restore", "Log out"],
    "ru": ["Удалённые записи", "Выйти"],
    "kk": ["Жойылған жазбалар", "Шығу"],
}
CASE_FORM = {
    "en": ["Opened on", "Public summary", "Save and continue editing"],
    "ru": ["Дата возбуждения", "Публичное описание", "Сохранить и продолжить редактирование"],
    "kk": ["Қозғалған күні", "Жария сипаттама"],
}
ENGLISH_ONLY = [
    "Deleted records",
    ">Opened on:",
    ">Public summary:",
    "Save and continue editing",
    "Log out",
    "Welcome,",
]


def _admin_urls(case, person) -> dict[str, str]:
    return {
        "index": reverse("admin:index"),
        "case list": reverse("admin:cases_case_changelist"),
        "case form": reverse("admin:cases_case_change", args=[case.pk]),
        "person list": reverse("admin:people_person_changelist"),
        "person form": reverse("admin:people_person_change", args=[person.pk]),
    }


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_admin_follows_the_language_cookie(editor_client):
    editor_client.cookies[COOKIE] = "kk"

    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == HTTPStatus.OK
    assert response.headers["Content-Language"] == "kk"
    assert '<html lang="kk"' in response.content.decode()
    assert "Жойылған жазбалар" in _text(response)
    vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        (None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        (None, "kk-KZ,kk;q=0.9", "kk"),
        (None, "de-DE,de;q=0.9", "en"),
        (None, None, "en"),
        ("kk", "ru-RU,ru;q=0.9", "kk"),  # the editor's choice beats the browser
        ("de", "ru", "ru"),  # a cookie naming no language of ours is ignored
    ],
)
def test_admin_language_is_the_cookie_else_the_browser_else_english(client, cookie, accept, expected):
    if cookie:
        client.cookies[COOKIE] = cookie
    headers = {"Accept-Language": accept} if accept else {}

    response = client.get(reverse("admin:login"), headers=headers)

    assert response.status_code == HTTPStatus.OK
    assert response.headers["Content-Language"] == expected
    assert f'<html lang="{expected}"' in response.content.decode()


def test_public_site_keeps_its_url_languages_whatever_the_cookie(client):
    CaseFactory()
    client.cookies[COOKIE] = "kk"

    english = client.get("/cases/", headers={"Accept-Language": "ru"})
    russian = client.get("/ru/cases/", headers={"Accept-Language": "kk"})

    assert english.status_code == russian.status_code == HTTPStatus.OK
    assert english.headers["Content-Language"] == "en"
    assert russian.headers["Content-Language"] == "ru"


def test_api_stays_in_english_whatever_the_cookie_or_browser(client):
    client.cookies[COOKIE] = "ru"

    response = client.get("/api/v1/cases/does-not-exist/", headers={"Accept-Language": "ru"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.headers["Content-Language"] == "en"
    assert re.search(r"[A-Za-z]", response.json()["detail"])
    assert not re.search(r"[А-Яа-яЁё]", response.content.decode("unicode_escape"))


def test_language_switcher_in_the_header_posts_to_set_language_and_returns_to_the_page(editor_client):
    page = reverse("admin:cases_case_changelist") + "?kind__exact=criminal"

    response = editor_client.get(page)

    content = response.content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', content, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{html.escape(page)}"' in form
    assert 'value="ru" lang="ru">Русский<' in form
    assert 'value="kk" lang="kk">Қазақ<' in form
    # No inline script or handler: the Content-Security-Policy stays as strict as it is.
    assert "<script" not in form and " on" not in form.replace(" one", "")
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]

    switched = editor_client.post(reverse("set_language"), {"language": "kk", "next": page})

    assert switched.status_code == HTTPStatus.FOUND
    assert switched.headers["Location"] == page
    assert switched.cookies[COOKIE].value == "kk"
    after = editor_client.get(page)
    assert after.headers["Content-Language"] == "kk"
    assert 'value="kk" lang="kk" aria-current="true" disabled>Қазақ<' in after.content.decode()


def test_login_page_has_the_switcher_too(client):
    response = client.get(reverse("admin:login"), headers={"Accept-Language": "ru"})

    assert 'class="language-switcher"' in response.content.decode()
    assert "Войти" in _text(response)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_admin_pages_open_in_russian_and_kazakh_without_english_interface_text(editor_client, language):
    case = CaseFactory()
    DetentionFactory(case=case)
    SentenceFactory(case=case, fine_amount=Decimal("1234.50"), fine_unit="kzt")
    person = PersonFactory()
    RecognitionFactory(person=person)
    editor_client.cookies[COOKIE] = language

    for name, url in _admin_urls(case, person).items():
        response = editor_client.get(url)
        assert response.status_code == HTTPStatus.OK, name
        assert response.headers["Content-Language"] == language, name
        text = _text(response)
        for english in ENGLISH_ONLY:
            assert english not in text, (name, english)
        if name == "index":
            assert all(s in text for s in INDEX[language]), name
        if name == "case form":
            assert all(s in text for s in CASE_FORM[language]), name


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Public summary (English)", "Public summary (Russian)", "Public summary (Kazakh)"]),
        ("ru", ["Публичное описание (английский)", "Публичное описание (русский)", "Публичное описание (казахский)"]),
        ("kk", ["Жария сипаттама (ағылшынша)", "Жария сипаттама (орысша)", "Жария сипаттама (қазақша)"]),
    ],
)
def test_labels_of_per_language_fields_are_translated(editor_client, language, labels):
    case = CaseFactory()
    editor_client.cookies[COOKIE] = language

    text = _text(editor_client.get(reverse("admin:cases_case_change", args=[case.pk])))

    assert all(label in text for label in labels), language
    if language != "en":
        assert "(English)" not in text
        assert "Public summary" not in text


def test_admin_pages_in_english_still_show_the_english_strings(editor_client):
    case, person = CaseFactory(), PersonFactory()
    urls = _admin_urls(case, person)

    assert all(s in _text(editor_client.get(urls["index"])) for s in INDEX["en"])
    assert all(s in _text(editor_client.get(urls["case form"])) for s in CASE_FORM["en"])


DATE_INPUT = re.compile(r'<input type="text" name="([^"]+)" value="([^"]*)"[^>]*class="vDateField')


def _shown_dates(content: str) -> dict[str, str]:
    """Every date input's value as the page shows it (what a browser sends back)."""
    return {name: html.unescape(value) for name, value in DATE_INPUT.findall(content)}


@pytest.mark.parametrize(("language", "shown"), [("en", "2022-03-15"), ("ru", "15.03.2022"), ("kk", "2022-03-15")])
def test_case_change_form_saves_the_dates_it_shows_in_each_language(editor_client, language, shown):
    case = CaseFactory(opened_on=datetime.date(2022, 3, 15), opened_on_precision="day")
    DetentionFactory(case=case, started_on=datetime.date(2022, 3, 15), ended_on=datetime.date(2022, 4, 2))
    SentenceFactory(case=case, sentenced_on=datetime.date(2022, 5, 20), fine_amount=Decimal("1234.50"), fine_unit="kzt")
    editor_client.cookies[COOKIE] = language
    url = reverse("admin:cases_case_change", args=[case.pk])

    page = editor_client.get(url)
    dates = _shown_dates(page.content.decode())
    assert dates["opened_on"] == shown
    assert len(dates) >= 4  # the case, the detention's start and end, the verdict date
    data = page_data(page) | dates
    data["_continue"] = "1"

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert case.opened_on == datetime.date(2022, 3, 15)
    detention = Detention.objects.get(case=case)
    assert (detention.started_on, detention.ended_on) == (datetime.date(2022, 3, 15), datetime.date(2022, 4, 2))
    sentence = Sentence.objects.get(case=case)
    assert (sentence.sentenced_on, sentence.fine_amount) == (datetime.date(2022, 5, 20), Decimal("1234.50"))
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("language", "shown"), [("ru", "15.05.2022"), ("kk", "2022-05-15")])
def test_person_change_form_saves_the_dates_it_shows_in_each_language(editor_client, language, shown):
    person = PersonFactory()
    RecognitionFactory(person=person, since=datetime.date(2022, 5, 15))
    editor_client.cookies[COOKIE] = language
    url = reverse("admin:people_person_change", args=[person.pk])

    page = editor_client.get(url)
    dates = _shown_dates(page.content.decode())
    assert shown in dates.values()
    data = page_data(page) | dates
    data["_continue"] = "1"

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert Recognition.objects.get(person=person).since == datetime.date(2022, 5, 15)


def test_bad_date_in_russian_is_a_form_error_in_russian(editor_client):
    case = CaseFactory()
    editor_client.cookies[COOKIE] = "ru"
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = page_data(editor_client.get(url)) | {"opened_on": "31.02.2022"}

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["opened_on"] == ["Введите правильную дату."]


@pytest.mark.parametrize(("language", "first_input_format"), [("ru", "%d.%m.%Y"), ("kk", "%Y-%m-%d")])
def test_calendar_widget_writes_dates_in_the_format_the_form_reads(editor_client, language, first_input_format):
    """The admin's calendar (jsi18n) fills a date field with DATE_INPUT_FORMATS[0] of the
    page's language, which the form then parses."""
    editor_client.cookies[COOKIE] = language

    response = editor_client.get(reverse("admin:jsi18n"))

    assert response.status_code == HTTPStatus.OK
    assert response.headers["Content-Language"] == language
    assert re.search(r'"DATE_INPUT_FORMATS": \[\s*"' + re.escape(first_input_format), response.content.decode())
