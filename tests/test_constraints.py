"""Integrity lives in the database: every constraint rejects bad data even when
application code is bypassed (on SQLite and PostgreSQL alike)."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cases.models import Case, Detention, Event, Extension, LegalArticle, Participant, Sentence
from kazmonitor.models import Location, Source, Tombstone
from kazmonitor.search import name_key
from people.models import ApiKey, Membership, Person, PersonAlias, Recognition
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    LegalArticleFactory,
    LegalCodeFactory,
    OrganizationFactory,
    PersonFactory,
    SentenceFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2022, 5, 6)
EARLIER = datetime.date(2022, 3, 1)


def bad_rows():
    """(constraint, a function that writes a row violating it)."""
    return [
        ("location_kind_valid", lambda: Location.objects.create(name="X", slug="x", kind="planet")),
        ("source_visibility_valid", lambda: Source.objects.create(title="S", visibility=5)),
        ("source_precision_valid", lambda: Source.objects.create(title="S", published_on_precision="week")),
        ("person_visibility_valid", lambda: PersonFactory(visibility=99)),
        ("person_protected_has_pseudonym", lambda: PersonFactory(identity_protected=True, pseudonym="")),
        ("person_birth_year_plausible", lambda: PersonFactory(birth_year=1700)),
        ("person slug unique", lambda: (PersonFactory(slug="same"), PersonFactory(slug="same"))),
        (
            "alias_unique_per_person",
            lambda: [PersonAlias.objects.create(person=p, name="Mamay") for p in [PersonFactory()] * 2],
        ),
        ("organization_visibility_valid", lambda: OrganizationFactory(visibility=1)),
        ("organization_banned_date_needs_ban", lambda: OrganizationFactory(legal_status="registered", banned_on=DAY)),
        (
            "membership_until_after_since",
            lambda: Membership.objects.create(
                person=PersonFactory(), organization=OrganizationFactory(), since=DAY, until=EARLIER
            ),
        ),
        (
            "recognition_until_after_since",
            lambda: Recognition.objects.create(
                person=PersonFactory(), recognised_by=OrganizationFactory(), since=DAY, until=EARLIER
            ),
        ),
        (
            "recognition_certainty_valid",
            lambda: Recognition.objects.create(
                person=PersonFactory(), recognised_by=OrganizationFactory(), since=DAY, certainty="rumour"
            ),
        ),
        (
            "apikey_level_valid",
            lambda: ApiKey.objects.create(organization=OrganizationFactory(), prefix="p1", hashed_key="h1", level=0),
        ),
        (
            "apikey_rate_positive",
            lambda: ApiKey.objects.create(
                organization=OrganizationFactory(), prefix="p2", hashed_key="h2", rate_limit=0
            ),
        ),
        (
            "legalcode_unique_short_name",
            lambda: (LegalCodeFactory(slug="a"), LegalCodeFactory(slug="b")),
        ),
        (
            "legalarticle_unique_per_code",
            lambda: (
                LegalArticleFactory(number="274", part="4", slug="a1"),
                LegalArticleFactory(number="274", part="4", slug="a2"),
            ),
        ),
        ("case_visibility_valid", lambda: CaseFactory(visibility=30)),
        ("case_kind_valid", lambda: CaseFactory(kind="military")),
        ("case_status_valid", lambda: CaseFactory(status="forgotten")),
        ("case slug unique", lambda: (CaseFactory(slug="mamai"), CaseFactory(slug="mamai"))),
        (
            "participant_unique_role",
            lambda: [
                Participant.objects.create(case=c, person=p, role="defendant")
                for c, p in [(CaseFactory(), PersonFactory())] * 2
            ],
        ),
        ("charge_status_valid", lambda: ChargeFactory(status="maybe")),
        ("charge_certainty_valid", lambda: ChargeFactory(certainty="gossip")),
        ("sentence_term_positive", lambda: SentenceFactory(term=0)),
        ("sentence_term_has_unit", lambda: SentenceFactory(term=5, term_unit="")),
        ("sentence_term_has_unit (unit alone)", lambda: SentenceFactory(term=None, term_unit="years")),
        (
            "sentence_fine_positive",
            lambda: SentenceFactory(kind="fine", term=None, term_unit="", fine_amount=-5, fine_unit="mci"),
        ),
        ("sentence_fine_has_unit", lambda: SentenceFactory(kind="fine", term=None, term_unit="", fine_amount=100)),
        ("sentence_not_replacing_itself", lambda: _self_replacing_sentence()),
        ("assembly_participants_positive", lambda: AssemblyFactory(participants_estimate=0)),
        ("assembly_outcome_valid", lambda: AssemblyFactory(outcome="cancelled")),
        ("detention_end_after_start", lambda: DetentionFactory(started_on=DAY, ended_on=EARLIER)),
        (
            "detention_visibility_valid",
            lambda: Detention.objects.filter(pk=DetentionFactory().pk).update(visibility=7),
        ),
        (
            "extension_until_after_decision",
            lambda: Extension.objects.create(detention=DetentionFactory(), decided_on=DAY, extended_until=EARLIER),
        ),
        (
            "event_certainty_valid",
            lambda: Event.objects.create(case=CaseFactory(), occurred_on=DAY, description="x", certainty="unsure"),
        ),
        (
            "tombstone_is_a_withdrawal",
            lambda: Tombstone.objects.create(
                model="case", uuid=uuid.uuid4(), previous_visibility=10, new_visibility=20
            ),
        ),
    ]


def _self_replacing_sentence():
    sentence = SentenceFactory()
    Sentence.objects.filter(pk=sentence.pk).update(replaces=sentence.pk)


@pytest.mark.parametrize(("constraint", "write"), bad_rows(), ids=[name for name, _ in bad_rows()])
def test_database_rejects_rows_that_break_a_constraint(constraint, write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_valid_rows_pass_every_constraint():
    detention = DetentionFactory(started_on=EARLIER, ended_on=DAY)
    Extension.objects.create(detention=detention, decided_on=EARLIER, extended_until=DAY)
    SentenceFactory(kind="fine", term=None, term_unit="", fine_amount=100, fine_unit="mci")
    earlier = SentenceFactory(kind="restricted_freedom")
    SentenceFactory(kind="imprisonment", replaces=earlier, defendant=earlier.defendant, case=earlier.case)
    PersonFactory(identity_protected=True, pseudonym="Activist from Shymkent")
    AssemblyFactory(participants_estimate=40, detained_count=0)
    assert Detention.objects.get().ended_on == DAY


def test_deleting_evidence_that_facts_depend_on_is_refused():
    charge = ChargeFactory()
    with pytest.raises(ProtectedError):
        charge.defendant.delete()
    with pytest.raises(ProtectedError):
        charge.article.delete()
    with pytest.raises(ProtectedError):
        LegalArticle.objects.filter(pk=charge.article.pk).delete()
    assert Person.objects.filter(pk=charge.defendant.pk).exists()


def test_deleting_a_case_removes_its_own_facts_but_not_the_persons():
    detention = DetentionFactory()
    Extension.objects.create(detention=detention, decided_on=DAY, extended_until=DAY)
    person = detention.person
    detention.case.delete()
    assert not Detention.objects.exists() and not Extension.objects.exists()
    assert Person.objects.filter(pk=person.pk).exists()
    assert Case.objects.count() == 0


def test_a_case_whose_sentences_replace_each_other_can_be_deleted_whole_but_not_piecemeal():
    from django.db.models import RestrictedError

    earlier = SentenceFactory(kind="restricted_freedom")
    SentenceFactory(kind="imprisonment", replaces=earlier, defendant=earlier.defendant, case=earlier.case)
    with pytest.raises(RestrictedError), transaction.atomic():
        earlier.delete()
    earlier.case.delete()
    assert not Sentence.objects.exists()


def test_very_long_names_in_any_script_are_saved_with_a_search_key_that_fits():
    long_name = "Щукин-Щербаков " * 20
    person = PersonFactory(name=long_name.strip(), name_latin="", pseudonym="Щ" * 200, identity_protected=True)
    PersonAlias.objects.create(person=person, name="Щ" * 300)
    person.refresh_from_db()
    assert person.name_key.startswith(name_key("Щукин Щербаков"))
    assert len(person.name_key) <= 700 and len(person.pseudonym_key) <= 300
