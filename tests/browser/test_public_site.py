"""The public site in a real browser: search, filter, read a case, switch language."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    LegalArticleFactory,
    ParticipantFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def mamai_case():
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", slug="zhanbolat-mamai")
    case = CaseFactory(title="Case of Zhanbolat Mamai", title_ru="Дело Жанболата Мамая", slug="mamai")
    ParticipantFactory(case=case, person=person)
    article = LegalArticleFactory(
        number="274", part="4", slug="kz-cc-274-4", title="knowingly spreading false information"
    )
    ChargeFactory(case=case, defendant=person, article=article, filed_on=datetime.date(2022, 3, 10))
    detention = DetentionFactory(case=case, person=person, started_on=datetime.date(2022, 3, 15))
    ExtensionFactory(
        detention=detention, decided_on=datetime.date(2022, 5, 6), extended_until=datetime.date(2022, 6, 12)
    )
    EventFactory(case=case, occurred_on=datetime.date(2022, 4, 4), description="Amnesty application rejected.")
    other = CaseFactory(title="Case of a blogger", slug="blogger")
    ChargeFactory(case=other, article=LegalArticleFactory(number="405", slug="kz-cc-405", title="extremist group"))
    return case


def test_searching_a_cyrillic_name_finds_the_person(live_server, page, mamai_case):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Search everything").fill("Мамай")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=%D0%9C"))
    page.get_by_role("link", name="Zhanbolat Mamai").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Zhanbolat Mamai")
    expect(page.get_by_role("region", name="Cases")).to_contain_text("Case of Zhanbolat Mamai")


def test_filtering_cases_by_article_keeps_the_filter_in_the_address(live_server, page, mamai_case):
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_text("2 cases")).to_be_visible()

    page.get_by_label("Article").select_option("kz-cc-274-4")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"article=kz-cc-274-4"))
    expect(page.get_by_text("1 case", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Case of Zhanbolat Mamai")).to_be_visible()
    expect(page.get_by_role("link", name="Case of a blogger")).to_have_count(0)


def test_opening_a_case_shows_its_timeline_in_date_order(live_server, page, mamai_case):
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Case of Zhanbolat Mamai").click()

    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_be_visible()
    dates = timeline.locator("time").all_inner_texts()
    assert dates == ["10 March 2022", "15 March 2022", "4 April 2022", "6 May 2022"]
    expect(timeline).to_contain_text("detention extended until 12 June 2022")
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert problems == []


def test_switching_language_keeps_the_page_and_translates_it(live_server, page, mamai_case):
    page.goto(f"{live_server.url}/cases/mamai/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()

    expect(page).to_have_url(f"{live_server.url}/ru/cases/mamai/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Дело Жанболата Мамая")
    expect(page.get_by_role("region", name="Хронология")).to_contain_text("15 марта 2022 г.")
