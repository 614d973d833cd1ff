"""Admin change forms drawn fast (cases/admin_rendering.py) are the very pages Django
draws, cost a number of queries that does not grow with their inline rows, and the
"in custody" filter of the person list lists exactly the persons held."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from nested_admin.nested import NestedInlineAdminFormset

from cases import admin_rendering
from cases.models import Detention, Facility
from kazmonitor.models import Visibility
from tests.admin_pages import page_data
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    FacilityFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonAliasFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _case_with(rows: int):
    """A case with ``rows`` of each fact; every other row leaves its optional
    autocomplete fields (facility, authority, assembly, court, sources) empty."""
    case = CaseFactory(title='Case "<b>quoted</b>" & co')
    court, police, facility, assembly = CourtFactory(), OrganizationFactory(), FacilityFactory(), AssemblyFactory()
    for number in range(rows):
        full = number % 2 == 0
        source = SourceFactory()
        person = ParticipantFactory(case=case, person__name=f"Person <{number}> & 'co'").person
        charge = ChargeFactory(case=case, defendant=person)
        detention = DetentionFactory(
            case=case,
            person=person,
            facility=facility if full else None,
            authority=police if full else None,
            assembly=assembly if full else None,
        )
        extension = ExtensionFactory(detention=detention, court=court if full else None)
        first = SentenceFactory(case=case, defendant=person, court=court)
        SentenceFactory(case=case, defendant=person, court=court, replaces=first)
        event = EventFactory(case=case, person=person)
        if full:
            for row in (charge, detention, extension, event):
                row.sources.add(source)
    return case


def _person_with(rows: int):
    person = PersonFactory(name="Айгуль <Test>")
    for _ in range(rows):
        PersonAliasFactory(person=person)
        MembershipFactory(person=person)
        RecognitionFactory(person=person)
    return person


def _normalised(response) -> str:
    """The page without what differs between two requests of it (tokens, nonces)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'nonce="[^"]*"', "", page)


@pytest.fixture
def as_django_draws(monkeypatch):
    """Switch the fast paths off: every template drawn by Django, every autocomplete
    queried as Django does, media read from every row."""

    def switch_off():
        monkeypatch.setattr(admin_rendering.FastFormRenderer, "fast", {})
        monkeypatch.setattr(admin_rendering, "STACKED_FIELDSET", "not the stacked fieldset")
        monkeypatch.setattr(
            admin_rendering.QuietAutocompleteMixin,
            "optgroups",
            lambda self, *args: super(admin_rendering.QuietAutocompleteMixin, self).optgroups(*args),
        )
        monkeypatch.setattr(admin_rendering.FirstRowMediaFormset, "media", NestedInlineAdminFormset.media)

    return switch_off


def _both_ways(client, as_django_draws, method: str, url: str, data=None) -> tuple[str, str]:
    fast = getattr(client, method)(url, data)
    as_django_draws()
    ordinary = getattr(client, method)(url, data)
    assert fast.status_code == ordinary.status_code == HTTPStatus.OK
    return _normalised(fast), _normalised(ordinary)


@pytest.mark.parametrize("persona", ["editor_client", "researcher_client"])
def test_a_case_page_is_drawn_exactly_as_django_draws_it(request, persona, as_django_draws):
    """Editors (visibility editable) and researchers (visibility read-only) alike."""
    client = request.getfixturevalue(persona)
    case = _case_with(3)

    fast, ordinary = _both_ways(client, as_django_draws, "get", reverse("admin:cases_case_change", args=[case.pk]))

    assert fast == ordinary
    assert "Person &lt;0&gt; &amp; &#x27;co&#x27;" in fast  # escaped once, as Django does


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_related_object_links_are_translated_as_django_translates_them(language):
    wrapper = RelatedFieldWidgetWrapper(
        forms.Select(choices=[("", "---"), ("1", "<Prison> & co")]),
        Detention._meta.get_field("facility").remote_field,
        admin.site,
        can_add_related=True,
        can_change_related=True,
        can_delete_related=True,
        can_view_related=True,
    )
    with translation.override(language):
        fast = wrapper.render(
            "detentions-0-facility", "1", {"id": "id_detentions-0-facility"}, admin_rendering.renderer
        )
        ordinary = wrapper.render("detentions-0-facility", "1", {"id": "id_detentions-0-facility"}, DjangoTemplates())
        title = gettext("Delete selected %(model)s") % {"model": Facility._meta.verbose_name}

    assert fast == ordinary
    assert f'title="{title}"' in fast


def test_a_case_page_with_errors_is_drawn_exactly_as_django_draws_it(editor_client, as_django_draws):
    case = _case_with(2)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = page_data(editor_client.get(url))
    data["detentions-0-ended_on"] = "2000-01-01"  # before it started
    data["charges-0-filed_on"] = "not a day"
    data["title"] = ""

    fast, ordinary = _both_ways(editor_client, as_django_draws, "post", url, data)

    assert fast == ordinary
    assert 'class="errorlist' in fast


def test_detention_person_and_add_pages_are_drawn_exactly_as_django_draws_them(superuser_client, as_django_draws):
    detention = DetentionFactory(facility=FacilityFactory())
    for _ in range(3):
        ExtensionFactory(detention=detention, court=CourtFactory())
    person = _person_with(2)
    urls = [
        reverse("admin:cases_detention_change", args=[detention.pk]),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:cases_case_add"),
        reverse("admin:cases_charge_add"),
    ]
    fast = [_normalised(superuser_client.get(url)) for url in urls]
    as_django_draws()
    ordinary = [_normalised(superuser_client.get(url)) for url in urls]

    for url, fast_page, ordinary_page in zip(urls, fast, ordinary, strict=True):
        assert fast_page == ordinary_page, url


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_a_case_page_with_empty_autocompletes_costs_the_same_queries_for_2_or_8_rows(editor_client):
    _queries(editor_client, reverse("admin:cases_case_change", args=[_case_with(2).pk]))  # warm caches

    two = _queries(editor_client, reverse("admin:cases_case_change", args=[_case_with(2).pk]))
    eight = _queries(editor_client, reverse("admin:cases_case_change", args=[_case_with(8).pk]))

    assert eight == two


def test_a_detention_page_costs_the_same_queries_for_1_or_6_extensions(editor_client):
    def detention_with(extensions: int) -> str:
        detention = DetentionFactory(facility=FacilityFactory())
        for number in range(extensions):
            ExtensionFactory(detention=detention, court=CourtFactory() if number % 2 else None)
        return reverse("admin:cases_detention_change", args=[detention.pk])

    _queries(editor_client, detention_with(1))

    assert _queries(editor_client, detention_with(6)) == _queries(editor_client, detention_with(1))


def test_a_person_page_costs_the_same_queries_for_1_or_6_rows_of_each_inline(editor_client):
    _queries(editor_client, reverse("admin:people_person_change", args=[_person_with(1).pk]))

    one = _queries(editor_client, reverse("admin:people_person_change", args=[_person_with(1).pk]))
    six = _queries(editor_client, reverse("admin:people_person_change", args=[_person_with(6).pk]))

    assert six == one


def test_a_case_page_drawn_fast_still_adds_and_deletes_inline_rows(editor_client):
    case = _case_with(2)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = page_data(editor_client.get(url))
    gone = case.events.order_by("pk").first()
    data["events-0-DELETE"] = "on"
    newcomer = PersonFactory(name="Newcomer")
    data.update(
        {
            "participants-TOTAL_FORMS": str(int(data["participants-TOTAL_FORMS"]) + 1),
            "participants-2-person": str(newcomer.pk),
            "participants-2-role": "witness",
            "participants-2-visibility": str(Visibility.PUBLIC),
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert case.participants.filter(person=newcomer, role="witness").exists()
    assert not case.events.filter(pk=gone.pk).exists()


TODAY = datetime.date(2022, 1, 20)


@time_machine.travel(datetime.datetime(2022, 1, 20, 12, tzinfo=datetime.UTC))
def test_the_held_today_filter_lists_exactly_the_persons_held_today(superuser_client):
    held = {
        DetentionFactory(started_on=datetime.date(2022, 1, 5)).person,  # open, no extension
        DetentionFactory(started_on=datetime.date(2021, 1, 5), ended_on=TODAY).person,  # released today
        DetentionFactory(started_on=TODAY).person,  # taken today
    }
    extended = DetentionFactory(started_on=datetime.date(2021, 12, 1))
    ExtensionFactory(detention=extended, decided_on=datetime.date(2021, 12, 3), extended_until=TODAY)
    held.add(extended.person)
    twice = DetentionFactory(started_on=datetime.date(2021, 11, 1)).person
    DetentionFactory(person=twice, started_on=datetime.date(2021, 12, 1))  # two open detentions, listed once
    held.add(twice)
    DetentionFactory(started_on=datetime.date(2021, 1, 5), ended_on=datetime.date(2022, 1, 19))  # released yesterday
    DetentionFactory(started_on=datetime.date(2022, 1, 21))  # taken tomorrow
    lapsed = DetentionFactory(started_on=datetime.date(2021, 10, 1))
    ExtensionFactory(detention=lapsed, decided_on=datetime.date(2021, 10, 3), extended_until=datetime.date(2022, 1, 19))
    PersonFactory()  # never detained

    response = superuser_client.get(reverse("admin:people_person_changelist"), {"held": "today"})

    assert response.status_code == HTTPStatus.OK
    changelist = response.context["cl"]
    assert set(changelist.result_list) == held
    assert changelist.result_count == len(held) == 5
    expected = {p.pk for p in held}
    assert expected == set(
        Detention.objects.in_custody_on(TODAY).values_list("person", flat=True)
    )  # the same rule as the public "detained now" figure


@time_machine.travel(datetime.datetime(2022, 1, 20, 12, tzinfo=datetime.UTC))
def test_the_held_filter_on_a_past_day_and_its_count_cost_few_queries(superuser_client):
    on_the_10th = DetentionFactory(started_on=datetime.date(2022, 1, 1), ended_on=datetime.date(2022, 1, 15)).person
    DetentionFactory(started_on=datetime.date(2022, 1, 11))
    url = reverse("admin:people_person_changelist")

    response = superuser_client.get(url, {"held": "2022-01-10"})
    with CaptureQueriesContext(connection) as captured:
        superuser_client.get(url, {"held": "2022-01-10"})

    assert list(response.context["cl"].result_list) == [on_the_10th]
    assert response.context["cl"].result_count == 1
    assert len(captured) <= 8
