"""A partner mirror stays exact: build it through the API, change, withdraw, delete
and protect records, sync with ``updated_since`` plus ``/deleted/``, and the mirror
equals a fresh copy of what the API serves (and the database's visible records)."""

import datetime

import pytest
import time_machine

from cases.models import Case, Charge, Detention
from kazmonitor.models import Tombstone, Visibility
from people.models import Person, Role
from tests.api_support import client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    FacilityFactory,
    LegalArticleFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonAliasFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
MIRRORED = {
    "person": "persons",
    "organization": "organizations",
    "case": "cases",
    "charge": "charges",
    "sentence": "sentences",
    "detention": "detentions",
    "assembly": "assemblies",
    "event": "events",
    "source": "sources",
    "recognition": "recognitions",
}
T0 = datetime.datetime(2022, 6, 1, 8, 0, tzinfo=datetime.UTC)


def _pages(client, url, params):
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        yield from data["results"]
        if not data["next"]:
            return
        response = client.get(data["next"])


def build_mirror(client) -> dict:
    return {
        endpoint: {row["id"]: row for row in _pages(client, f"/api/v1/{endpoint}/", {"page_size": 3})}
        for endpoint in MIRRORED.values()
    }


def sync(client, mirror: dict, since: datetime.datetime) -> None:
    """The README's recipe: apply tombstones, then upsert what changed."""
    stamp = since.isoformat()
    for tombstone in _pages(client, "/api/v1/deleted/", {"since": stamp}):
        mirror[MIRRORED[tombstone["model"]]].pop(tombstone["id"], None)
    for endpoint in MIRRORED.values():
        for row in _pages(client, f"/api/v1/{endpoint}/", {"updated_since": stamp, "page_size": 3}):
            mirror[endpoint][row["id"]] = row


def _world():
    activist, blogger, hidden = PersonFactory(), PersonFactory(), PersonFactory(visibility=Visibility.INTERNAL)
    partner_only = PersonFactory(visibility=Visibility.PARTNERS)
    police = OrganizationFactory(kind="state_body")
    source = SourceFactory()
    cases = [CaseFactory() for _ in range(4)] + [CaseFactory(visibility=Visibility.PARTNERS)]
    for case in cases:
        for person in (activist, blogger, hidden, partner_only):
            ChargeFactory(case=case, defendant=person)
        detention = DetentionFactory(case=case, person=activist, authority=police)
        ExtensionFactory(detention=detention)
        EventFactory(case=case, person=blogger)
        SentenceFactory(case=case, defendant=blogger)
    RecognitionFactory(person=activist)
    AssemblyFactory()
    quiet = ChargeFactory()  # changes only because its source is withdrawn
    quiet.sources.add(source)
    return {
        "activist": activist,
        "blogger": blogger,
        "hidden": hidden,
        "police": police,
        "source": source,
        "cases": cases,
    }


def _change_everything(w):
    first, second, third, fourth, partners_case = w["cases"]
    first.title = "Renamed case"
    first.save()
    second.visibility = Visibility.PARTNERS  # withdrawn from the public
    second.save()
    third.delete()  # with its charges, detentions, events, sentences
    Charge.objects.filter(case=fourth, defendant=w["activist"]).get().delete()
    w["blogger"].identity_protected, w["blogger"].pseudonym = True, "Blogger from Almaty"
    w["blogger"].save()
    w["hidden"].visibility = Visibility.PUBLIC  # published: their charges appear
    w["hidden"].save()
    w["police"].name = "Almaty city police"
    w["police"].save()
    w["source"].visibility = Visibility.PARTNERS
    w["source"].save()
    ExtensionFactory(detention=Detention.objects.filter(case=fourth).get(), extended_until=datetime.date(2022, 7, 1))
    partners_case.visibility = Visibility.INTERNAL
    partners_case.save()
    new = CaseFactory(title="A new case")
    ChargeFactory(case=new, defendant=w["activist"])


def mirror_and_sync(level, make_world, change) -> tuple[dict, dict, dict, dict]:
    """Make a world, mirror it, change it an hour later, sync: (world, mirror as first
    built, mirror after the sync, a fresh copy)."""
    client = client_for(make_key(level)[1])
    with time_machine.travel(T0, tick=True):
        world = make_world()
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=True):
        mirror, before = build_mirror(client), build_mirror(client)
    since = T0 + datetime.timedelta(hours=1, minutes=30)
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=True):
        change(world)
    with time_machine.travel(T0 + datetime.timedelta(hours=3), tick=True):
        sync(client, mirror, since)
        fresh = build_mirror(client)
    return world, before, mirror, fresh


@pytest.mark.parametrize("level", [Visibility.PUBLIC, Visibility.PARTNERS])
def test_a_mirror_synced_with_updated_since_and_deleted_equals_a_fresh_copy(level):
    world, _before, mirror, fresh = mirror_and_sync(level, _world, _change_everything)

    assert mirror == fresh
    visible_cases = Case.objects.visible_to(level)
    assert set(mirror["cases"]) == {str(u) for u in visible_cases.values_list("uuid", flat=True)}
    shown_charges = Charge.objects.visible_to(level).filter(case__in=visible_cases, defendant__visibility__gte=level)
    assert set(mirror["charges"]) == {str(u) for u in shown_charges.values_list("uuid", flat=True)}
    assert str(world["blogger"].uuid) not in str(mirror)  # protected now: a new id
    assert "Blogger from Almaty" in str(mirror["persons"])


def test_the_mirror_really_changed_so_the_sync_test_can_fail():
    client = client_for(make_key(Visibility.PUBLIC)[1])
    with time_machine.travel(T0, tick=True):
        world = _world()
        before = build_mirror(client)
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=True):
        _change_everything(world)
        after = build_mirror(client)
    for endpoint in ("cases", "charges", "persons", "detentions", "sources"):
        assert before[endpoint] != after[endpoint], endpoint


def test_tombstones_are_listed_only_to_readers_who_could_see_the_record():
    partners_case = CaseFactory(visibility=Visibility.PARTNERS)
    public_case = CaseFactory()
    partners_case.visibility = Visibility.INTERNAL
    partners_case.save()
    public_case.visibility = Visibility.PARTNERS
    public_case.save()

    def listed(level):
        rows = client_for(make_key(level)[1]).get("/api/v1/deleted/").json()["results"]
        return {(row["model"], row["id"], row["reason"]) for row in rows}

    assert listed(Visibility.PUBLIC) == {("case", str(public_case.uuid), "withdrawn")}
    assert listed(Visibility.PARTNERS) == {("case", str(partners_case.uuid), "withdrawn")}


def test_a_withdrawn_person_takes_the_facts_that_need_them_along():
    person = PersonFactory()
    charge = ChargeFactory(defendant=person)
    detention = DetentionFactory(person=person)
    person.visibility = Visibility.INTERNAL
    person.save()
    dropped = set(Tombstone.objects.values_list("model", "uuid"))
    assert dropped == {("person", person.uuid), ("charge", charge.uuid), ("detention", detention.uuid)}


def test_protecting_a_person_drops_the_old_id_and_shows_only_a_new_one():
    person = PersonFactory(name_latin="Real Name")
    client = client_for(make_key(Visibility.PUBLIC)[1])
    person.identity_protected, person.pseudonym = True, "Activist from Shymkent"
    person.save()
    rows = client.get("/api/v1/persons/").json()["results"]
    deleted = client.get("/api/v1/deleted/").json()["results"]

    assert [(r["name"], r["slug"], r["pseudonymous"]) for r in rows] == [("Activist from Shymkent", None, True)]
    assert rows[0]["id"] != str(person.uuid)
    assert [(d["model"], d["id"], d["reason"]) for d in deleted] == [("person", str(person.uuid), "deleted")]
    assert client.get(rows[0]["url"]).json()["name"] == "Activist from Shymkent"
    assert client.get(f"/api/v1/persons/{person.uuid}/").status_code == 404
    assert client.get(f"/api/v1/persons/{person.slug}/").status_code == 404
    assert Person.objects.get().uuid == person.uuid  # the database keeps its id


def _vocabulary_world():
    """Records whose list rows show vocabulary kept in other tables."""
    place, tag, role = (
        LocationFactory(name="Zhanaozen"),
        TagFactory(name="January events"),
        Role.objects.create(name="Eyewitness", slug="eyewitness"),
    )
    person = PersonFactory(location=place)
    person.roles.add(role)
    alias = PersonAliasFactory(person=person, name="Old alias")
    case = CaseFactory(location=place)
    case.tags.add(tag)
    untagged = CaseFactory()
    article = LegalArticleFactory(title="Spreading false information")
    charge = ChargeFactory(case=case, defendant=person, article=article)
    facility = FacilityFactory(location=place)
    DetentionFactory(case=case, person=person, facility=facility)
    return {
        "place": place,
        "tag": tag,
        "role": role,
        "alias": alias,
        "article": article,
        "charge": charge,
        "facility": facility,
        "untagged": untagged,
    }


def _rename_vocabulary(w):
    """Renames and links that save neither the records showing them nor (for links) anything at all."""
    w["place"].name = "Zhanaozen city"
    w["place"].save()
    w["tag"].name = "Qandy Qantar"
    w["tag"].save()
    w["role"].slug = "witness"
    w["role"].save()
    w["alias"].name = "New alias"
    w["alias"].save()
    w["article"].title = "Dissemination of knowingly false information"
    w["article"].save()
    code = w["article"].code
    code.short_name = "UK"
    code.save()
    w["facility"].name = "Detention centre no. 1"
    w["facility"].save()
    w["tag"].cases.add(w["untagged"])  # the reverse side of the link


@pytest.mark.parametrize("level", [Visibility.PUBLIC, Visibility.PARTNERS])
def test_renamed_vocabulary_and_new_links_reach_the_mirror(level):
    world, before, mirror, fresh = mirror_and_sync(level, _vocabulary_world, _rename_vocabulary)

    for endpoint in ("cases", "persons", "charges", "detentions"):
        assert before[endpoint] != fresh[endpoint], endpoint  # the renames show in every list
    assert mirror == fresh
    assert "Qandy Qantar" in str(mirror["cases"][str(world["untagged"].uuid)])


def test_aliases_and_memberships_mark_their_person_changed():
    person = PersonFactory()
    organization = OrganizationFactory()
    since = T0 + datetime.timedelta(hours=1)
    client = client_for(make_key(Visibility.PUBLIC)[1])

    def changed():
        rows = _pages(client, "/api/v1/persons/", {"updated_since": since.isoformat()})
        return {row["id"] for row in rows}

    with time_machine.travel(T0, tick=True):
        person.save()
    assert changed() == set()
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=True):
        membership = MembershipFactory(person=person, organization=organization)
    assert changed() == {str(person.uuid)}
    with time_machine.travel(T0, tick=True):
        person.save()
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=True):
        membership.delete()
    assert changed() == {str(person.uuid)}
    with time_machine.travel(T0, tick=True):
        person.save()
    with time_machine.travel(T0 + datetime.timedelta(hours=2), tick=True):
        person.aliases.create(name="Another spelling")
    assert changed() == {str(person.uuid)}
