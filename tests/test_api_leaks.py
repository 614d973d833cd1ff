"""Nothing below the reader's level leaves through the API: unique marker strings are
planted in every confidential field, every internal (and partner-level) record and
every protected real name, and no response of any endpoint — list or detail, JSON or
CSV, with filters and searches — contains one, anonymously or with either key."""

import datetime
import re

import pytest

from cases.models import Extension, Participant
from kazmonitor.models import Visibility
from tests.api_support import body, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    LegalArticleFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonAliasFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
INTERNAL, PARTNERS, PUBLIC = Visibility.INTERNAL, Visibility.PARTNERS, Visibility.PUBLIC
ENDPOINTS = [
    "persons",
    "organizations",
    "cases",
    "charges",
    "sentences",
    "detentions",
    "assemblies",
    "events",
    "articles",
    "sources",
    "tags",
    "locations",
    "recognitions",
    "deleted",
]


class Planted:
    """Markers that must never appear (``never``) and those only partner keys may see."""

    def __init__(self):
        self.never: set[str] = set()
        self.partners_only: set[str] = set()

    def mark(self, level: int, what: str) -> str:
        name = {INTERNAL: "INTERNAL", PARTNERS: "PARTNERS"}[level]
        marker = f"MARK{name}{what.upper().replace('-', '')}"
        (self.never if level == INTERNAL else self.partners_only).add(marker)
        return marker

    def confidential(self, what: str) -> str:
        marker = f"MARKCONF{what.upper()}"
        self.never.add(marker)
        return marker

    def hide_uuid(self, level: int, record) -> None:
        (self.never if level == INTERNAL else self.partners_only).add(str(record.uuid))


def _confidential_fields(planted: Planted, **records):
    for name, record in records.items():
        for field in ("internal_notes", "contacts", "provenance_notes"):
            if hasattr(record, field):
                setattr(record, field, planted.confidential(f"{name}{field.replace('_', '')}"))
        record.save()


def _below(planted: Planted, level: int, case, person, court, source):
    """Records at ``level`` hanging off public ones, and public records that need a
    record at ``level`` (they must vanish with it)."""
    m = lambda what: planted.mark(level, what)  # noqa: E731
    hidden_person = PersonFactory(
        visibility=level, name=m("person-name"), name_latin=m("person-latin"), slug=m("ps").lower()
    )
    hidden_org = OrganizationFactory(visibility=level, name=m("org-name"), slug=m("os").lower())
    hidden_court = CourtFactory(visibility=level, name=m("court-name"), slug=m("cs").lower())
    hidden_case = CaseFactory(visibility=level, title=m("case-title"), slug=m("cas").lower(), court=hidden_court)
    hidden_source = SourceFactory(visibility=level, title=m("source-title"), url=f"https://e.org/{m('source-url')}")
    hidden_assembly = AssemblyFactory(visibility=level, title=m("assembly-title"), slug=m("as").lower())
    records = [hidden_person, hidden_org, hidden_court, hidden_case, hidden_source, hidden_assembly]
    hidden_assembly.organizers.add(OrganizationFactory(visibility=level, name=m("organizer")))
    # Facts at the level in a public case, on a public person.
    records += [
        ChargeFactory(case=case, defendant=person, visibility=level, description=m("charge")),
        SentenceFactory(case=case, defendant=person, visibility=level, description=m("sentence")),
        DetentionFactory(case=case, person=person, visibility=level, description=m("detention")),
        EventFactory(case=case, person=person, visibility=level, description=m("event")),
        RecognitionFactory(person=person, visibility=level, note=m("recognition")),
        MembershipFactory(person=person, organization=hidden_org, visibility=PUBLIC, role=m("membership-role")),
    ]
    ParticipantFactory = Participant.objects.create
    role = "witness" if level == INTERNAL else "complainant"
    ParticipantFactory(case=case, person=person, role=role, visibility=level, note=m("participant"))
    ParticipantFactory(case=case, person=hidden_person, role="victim", visibility=PUBLIC, note=m("participant-person"))
    # Public facts that need a hidden record.
    records += [
        ChargeFactory(case=hidden_case, defendant=person, description=m("charge-in-hidden-case")),
        ChargeFactory(case=case, defendant=hidden_person, description=m("charge-of-hidden-person")),
        SentenceFactory(case=case, defendant=hidden_person, description=m("sentence-hidden-person")),
        DetentionFactory(case=None, person=hidden_person, description=m("detention-hidden-person")),
        EventFactory(case=hidden_case, description=m("event-in-hidden-case")),
        EventFactory(case=case, person=hidden_person, description=m("event-hidden-person")),
        RecognitionFactory(person=hidden_person, note=m("recognition-hidden-person")),
        RecognitionFactory(person=person, recognised_by=hidden_org, note=m("recognition-hidden-org")),
    ]
    # Public facts that merely mention a hidden record: it is left out (null).
    DetentionFactory(case=hidden_case, person=person, authority=hidden_org, assembly=hidden_assembly)
    sentence = SentenceFactory(case=case, defendant=person, court=hidden_court)
    replaced = SentenceFactory(case=case, defendant=person, visibility=level, description=m("replaced-sentence"))
    records.append(replaced)
    sentence.replaces = replaced
    sentence.save()
    public_detention = DetentionFactory(case=case, person=person)
    Extension.objects.create(
        detention=public_detention,
        decided_on=datetime.date(2022, 5, 6),
        extended_until=datetime.date(2022, 6, 12),
        court=hidden_court,
    )
    for fact in (case, person, public_detention, sentence, *records[6:11]):
        fact.sources.add(hidden_source)
    for record in records:
        if hasattr(record, "uuid"):
            planted.hide_uuid(level, record)
    hidden_case.sources.add(source)
    return hidden_person


@pytest.fixture
def planted(db):
    planted = Planted()
    court = CourtFactory()
    case = CaseFactory(court=court)
    person = PersonFactory()
    source = SourceFactory()
    protected = PersonFactory(
        name="MARKREALNAME Иван",
        name_latin="MARKREALLATIN Ivan",
        slug="markrealslug",
        identity_protected=True,
        pseudonym="Activist from Shymkent",
        biography="A civic activist.",
    )
    planted.never |= {"MARKREALNAME", "MARKREALLATIN", "MARKREALSLUG", "MARKREALALIAS", str(protected.uuid)}
    PersonAliasFactory(person=protected, name="MARKREALALIAS")
    Participant.objects.create(case=case, person=protected, visibility=PUBLIC)
    ChargeFactory(case=case, defendant=protected, article=LegalArticleFactory())
    DetentionFactory(case=case, person=protected)
    RecognitionFactory(person=protected)
    assembly = AssemblyFactory()
    _confidential_fields(
        planted,
        person=person,
        protected=protected,
        case=case,
        source=source,
        court=court,
        assembly=assembly,
        charge=ChargeFactory(case=case, defendant=person),
        detention=DetentionFactory(case=case, person=person, assembly=assembly),
        event=EventFactory(case=case, person=person),
    )
    case.sources.add(source)
    for level in (INTERNAL, PARTNERS):
        _below(planted, level, case, person, court, source)
    # A withdrawal: partners learn about it, the public never saw the record.
    withdrawn = CaseFactory(visibility=PARTNERS, title=planted.mark(INTERNAL, "withdrawn"))
    planted.hide_uuid(PARTNERS, withdrawn)
    withdrawn.visibility = INTERNAL
    withdrawn.save()
    return planted


def _responses(client):
    """Every list (JSON and CSV), every detail (JSON and CSV) and some searches."""
    for endpoint in ENDPOINTS:
        listing = client.get(f"/api/v1/{endpoint}/?page_size=500")
        assert listing.status_code == 200, endpoint
        yield f"{endpoint} list", listing
        yield f"{endpoint} csv", client.get(f"/api/v1/{endpoint}/?format=csv")
        if endpoint == "deleted":
            continue
        for row in listing.json()["results"]:
            detail = client.get(row["url"])
            assert detail.status_code == 200, row["url"]
            yield row["url"], detail
            yield f"{row['url']} csv", client.get(row["url"] + "?format=csv")
    for query in ("markrealname", "MARKREALLATIN", "Ivan", "markrealalias", "markinternal", "markpartners"):
        for endpoint in ("persons", "cases", "organizations", "assemblies", "sources"):
            yield f"{endpoint}?q={query}", client.get(f"/api/v1/{endpoint}/", {"q": query})
    for slug in ("markrealslug",):
        yield slug, client.get(f"/api/v1/persons/{slug}/")


def _found(text: str, markers: set[str]) -> set[str]:
    return {marker for marker in markers if re.search(re.escape(marker), text, re.IGNORECASE)}


@pytest.mark.parametrize("level", ["anonymous", "public key"])
def test_the_public_sees_no_internal_partner_confidential_or_protected_marker(planted, level):
    client = client_for(None if level == "anonymous" else make_key(PUBLIC)[1])
    forbidden = planted.never | planted.partners_only
    seen = 0
    for where, response in _responses(client):
        text = body(response)
        seen += len(text)
        assert not _found(text, forbidden), where
    assert seen > 50_000


def test_a_partner_key_sees_partner_records_but_no_internal_confidential_or_protected_marker(planted):
    client = client_for(make_key(PARTNERS)[1])
    everything = ""
    for where, response in _responses(client):
        text = body(response)
        assert not _found(text, planted.never), where
        everything += text
    # The partner-level markers do reach partners, so the test above can fail.
    assert _found(everything, planted.partners_only) == planted.partners_only


def test_hidden_records_are_a_plain_404_at_their_own_url(planted):
    client = client_for(make_key(PUBLIC)[1])
    from django.apps import apps

    endpoints = {"person": "persons", "organization": "organizations", "case": "cases", "source": "sources"}
    endpoints |= {"charge": "charges", "sentence": "sentences", "detention": "detentions", "event": "events"}
    endpoints |= {"assembly": "assemblies", "recognition": "recognitions"}
    checked = 0
    for model in apps.get_models():
        endpoint = endpoints.get(model._meta.model_name)
        if endpoint is None or model._meta.app_label not in {"people", "cases", "kazmonitor"}:
            continue
        for uuid in model.objects.filter(
            uuid__in=[u for u in planted.never | planted.partners_only if len(u) == 36]
        ).values_list("uuid", flat=True):
            response = client.get(f"/api/v1/{endpoint}/{uuid}/")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), (endpoint, uuid)
            checked += 1
    assert checked > 20
