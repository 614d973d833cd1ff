import datetime

import pytest

from cases.facts import case_fact_prefetches, case_timeline
from cases.models import Case
from kazmonitor.models import Visibility
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    ParticipantFactory,
    PersonFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _load(case, level):
    return Case.objects.visible_to(level).prefetch_related(*case_fact_prefetches(level)).get(pk=case.pk)


def test_timeline_orders_charges_detentions_extensions_and_events_by_date():
    case = CaseFactory()
    person = PersonFactory(name_latin="Zhanbolat Mamai")
    ChargeFactory(case=case, defendant=person, filed_on=datetime.date(2022, 3, 15))
    detention = DetentionFactory(case=case, person=person, started_on=datetime.date(2022, 3, 15))
    ExtensionFactory(
        detention=detention, decided_on=datetime.date(2022, 5, 6), extended_until=datetime.date(2022, 6, 12)
    )
    EventFactory(case=case, occurred_on=datetime.date(2022, 4, 4), description="Amnesty application rejected.")

    timeline = case_timeline(_load(case, Visibility.PUBLIC), Visibility.PUBLIC)

    assert [entry.kind for entry in timeline] == ["charge", "detention", "hearing", "extension"]
    assert "until 12 June 2022" in timeline[3].text
    assert "Zhanbolat Mamai" in timeline[0].text


def test_facts_naming_a_hidden_person_or_below_the_level_are_left_out():
    case = CaseFactory()
    hidden = PersonFactory(visibility=Visibility.INTERNAL)
    ParticipantFactory(case=case, person=hidden)
    ChargeFactory(case=case, defendant=hidden)
    ChargeFactory(case=case, visibility=Visibility.PARTNERS)
    EventFactory(case=case, person=hidden)
    case.sources.add(SourceFactory(visibility=Visibility.INTERNAL), SourceFactory())

    public = _load(case, Visibility.PUBLIC)
    assert public.visible_participants == []
    assert public.visible_charges == []
    assert public.visible_events == []
    assert len(public.visible_sources) == 1

    partners = _load(case, Visibility.PARTNERS)
    assert len(partners.visible_charges) == 1


def test_protected_person_appears_in_the_timeline_only_by_pseudonym():
    case = CaseFactory()
    person = PersonFactory(
        name="Секретное Имя", name_latin="Secret Name", identity_protected=True, pseudonym="Activist from Shymkent"
    )
    ChargeFactory(case=case, defendant=person)
    text = " ".join(e.text for e in case_timeline(_load(case, Visibility.PUBLIC), Visibility.PUBLIC))
    assert "Activist from Shymkent" in text
    assert "Secret" not in text


def test_case_facts_take_the_same_number_of_queries_for_one_or_many_rows(django_assert_num_queries):
    small, big = CaseFactory(), CaseFactory()
    for case, n in ((small, 1), (big, 6)):
        for _ in range(n):
            detention = DetentionFactory(case=case)
            ExtensionFactory(detention=detention)
            ChargeFactory(case=case, defendant=detention.person).sources.add(SourceFactory())
            ParticipantFactory(case=case, person=detention.person)
            EventFactory(case=case)
    with django_assert_num_queries(12):
        case_timeline(_load(small, Visibility.PUBLIC), Visibility.PUBLIC)
    with django_assert_num_queries(12):
        case_timeline(_load(big, Visibility.PUBLIC), Visibility.PUBLIC)


def test_days_in_custody_count_to_today_while_held_and_to_the_end_once_released():
    today = datetime.date(2022, 6, 1)
    held = DetentionFactory(started_on=datetime.date(2022, 5, 1))
    released = DetentionFactory(started_on=datetime.date(2022, 5, 1), ended_on=datetime.date(2022, 5, 10))
    assert held.days_in_custody(today) == 32
    assert not held.information_is_stale(today)
    assert released.days_in_custody(today) == 10


def test_days_in_custody_stop_at_an_extension_that_ran_out_without_news():
    detention = DetentionFactory(started_on=datetime.date(2022, 3, 1))
    ExtensionFactory(
        detention=detention, decided_on=datetime.date(2022, 5, 6), extended_until=datetime.date(2022, 6, 12)
    )
    assert detention.days_in_custody(datetime.date(2022, 6, 1)) == 93
    later = datetime.date(2026, 11, 25)
    assert detention.last_known_in_custody(later) == datetime.date(2022, 6, 12)
    assert detention.information_is_stale(later)
    assert detention.days_in_custody(later) == 104


def test_who_is_in_custody_on_a_day_counts_open_detentions_and_their_extensions():
    from cases.models import Detention

    open_plain = DetentionFactory(started_on=datetime.date(2022, 3, 1))
    extended = DetentionFactory(started_on=datetime.date(2022, 3, 1))
    ExtensionFactory(
        detention=extended, decided_on=datetime.date(2022, 5, 6), extended_until=datetime.date(2022, 6, 12)
    )
    released = DetentionFactory(started_on=datetime.date(2022, 3, 1), ended_on=datetime.date(2022, 4, 1))
    DetentionFactory(started_on=datetime.date(2022, 7, 1))

    def held(day):
        return set(Detention.objects.in_custody_on(day))

    assert held(datetime.date(2022, 3, 20)) == {open_plain, extended, released}
    assert held(datetime.date(2022, 6, 12)) == {open_plain, extended}
    assert held(datetime.date(2022, 6, 13)) == {open_plain}
