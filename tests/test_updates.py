"""Drafted monitoring updates, tested on the demo data (the March–May 2022 update)."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from cases.admin_updates import default_period
from cases.demo import load_demo_data
from cases.models import Assembly, Case, Detention, Event, Extension
from cases.updates import build_update, in_period, render_html, render_markdown
from kazmonitor.models import Visibility
from people.models import Person
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RecognitionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
MARCH, END_OF_MAY = datetime.date(2022, 3, 1), datetime.date(2022, 5, 31)


@pytest.fixture
def demo(db):
    load_demo_data()


@pytest.fixture
def draft(demo):
    return build_update(MARCH, END_OF_MAY, Visibility.PUBLIC)


def section(update, key):
    (found,) = [s for s in update.sections if s.key == key]
    return {part.key: [item.text for item in part.items] for part in found.parts}


def test_the_march_to_may_2022_draft_reports_mamais_extended_detention(draft):
    expression = section(draft, "expression")
    (extension,) = [t for t in expression["detentions"] if "extended" in t]
    assert extension.startswith("On 6 May 2022, ")
    assert "Zhanbolat Mamai" in extension and "until 12 June 2022" in extension
    assert any("Zhanbolat Mamai: pre-trial detention from March 2022" in t for t in expression["detentions"])


def test_the_draft_reports_the_shymkent_convictions_with_their_article(draft):
    verdicts = section(draft, "expression")["verdicts"]
    shymkent = [t for t in verdicts if "Shymkent" in t and "guilty" in t]
    assert len(shymkent) == 2
    assert all("CC art. 272" in t and "May 2022" in t for t in shymkent)


def test_the_draft_reports_the_dispersed_protests(draft):
    assemblies = section(draft, "assembly")["assemblies"]
    consulate = [t for t in assemblies if "Russian consulate" in t]
    assert consulate and "9 April 2022" in consulate[0] and "dispersed" in consulate[0]
    assert any("political prisoners" in t and "dispersed" in t for t in assemblies)
    assert draft.counts["assemblies_dispersed"] == 2


def test_the_draft_reports_the_harassment_of_ar_rukh_khaks_lawyer(draft):
    harassment = section(draft, "association")["harassment"]
    search = [t for t in harassment if "searched her home" in t]
    assert len(search) == 1
    assert "23 April 2022" in search[0]
    assert "Shalipa Bekkulova" in search[0] and "Ar.Rukh.Khak" in search[0]
    assert draft.counts["harassment"] >= 3


def test_the_draft_lists_new_charges_by_article_and_a_summary_of_counts(draft):
    expression = next(s for s in draft.sections if s.key == "expression")
    charges = next(p for p in expression.parts if p.key == "new_charges")
    groups = dict(charges.groups())
    assert any(g.startswith("CC art. 274 (") for g in groups)
    assert any(g.startswith("CC art. 378 (") for g in groups)
    # The charges of 8 June 2022 are after the period.
    assert not any("8 June 2022" in item.text for item in charges.items)
    assert draft.counts["new_charges"] == 2
    assert draft.counts["extensions"] == 1
    assert "1 detention extension;" in "; ".join(draft.summary)
    assert [s.title for s in draft.sections][:3] == ["Peaceful assembly", "Expression", "Association"]


def test_markdown_and_html_carry_the_sentences_and_the_source_links(draft):
    markdown = render_markdown(draft)
    html = render_html(draft)
    assert markdown.startswith("# Monitoring update: 1 March 2022 – 31 May 2022")
    assert "## Peaceful assembly" in markdown and "### Verdicts and sentences" in markdown
    assert "until 12 June 2022" in markdown and "until 12 June 2022" in html
    assert "<h2>Association</h2>" in html
    # Every item names its sources, as links.
    assert "](<https://" in markdown
    assert '<a href="https://' in html and 'rel="noopener noreferrer"' in html


def test_only_records_at_the_chosen_level_are_drafted():
    public_case = CaseFactory(title="Public case", affects_expression=True, opened_on=datetime.date(2022, 4, 1))
    hidden_person = PersonFactory(name="HIDDEN-PERSON", name_latin="HIDDEN-PERSON", visibility=Visibility.INTERNAL)
    ChargeFactory(case=public_case, defendant=hidden_person, filed_on=datetime.date(2022, 4, 2))
    DetentionFactory(person=hidden_person, case=public_case, started_on=datetime.date(2022, 4, 2))
    CaseFactory(title="PARTNERS-CASE", visibility=Visibility.PARTNERS, opened_on=datetime.date(2022, 4, 1))
    CaseFactory(title="INTERNAL-CASE", visibility=Visibility.INTERNAL, opened_on=datetime.date(2022, 4, 1))
    protected = PersonFactory(
        name="REAL-NAME", name_latin="REAL-LATIN", identity_protected=True, pseudonym="Activist A"
    )
    event = EventFactory(case=public_case, person=protected, kind="search", occurred_on=datetime.date(2022, 4, 5))
    event.sources.set(
        [
            SourceFactory(url="https://example.org/public"),
            SourceFactory(url="https://example.org/secret", visibility=Visibility.INTERNAL),
        ]
    )

    public = render_markdown(build_update(MARCH, END_OF_MAY, Visibility.PUBLIC))
    partners = render_markdown(build_update(MARCH, END_OF_MAY, Visibility.PARTNERS))
    internal = render_markdown(build_update(MARCH, END_OF_MAY, Visibility.INTERNAL))

    assert "Public case" in public and "Activist A" in public
    for text in ("HIDDEN-PERSON", "PARTNERS-CASE", "INTERNAL-CASE", "REAL-NAME", "REAL-LATIN", "example.org/secret"):
        assert text not in public, text
    assert "PARTNERS-CASE" in partners and "INTERNAL-CASE" not in partners
    assert "INTERNAL-CASE" in internal and "HIDDEN-PERSON" in internal
    assert "REAL-NAME" not in internal  # a draft is written for publication: pseudonyms only


def test_partial_dates_count_when_they_can_fall_in_the_period():
    inside = [
        AssemblyFactory(held_on=datetime.date(2022, 3, 1), held_on_precision="day"),
        AssemblyFactory(held_on=datetime.date(2022, 5, 1), held_on_precision="month"),
        AssemblyFactory(held_on=datetime.date(2022, 1, 1), held_on_precision="year"),
    ]
    AssemblyFactory(held_on=datetime.date(2022, 2, 28), held_on_precision="day")
    AssemblyFactory(held_on=datetime.date(2022, 2, 1), held_on_precision="month")
    AssemblyFactory(held_on=datetime.date(2022, 6, 1), held_on_precision="month")
    AssemblyFactory(held_on=datetime.date(2021, 1, 1), held_on_precision="year")
    found = Assembly.objects.filter(in_period("held_on", MARCH, END_OF_MAY))
    assert set(found) == set(inside)


def test_recognitions_are_drafted_with_who_recognised_whom():
    person = PersonFactory(name_latin="Named Prisoner")
    CaseFactory(affects_association=True)
    RecognitionFactory(person=person, recognised_by=OrganizationFactory(name="Human rights defenders' list"))
    update = build_update(MARCH, END_OF_MAY, Visibility.PUBLIC)
    (text,) = [i.text for s in update.sections for p in s.parts if p.key == "recognitions" for i in p.items]
    assert text == "On 15 May 2022, Human rights defenders' list recognised Named Prisoner as a political prisoner."


def test_the_draft_takes_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as first:
        build_update(MARCH, END_OF_MAY, Visibility.PUBLIC)
    mamai = Person.objects.get(slug="zhanbolat-mamai")
    for day in (10, 11, 12):
        case = CaseFactory(opened_on=datetime.date(2022, 4, day), affects_expression=True)
        ChargeFactory(case=case, defendant=mamai, filed_on=datetime.date(2022, 4, day))
        detention = DetentionFactory(case=case, person=mamai, started_on=datetime.date(2022, 4, day))
        Extension.objects.create(
            detention=detention, decided_on=datetime.date(2022, 4, 20), extended_until=datetime.date(2022, 5, 20)
        )
        EventFactory(case=case, person=mamai, occurred_on=datetime.date(2022, 4, day))
    with django_assert_max_num_queries(len(first.captured_queries)):
        build_update(MARCH, END_OF_MAY, Visibility.PUBLIC)


def test_the_default_period_is_the_last_three_full_months():
    assert default_period(datetime.date(2022, 6, 15)) == (MARCH, END_OF_MAY)
    assert default_period(datetime.date(2023, 1, 2)) == (datetime.date(2022, 10, 1), datetime.date(2022, 12, 31))


# --- The admin page -------------------------------------------------------------------


def draft_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("admin:cases_case_draft_update") + ("?" + urlencode(params) if params else "")


def test_staff_draft_an_update_in_the_admin_and_download_it(researcher_client, demo):
    assert researcher_client.get(draft_url()).status_code == HTTPStatus.OK
    page = researcher_client.get(draft_url(start="2022-03-01", end="2022-05-31", level="public"))
    assert page.status_code == HTTPStatus.OK
    content = page.content.decode()
    assert "until 12 June 2022" in content and "Download" in content

    markdown = researcher_client.get(draft_url(start="2022-03-01", end="2022-05-31", level="public", download="md"))
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "attachment" in markdown["Content-Disposition"]
    assert "Shalipa Bekkulova" in markdown.content.decode()
    html = researcher_client.get(draft_url(start="2022-03-01", end="2022-05-31", level="partners", download="html"))
    assert html.content.decode().startswith("<!DOCTYPE html>")
    changelist = researcher_client.get(reverse("admin:cases_case_changelist"))
    assert reverse("admin:cases_case_draft_update") in changelist.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2022-05-31", "end": "2022-03-01", "level": "public"},
        {"start": "31.02.2022", "end": "2022-05-31", "level": "public"},
        {"start": "2022-03-01", "end": "2022-05-31", "level": "everyone"},
        {"start": "1900-01-01", "end": "2022-05-31", "level": "public"},
    ],
)
def test_bad_periods_and_levels_are_form_errors(researcher_client, params):
    response = researcher_client.get(draft_url(**params))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "update" not in response.context


def test_the_draft_page_is_for_staff_only(client):
    response = client.get(draft_url(start="2022-03-01", end="2022-05-31", level="internal"))
    assert response.status_code == HTTPStatus.FOUND
    assert "/login/" in response["Location"]


def test_the_draft_escapes_html_in_the_data(researcher_client):
    CaseFactory(title="<script>alert(1)</script>", opened_on=datetime.date(2022, 4, 1), affects_expression=True)
    html = render_html(build_update(MARCH, END_OF_MAY, Visibility.PUBLIC))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_models_used_are_the_ones_the_demo_fills(demo):
    assert Case.objects.exists() and Detention.objects.exists() and Event.objects.exists()
