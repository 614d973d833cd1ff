"""The admin's own frame in the editor's language (kazmonitor/admin_site.py): the page
titles and the index heading are translated."""

import html
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _page(client, language: str) -> str:
    client.cookies[COOKIE] = language
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("language", "site_title", "index_title"),
    [
        ("en", "KazMonitor admin", "Case records"),
        ("ru", "Управление KazMonitor", "Записи о делах"),
        ("kk", "KazMonitor басқару тақтасы", "Іс жазбалары"),
    ],
)
def test_admin_titles_are_in_the_editors_language(editor_client, language, site_title, index_title):
    text = _page(editor_client, language)

    title = TITLE.search(text).group(1)
    assert title.strip().endswith(f"| {site_title}")
    assert f"<h1>{index_title}</h1>" in text
    if language != "en":
        assert "KazMonitor admin" not in text
        assert "Case records" not in text


def test_login_page_title_is_in_the_editors_language(client):
    client.cookies[COOKIE] = "ru"

    text = html.unescape(client.get(reverse("admin:login")).content.decode())

    assert "Управление KazMonitor" in TITLE.search(text).group(1)


@pytest.mark.parametrize(("language", "home"), [("en", "/"), ("ru", "/ru/"), ("kk", "/kk/")])
def test_view_site_opens_the_public_site_in_the_admins_language(editor_client, language, home):
    text = _page(editor_client, language)

    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', text)
    view_site = {"en": "View site", "ru": "Открыть сайт", "kk": "Сайтты ашу"}[language]
    assert [href for href, label in links if label.strip() == view_site] == [home]
    assert editor_client.get(home).status_code == HTTPStatus.OK
    assert f'<html lang="{language}"' in editor_client.get(home).content.decode()


def test_view_site_link_shows_on_every_admin_page_in_the_admins_language(editor_client):
    editor_client.cookies[COOKIE] = "kk"

    page = editor_client.get(reverse("admin:cases_case_changelist"))

    assert page.context["site_url"] == "/kk/"
