"""Statistics at scale: figures are computed once and served from the cache until a
counted record is published, changed or deleted."""

import datetime

import pytest

from cases.models import Case
from kazmonitor.models import Visibility
from tests.factories import CaseFactory, DetentionFactory

pytestmark = pytest.mark.django_db


def new_cases(client) -> str:
    return client.get("/statistics/new-cases.csv").content.decode()


def test_a_second_statistics_page_comes_from_the_cache_without_queries(client, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the figures' own cache, not the whole page's
    DetentionFactory(started_on=datetime.date(2022, 1, 5))
    client.get("/statistics/")

    with django_assert_num_queries(0):
        response = client.get("/statistics/")

    assert response.status_code == 200
    assert "January 2022" in response.content.decode()


def test_publishing_a_case_shows_in_the_figures_at_once(client):
    draft = CaseFactory(opened_on=datetime.date(2022, 3, 1), visibility=Visibility.INTERNAL)
    CaseFactory(opened_on=datetime.date(2022, 1, 1))
    assert "2022-03" not in new_cases(client)

    draft.visibility = Visibility.PUBLIC
    draft.save()

    assert "2022-03,March 2022,1" in new_cases(client)


def test_deleting_or_withdrawing_a_case_removes_it_from_the_figures(client):
    CaseFactory(opened_on=datetime.date(2022, 1, 1))
    removed = CaseFactory(opened_on=datetime.date(2022, 5, 1))
    withdrawn = CaseFactory(opened_on=datetime.date(2022, 4, 1))
    assert "2022-05,May 2022,1" in new_cases(client)

    Case.objects.get(pk=removed.pk).delete()
    withdrawn.visibility = Visibility.PARTNERS
    withdrawn.save()

    figures = new_cases(client)
    assert "2022-05" not in figures and "2022-04" not in figures
    assert "2022-01,January 2022,1" in figures


def test_a_cache_that_cannot_be_written_never_fails_a_save(monkeypatch):
    from cases import statistics

    class BrokenCache:
        def incr(self, *args, **kwargs):
            raise ConnectionError("cache is down")

        set = incr

    monkeypatch.setattr(statistics, "cache", BrokenCache())

    case = CaseFactory(title="Saved anyway")

    assert Case.objects.get(pk=case.pk).title == "Saved anyway"
