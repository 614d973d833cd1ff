"""``manage.py load_demo`` holds the March–May 2022 CIVICUS Monitor update on Kazakhstan, fact by fact."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from cases.facts import case_fact_prefetches, case_timeline
from cases.models import Assembly, Case, Charge, Detention, Event, Extension, LegalArticle, Sentence
from kazmonitor.dates import DatePrecision
from kazmonitor.models import Documented, Source, Tag, Visibility
from people.models import Organization, Person, Recognition

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return load_demo()


@pytest.fixture
def mamai(demo) -> Person:
    return Person.objects.get(name_latin="Zhanbolat Mamai")


def test_mamai_detention_was_extended_on_6_may_2022_until_12_june_2022_by_an_almaty_court(mamai):
    detention = Detention.objects.get(person=mamai)
    extension = Extension.objects.select_related("court__location").get(detention=detention)

    assert detention.kind == Detention.Kind.PRETRIAL
    assert (detention.started_on, detention.started_on_precision) == (datetime.date(2022, 3, 1), DatePrecision.MONTH)
    assert detention.ended_on is None
    assert extension.decided_on == datetime.date(2022, 5, 6)
    assert extension.decided_on_precision == DatePrecision.DAY
    assert extension.extended_until == datetime.date(2022, 6, 12)
    assert extension.court.kind == Organization.Kind.COURT
    assert extension.court.location.name == "Almaty"


def test_mamai_faces_four_charges_first_two_in_march_2022_then_two_more_on_8_june_2022(mamai):
    charges = Charge.objects.filter(defendant=mamai).select_related("article__code").order_by("filed_on", "pk")

    assert {c.article.label: (c.filed_on, c.filed_on_precision) for c in charges} == {
        "274": (datetime.date(2022, 3, 1), DatePrecision.MONTH),
        "378": (datetime.date(2022, 3, 1), DatePrecision.MONTH),
        "272.1": (datetime.date(2022, 6, 8), DatePrecision.DAY),
        "274.4": (datetime.date(2022, 6, 8), DatePrecision.DAY),
    }
    assert {c.article.code.short_name for c in charges} == {"CC"}
    assert {c.status for c in charges} == {Charge.Status.PENDING}
    assert LegalArticle.objects.get(code__short_name="CC", number="272", part="1").title == "organising mass riots"


def test_mamai_amnesty_was_refused_by_a_local_court_on_4_april_2022(mamai):
    event = Event.objects.get(person=mamai, kind=Event.Kind.AMNESTY_REFUSED)

    assert (event.occurred_on, event.occurred_on_precision) == (datetime.date(2022, 4, 4), DatePrecision.DAY)
    assert "had not admitted his guilt" in event.description
    assert event.case.participants.get(person=mamai).role == "defendant"


def test_mamai_leads_the_unregistered_democratic_party(mamai):
    membership = mamai.memberships.select_related("organization").get()

    assert membership.role == "leader"
    assert membership.organization.name == "Democratic Party"
    assert membership.organization.legal_status == Organization.LegalStatus.UNREGISTERED


@pytest.mark.parametrize("query", ["Мамай", "Mamai", "Mamay", "zhanbolat mamay"])
def test_mamai_is_found_by_his_name_in_any_script(mamai, query):
    assert list(Person.objects.search(query)) == [mamai]


def test_two_unnamed_shymkent_activists_were_convicted_under_article_272_in_may_2022(demo):
    charges = Charge.objects.filter(article__code__short_name="CC", article__number="272", article__part="")
    verdicts = Event.objects.filter(kind=Event.Kind.VERDICT, case__location__name="Shymkent")

    assert charges.count() == 2
    assert {c.status for c in charges} == {Charge.Status.CONVICTED}
    assert {c.case.status for c in charges} == {Case.Status.CONVICTED}
    assert {c.defendant.location.name for c in charges} == {"Shymkent"}
    assert all("not named" in c.defendant.biography.lower() for c in charges)
    assert {(v.occurred_on, v.occurred_on_precision) for v in verdicts} == {(datetime.date(2022, 5, 1), "month")}
    assert {v.person_id for v in verdicts} == {c.defendant_id for c in charges}


def test_no_sentence_terms_are_invented_for_the_shymkent_activists(demo):
    assert not Sentence.objects.filter(case__location__name="Shymkent").exists()


def test_bekkulova_home_was_searched_on_23_april_2022_by_the_national_security_committee(demo):
    bekkulova = Person.objects.get(name="Shalipa Bekkulova")
    search = Event.objects.get(person=bekkulova, kind=Event.Kind.SEARCH)

    assert (search.occurred_on, search.occurred_on_precision) == (datetime.date(2022, 4, 23), DatePrecision.DAY)
    assert "National Security Committee" in search.description
    assert Organization.objects.get(name="National Security Committee").kind == Organization.Kind.STATE_BODY
    assert search.case.kind == Case.Kind.EXTRAJUDICIAL
    assert set(search.case.tags.values_list("name", flat=True)) == {"harassment", "intimidation", "surveillance"}
    assert bekkulova.memberships.get().organization.name == "Ar.Rukh.Khak"


def test_search_also_examined_case_material_of_her_husband_galym_nurpeisov(demo):
    nurpeisov = Person.objects.get(name="Galym Nurpeisov")
    event = Event.objects.get(person=nurpeisov)

    assert event.occurred_on == datetime.date(2022, 4, 23)
    assert "lawyer-client confidentiality" in event.description


def test_dvk_and_street_party_are_banned_as_extremist_with_the_date_unknown(demo):
    banned = Organization.objects.filter(legal_status=Organization.LegalStatus.BANNED)

    assert {(o.abbreviation or o.name_local) for o in banned} == {"DVK", "Koshe Partiyasy"}
    assert {o.banned_on for o in banned} == {None}


def test_oyan_qazaqstan_protest_in_almaty_was_dispersed_with_the_number_detained_unknown(demo):
    assembly = Assembly.objects.get(organizers__name="Oyan, Qazaqstan")

    assert assembly.held_on == datetime.date(2022, 4, 9)
    assert assembly.location.name == "Almaty"
    assert assembly.outcome == Assembly.Outcome.DISPERSED
    assert assembly.detained_count is None
    assert assembly.sources.filter(publisher="Erica Marat (@EricaMarat)", published_on=assembly.held_on).exists()


def test_tags_are_the_update_tags_line(demo):
    assert set(Tag.objects.values_list("name", flat=True)) == {
        "harassment",
        "HRD detained",
        "HRD prosecuted",
        "intimidation",
        "protest",
        "protestor(s) detained",
        "surveillance",
        "torture/ill-treatment",
    }


def test_every_article_the_update_names_is_there_with_its_code(demo):
    labels = {(a.code.short_name, a.label) for a in LegalArticle.objects.select_related("code")}

    assert labels == {
        ("CC", "272"),
        ("CC", "272.1"),
        ("CC", "274"),
        ("CC", "274.4"),
        ("CC", "378"),
        ("CC", "405"),
        ("CAO", "488"),
    }


def test_tweets_are_sources_with_publisher_and_date_from_their_signature(demo):
    letter = Source.objects.get(url="https://t.co/X9k9ABTq6N")
    update = Source.objects.get(publisher="CIVICUS Monitor; IPHR; KIBHR")

    assert (letter.publisher, letter.published_on) == ("IPHR (@IPHR)", datetime.date(2022, 5, 2))
    assert (update.published_on, update.published_on_precision) == (datetime.date(2022, 1, 1), DatePrecision.YEAR)
    assert Source.objects.filter(url__startswith="https://www.youtube.com/watch?v=").count() == 5


def test_everything_loaded_is_public(demo):
    documented = [m for m in apps.get_models() if issubclass(m, Documented)]
    loaded = {m: m.objects.count() for m in documented}

    assert loaded[Person] and loaded[Case] and loaded[Source]
    for model in documented:
        assert model.objects.count() == model.objects.visible_to(Visibility.PUBLIC).count(), model


def test_every_demo_case_is_marked_published(demo):
    assert not Case.objects.filter(published_at__isnull=True).exists()


def test_no_recognition_is_invented_for_activists_the_update_does_not_name(demo):
    assert not Recognition.objects.exists()


def test_public_timeline_of_mamai_case_is_derived_from_the_loaded_facts(mamai):
    level = Visibility.PUBLIC
    case = Case.objects.visible_to(level).prefetch_related(*case_fact_prefetches(level)).get(persons=mamai)

    timeline = [(entry.date_display, entry.kind) for entry in case_timeline(case, level)]

    assert timeline == [
        ("March 2022", "charge"),
        ("March 2022", "charge"),
        ("March 2022", "detention"),
        ("4 April 2022", "amnesty_refused"),
        ("6 May 2022", "extension"),
        ("8 June 2022", "charge"),
        ("8 June 2022", "charge"),
        ("13 June 2022", "statement"),
    ]


def _row_counts() -> dict[str, int]:
    return {m._meta.db_table: m.objects.count() for m in apps.get_models(include_auto_created=True)}


def test_running_twice_leaves_every_table_unchanged(demo):
    before = _row_counts()

    output = load_demo()

    assert _row_counts() == before
    assert "(0 rows created, 0 updated, 0 links added)" in output


def test_running_again_restores_a_changed_demo_fact_without_adding_rows(mamai):
    Extension.objects.filter(detention__person=mamai).update(extended_until=datetime.date(2022, 7, 1))
    before = _row_counts()

    output = load_demo()

    assert Extension.objects.get(detention__person=mamai).extended_until == datetime.date(2022, 6, 12)
    assert "1 updated" in output
    history = "cases_historicalextension"
    assert {t: n for t, n in _row_counts().items() if t != history} == {t: n for t, n in before.items() if t != history}


def test_command_prints_one_summary_line_with_counts(demo):
    lines = demo.strip().splitlines()

    assert len(lines) == 1
    assert lines[0].startswith(f"Demo data loaded: {Person.objects.count()} persons, ")
    assert f"{Case.objects.count()} cases" in lines[0]
