"""One of every record and relation, at every visibility level, with marker strings
in every confidential field and every name that must not leave the admin. Used by
the export and backup tests."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType

from cases.models import Extension, Facility, Participant, Sentence
from kazmonitor.models import OldSlug, Tombstone, Visibility
from people.models import Role
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    LegalArticleFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonAliasFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
    SourceFactory,
    TagFactory,
)

INTERNAL, PARTNERS, PUBLIC = Visibility.INTERNAL, Visibility.PARTNERS, Visibility.PUBLIC

# Strings that may appear in an export only at the "internal" level.
INTERNAL_ONLY_MARKERS = [
    "MARK-PERSON-NOTES",
    "MARK-PERSON-CONTACTS",
    "MARK-SOURCE-PROVENANCE",
    "MARK-CASE-NOTES",
    "MARK-CHARGE-NOTES",
    "MARK-DETENTION-NOTES",
    "MARK-EVENT-NOTES",
    "MARK-ASSEMBLY-NOTES",
    "MARK-ORG-NOTES",
    "MARK-PROTECTED-REAL-NAME",
    "MARK-PROTECTED-LATIN-NAME",
    "MARK-PROTECTED-ALIAS",
    "MARK-INTERNAL-PERSON",
    "MARK-INTERNAL-CASE",
    "MARK-INTERNAL-SOURCE",
    "MARK-INTERNAL-ORG",
    "MARK-INTERNAL-CHARGE",
]
# Strings that partners may read but the public may not.
PARTNERS_MARKERS = ["MARK-PARTNERS-NAME", "MARK-PARTNERS-LATIN", "MARK-PARTNERS-CASE"]


def build_full_record(suffix: str = "") -> SimpleNamespace:
    """``suffix`` varies every unique name, so the record can be built twice."""
    x = suffix
    kz = LocationFactory(name="Kazakhstan", slug=f"kazakhstan{x}", kind="country")
    almaty = LocationFactory(name="Almaty", name_local="Алматы", slug=f"almaty{x}", parent=kz)
    protest, harassment = (
        TagFactory(name=f"protest{x}", slug=f"protest{x}"),
        TagFactory(name=f"harassment{x}", slug=f"harassment{x}"),
    )
    public_source = SourceFactory(title="IPHR open letter", provenance_notes="MARK-SOURCE-PROVENANCE")
    internal_source = SourceFactory(title="MARK-INTERNAL-SOURCE", visibility=INTERNAL)
    partners_source = SourceFactory(title="Partner brief", visibility=PARTNERS, published_on=None)

    court = CourtFactory(name="Almaty district court", location=almaty)
    ngo = OrganizationFactory(name="Ar.Rukh.Khak", slug=f"ar-rukh-khak{x}", internal_notes="MARK-ORG-NOTES")
    movement = OrganizationFactory(
        name="Democratic Choice of Kazakhstan",
        abbreviation="DVK",
        kind="movement",
        legal_status="banned",
        banned_on=datetime.date(2018, 3, 1),
        banned_on_precision="month",
        banned_by=court,
    )
    internal_org = OrganizationFactory(name="MARK-INTERNAL-ORG", visibility=INTERNAL, kind="state_body")
    ngo.sources.set([public_source, internal_source])

    mamai = PersonFactory(
        name="Жанболат Мамай",
        name_latin="Zhanbolat Mamai",
        slug=f"zhanbolat-mamai{x}",
        gender="male",
        birth_year=1988,
        location=almaty,
        biography="Leader of the unregistered Democratic Party.",
        biography_ru="Лидер незарегистрированной Демократической партии.",
        internal_notes="MARK-PERSON-NOTES",
        contacts="MARK-PERSON-CONTACTS",
    )
    mamai.roles.set(Role.objects.filter(slug__in=["activist", "opposition-politician"]))
    mamai.sources.set([public_source, internal_source, partners_source])
    PersonAliasFactory(person=mamai, name="Zhanbolat Mamay")
    protected = PersonFactory(
        name="MARK-PROTECTED-REAL-NAME",
        name_latin="MARK-PROTECTED-LATIN-NAME",
        slug=f"activist-from-shymkent{x}",
        identity_protected=True,
        pseudonym="Activist from Shymkent",
        birth_year=1990,
    )
    PersonAliasFactory(person=protected, name="MARK-PROTECTED-ALIAS")
    internal_person = PersonFactory(name="MARK-INTERNAL-PERSON", name_latin="", visibility=INTERNAL)
    partners_person = PersonFactory(name="MARK-PARTNERS-NAME", name_latin="MARK-PARTNERS-LATIN", visibility=PARTNERS)

    membership = MembershipFactory(person=mamai, organization=movement, role="supporter", until=None)
    membership.sources.set([public_source])
    MembershipFactory(person=mamai, organization=internal_org)  # organization invisible: left out
    recognition = RecognitionFactory(person=mamai, recognised_by=ngo, since=datetime.date(2022, 5, 1))
    recognition.sources.set([public_source])

    art_274 = LegalArticleFactory(number=f"274{x}", part="4", title="knowingly spreading false information")
    art_378 = LegalArticleFactory(number=f"378{x}", title="insulting law enforcement officers", title_ru="оскорбление")
    facility = Facility.objects.create(name=f"Almaty pre-trial detention centre{x}", kind="pretrial", location=almaty)
    Facility.objects.create(name=f"Temporary holding facility{x}", kind="temporary")

    case = CaseFactory(
        title="Zhanbolat Mamai: false information",
        slug=f"mamai-2022{x}",
        court=court,
        location=almaty,
        affects_expression=True,
        affects_assembly=True,
        internal_notes="MARK-CASE-NOTES",
        case_number="7511-22",
        opened_on=datetime.date(2022, 3, 1),
        opened_on_precision="month",
    )
    case.tags.set([protest, harassment])
    case.sources.set([public_source, internal_source])
    internal_case = CaseFactory(title="MARK-INTERNAL-CASE", visibility=INTERNAL)
    partners_case = CaseFactory(title="MARK-PARTNERS-CASE", visibility=PARTNERS)

    ParticipantFactory(case=case, person=mamai, note="the opposition leader")
    ParticipantFactory(case=case, person=protected, role=Participant.Role.WITNESS)
    ParticipantFactory(case=case, person=internal_person, role=Participant.Role.VICTIM)
    ParticipantFactory(case=partners_case, person=partners_person)
    charge = ChargeFactory(case=case, defendant=mamai, article=art_274, internal_notes="MARK-CHARGE-NOTES")
    charge.sources.set([public_source, partners_source])
    ChargeFactory(case=case, defendant=mamai, article=art_378, status="dropped", certainty="alleged")
    ChargeFactory(case=case, defendant=internal_person, article=art_378, description="MARK-INTERNAL-CHARGE")
    ChargeFactory(case=internal_case, defendant=mamai, article=art_378)

    first = SentenceFactory(
        case=case,
        defendant=mamai,
        kind="restricted_freedom",
        term=3,
        term_unit="years",
        sentenced_on=datetime.date(2022, 5, 20),
        court=court,
    )
    replacing = SentenceFactory(case=case, defendant=mamai, replaces=first, sentenced_on=datetime.date(2022, 6, 1))
    replacing.sources.set([public_source])
    hidden_first = SentenceFactory(
        case=case, defendant=mamai, visibility=INTERNAL, kind="fine", term=None, term_unit=""
    )
    hidden_first.fine_amount, hidden_first.fine_unit = Decimal("50"), "mci"
    hidden_first.save()
    SentenceFactory(case=case, defendant=mamai, replaces=hidden_first, court=internal_org)

    assembly = AssemblyFactory(
        title="Protest at the Russian consulate",
        slug=f"consulate-protest{x}",
        location=almaty,
        permission="none",
        detained_count=7,
        participants_estimate=12,
        internal_notes="MARK-ASSEMBLY-NOTES",
    )
    assembly.organizers.set([ngo, internal_org])
    assembly.tags.set([protest])
    assembly.sources.set([public_source])
    detention = DetentionFactory(
        person=mamai,
        case=case,
        assembly=assembly,
        facility=facility,
        authority=internal_org,
        ill_treatment_alleged=True,
        internal_notes="MARK-DETENTION-NOTES",
    )
    detention.sources.set([public_source])
    extension = Extension.objects.create(
        detention=detention,
        decided_on=datetime.date(2022, 5, 6),
        extended_until=datetime.date(2022, 6, 12),
        court=court,
    )
    extension.sources.set([public_source, internal_source])
    DetentionFactory(person=internal_person, case=case)
    DetentionFactory(person=mamai, case=None, assembly=None, kind="apprehension", ended_on=datetime.date(2022, 3, 20))
    DetentionFactory(person=mamai, case=internal_case)

    event = EventFactory(
        case=case, person=protected, kind="search", description="Home searched.", internal_notes="MARK-EVENT-NOTES"
    )
    event.sources.set([public_source])
    EventFactory(case=case, person=internal_person, description="MARK-INTERNAL-PERSON was questioned")

    OldSlug.objects.create(content_type=ContentType.objects.get_for_model(case), object_id=case.pk, slug=f"mamai{x}")
    Tombstone.objects.create(model="case", uuid=internal_case.uuid, previous_visibility=PUBLIC, new_visibility=None)

    return SimpleNamespace(
        case=case,
        internal_case=internal_case,
        partners_case=partners_case,
        mamai=mamai,
        protected=protected,
        internal_person=internal_person,
        partners_person=partners_person,
        first_sentence=first,
        replacing_sentence=replacing,
        detention=detention,
        internal_org=internal_org,
        sentence_kinds=Sentence.Kind,
    )
