"""Counts over whole tables that public pages keep until the records change (or the day
does): the number of people in custody, the cases per legal article. A page built
again reads them from the cache; a change of the records shows at once."""

import datetime

import pytest
import time_machine

from tests.factories import ChargeFactory, DetentionFactory, LegalArticleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2022, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _pages_built_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@time_machine.travel(TODAY, tick=False)
def test_the_custody_count_is_kept_until_a_detention_changes(client, django_assert_num_queries):
    DetentionFactory()
    assert "1 detention" in client.get("/detained/").content.decode()

    with django_assert_num_queries(2):  # the page and its extensions, no count
        assert "1 detention" in client.get("/detained/").content.decode()

    DetentionFactory()
    assert "2 detentions" in client.get("/detained/").content.decode()


def test_the_custody_count_is_counted_again_the_next_day(client):
    DetentionFactory(ended_on=datetime.date(2022, 6, 1))  # released on the day, no record changes after
    with time_machine.travel(TODAY, tick=False):
        assert "1 detention" in client.get("/detained/").content.decode()

    with time_machine.travel(TODAY + datetime.timedelta(days=1), tick=False):
        assert "0 detentions" in client.get("/detained/").content.decode()


def test_an_articles_case_count_is_kept_until_a_charge_changes(client, django_assert_num_queries):
    article = LegalArticleFactory(number="405", slug="cc-405")
    ChargeFactory(article=article)
    client.get("/articles/cc-405/")

    with django_assert_num_queries(4):  # the article, its cases, their people and articles: no count
        assert "1 case" in client.get("/articles/cc-405/").content.decode()

    ChargeFactory(article=article)

    assert "2 cases" in client.get("/articles/cc-405/").content.decode()


def test_the_case_counts_per_article_are_kept_until_a_charge_changes(client, django_assert_num_queries):
    article = LegalArticleFactory(number="405")
    ChargeFactory(article=article)
    client.get("/articles/")

    with django_assert_num_queries(0):
        page = client.get("/articles/").content.decode()
    assert '<td class="num">1</td>' in page

    ChargeFactory(article=article)

    assert '<td class="num">2</td>' in client.get("/articles/").content.decode()
