"""The case endpoints: the full JSON of a case's detail, list contents, filters, and
pinned query counts that do not grow with page size or related rows."""

import datetime
import uuid
from decimal import Decimal

import pytest
import time_machine

from cases.models import Detention, Sentence
from kazmonitor.models import Visibility
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture, ids, partner_key_fixture  # noqa: F401
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    FacilityFactory,
    LegalArticleFactory,
    LegalCodeFactory,
    LocationFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    SentenceFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2022, 6, 1, 7, 0, tzinfo=datetime.UTC)
STAMP = "2022-06-01T07:00:00Z"
API = "http://testserver/api/v1"


def _mamai_case():
    almaty = LocationFactory(name="Almaty", slug="almaty")
    court = CourtFactory(name="Almaty City Court", slug="almaty-city-court")
    case = CaseFactory(
        title="Zhanbolat Mamai: false information",
        slug="mamai-false-information",
        location=almaty,
        court=court,
        case_number="2271-0001",
        opened_on=datetime.date(2022, 3, 1),
        opened_on_precision="month",
        affects_expression=True,
        affects_assembly=True,
        summary="Opposition leader held on charges of spreading false information.",
        internal_notes="not for partners",
    )
    case.tags.add(TagFactory(name="HRD detained", slug="hrd-detained"))
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", slug="zhanbolat-mamai")
    lawyer = PersonFactory(name="Ғалым Нұрпейісов", name_latin="Galym Nurpeisov", slug="galym-nurpeisov")
    ParticipantFactory(case=case, person=mamai, role="defendant")
    ParticipantFactory(case=case, person=lawyer, role="lawyer", note="defence lawyer")
    report = SourceFactory(
        title="CIVICUS Monitor update", url="https://monitor.civicus.org/kz", published_on=datetime.date(2022, 6, 13)
    )
    case.sources.add(report)
    code = LegalCodeFactory()
    article = LegalArticleFactory(
        code=code, number="274", part="4", slug="kz-cc-274-4", title="knowingly spreading false information"
    )
    charge = ChargeFactory(
        case=case, defendant=mamai, article=article, filed_on=datetime.date(2022, 3, 15), description="false info"
    )
    charge.sources.add(report)
    centre = FacilityFactory(name="Almaty pre-trial detention centre", location=almaty)
    police = OrganizationFactory(name="Almaty police", slug="almaty-police", kind="state_body")
    detention = DetentionFactory(
        case=case,
        person=mamai,
        started_on=datetime.date(2022, 3, 15),
        facility=centre,
        authority=police,
        certainty="confirmed",
    )
    ExtensionFactory(
        detention=detention,
        decided_on=datetime.date(2022, 5, 6),
        extended_until=datetime.date(2022, 6, 12),
        court=court,
    )
    event = EventFactory(
        case=case,
        person=mamai,
        kind="amnesty_refused",
        occurred_on=datetime.date(2022, 4, 4),
        description="A local court rejected the amnesty application.",
    )
    sentence = SentenceFactory(
        case=case,
        defendant=mamai,
        kind=Sentence.Kind.FINE,
        term=None,
        term_unit="",
        fine_amount=Decimal("500"),
        fine_unit="mci",
        sentenced_on=datetime.date(2022, 5, 20),
        court=court,
    )
    return {
        "case": case,
        "court": court,
        "mamai": mamai,
        "lawyer": lawyer,
        "report": report,
        "charge": charge,
        "detention": detention,
        "event": event,
        "sentence": sentence,
        "police": police,
    }


def _person(p):
    return {"id": str(p.uuid), "url": f"{API}/persons/{p.uuid}/", "name": p.name_latin, "name_local": p.name}


def _date(value, precision, display):
    return {"date": value, "precision": precision, "display": display}


def test_case_detail_carries_every_visible_fact_in_one_response(anonymous):
    with time_machine.travel(NOW, tick=False):
        r = _mamai_case()
    case, court, mamai, report = r["case"], r["court"], r["mamai"], r["report"]
    court_ref = {
        "id": str(court.uuid),
        "url": f"{API}/organizations/{court.uuid}/",
        "name": "Almaty City Court",
        "abbreviation": "",
        "kind": "court",
    }
    report_ref = {
        "id": str(report.uuid),
        "url": f"{API}/sources/{report.uuid}/",
        "title": "CIVICUS Monitor update",
        "link": "https://monitor.civicus.org/kz",
    }
    almaty = {"id": "almaty", "url": f"{API}/locations/almaty/", "name": "Almaty", "kind": "city"}
    stamps = {"created_at": STAMP, "updated_at": STAMP}

    response = anonymous.get(f"/api/v1/cases/{case.uuid}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(case.uuid),
        "url": f"{API}/cases/{case.uuid}/",
        "slug": "mamai-false-information",
        "title": "Zhanbolat Mamai: false information",
        "title_en": "",
        "title_ru": "",
        "title_kk": "",
        "language": "en",
        "kind": "criminal",
        "status": "investigation",
        "freedoms": ["expression", "assembly"],
        "tags": [{"id": "hrd-detained", "name": "HRD detained"}],
        "location": almaty,
        "court": court_ref,
        "case_number": "2271-0001",
        "opened_on": _date("2022-03-01", "month", "March 2022"),
        "summary": "Opposition leader held on charges of spreading false information.",
        **stamps,
        "participants": [
            {"person": _person(mamai), "role": "defendant", "note": ""},
            {"person": _person(r["lawyer"]), "role": "lawyer", "note": "defence lawyer"},
        ],
        "charges": [
            {
                "id": str(r["charge"].uuid),
                "url": f"{API}/charges/{r['charge'].uuid}/",
                "defendant": _person(mamai),
                "article": {
                    "id": "kz-cc-274-4",
                    "url": f"{API}/articles/kz-cc-274-4/",
                    "code": "CC",
                    "number": "274",
                    "part": "4",
                    "label": "274.4",
                    "title": "knowingly spreading false information",
                },
                "filed_on": _date("2022-03-15", "day", "15 March 2022"),
                "status": "pending",
                "certainty": "reported",
                "description": "false info",
                "sources": [report_ref],
                **stamps,
            }
        ],
        "sentences": [
            {
                "id": str(r["sentence"].uuid),
                "url": f"{API}/sentences/{r['sentence'].uuid}/",
                "defendant": _person(mamai),
                "kind": "fine",
                "term": None,
                "term_unit": "",
                "fine_amount": "500.00",
                "fine_unit": "mci",
                "sentenced_on": _date("2022-05-20", "day", "20 May 2022"),
                "court": court_ref,
                "replaces": None,
                "certainty": "reported",
                "description": "",
                "sources": [],
                **stamps,
            }
        ],
        "detentions": [
            {
                "id": str(r["detention"].uuid),
                "url": f"{API}/detentions/{r['detention'].uuid}/",
                "person": _person(mamai),
                "assembly": None,
                "kind": "pretrial",
                "started_on": _date("2022-03-15", "day", "15 March 2022"),
                "ended_on": None,
                "facility": {"name": "Almaty pre-trial detention centre", "kind": "pretrial", "location": almaty},
                "authority": {
                    "id": str(r["police"].uuid),
                    "url": f"{API}/organizations/{r['police'].uuid}/",
                    "name": "Almaty police",
                    "abbreviation": "",
                    "kind": "state_body",
                },
                "release_reason": "",
                "ill_treatment_alleged": False,
                "certainty": "confirmed",
                "description": "",
                "extensions": [
                    {
                        "decided_on": _date("2022-05-06", "day", "6 May 2022"),
                        "extended_until": "2022-06-12",
                        "court": court_ref,
                    }
                ],
                "sources": [],
                **stamps,
            }
        ],
        "events": [
            {
                "id": str(r["event"].uuid),
                "url": f"{API}/events/{r['event'].uuid}/",
                "person": _person(mamai),
                "kind": "amnesty_refused",
                "occurred_on": _date("2022-04-04", "day", "4 April 2022"),
                "description": "A local court rejected the amnesty application.",
                "certainty": "reported",
                "sources": [],
                **stamps,
            }
        ],
        "timeline": [
            {
                "date": _date("2022-03-15", "day", "15 March 2022"),
                "kind": "charge",
                "text": "Zhanbolat Mamai charged under CC art. 274.4 (knowingly spreading false information)",
                "certainty": "reported",
                "sources": [report_ref],
            },
            {
                "date": _date("2022-03-15", "day", "15 March 2022"),
                "kind": "detention",
                "text": "Zhanbolat Mamai: pre-trial detention began",
                "certainty": "confirmed",
                "sources": [],
            },
            {
                "date": _date("2022-04-04", "day", "4 April 2022"),
                "kind": "amnesty_refused",
                "text": "A local court rejected the amnesty application.",
                "certainty": "reported",
                "sources": [],
            },
            {
                "date": _date("2022-05-06", "day", "6 May 2022"),
                "kind": "extension",
                "text": "Zhanbolat Mamai: detention extended until 12 June 2022 by Almaty City Court",
                "certainty": "confirmed",
                "sources": [],
            },
            {
                "date": _date("2022-05-20", "day", "20 May 2022"),
                "kind": "sentence",
                "text": "Zhanbolat Mamai sentenced: fine, 500 monthly calculation indices (MCI)",
                "certainty": "reported",
                "sources": [],
            },
        ],
        "sources": [report_ref],
    }


def test_case_is_found_by_slug_as_well_as_by_stable_id(anonymous):
    case = CaseFactory(slug="mamai")
    assert anonymous.get("/api/v1/cases/mamai/").json()["id"] == str(case.uuid)


def test_case_detail_leaves_out_facts_below_the_readers_level(anonymous, partner_key):
    case = CaseFactory()
    ChargeFactory(case=case, visibility=Visibility.PARTNERS)
    ChargeFactory(case=case, defendant=PersonFactory(visibility=Visibility.PARTNERS))
    DetentionFactory(case=case, person=PersonFactory(visibility=Visibility.INTERNAL))
    case.sources.add(SourceFactory(visibility=Visibility.PARTNERS))
    case.court = CourtFactory(visibility=Visibility.PARTNERS)
    case.save()

    public = anonymous.get(f"/api/v1/cases/{case.uuid}/").json()
    partners = partner_key.get(f"/api/v1/cases/{case.uuid}/").json()

    assert (len(public["charges"]), len(public["sources"]), public["court"], public["detentions"]) == (0, 0, None, [])
    assert (len(partners["charges"]), len(partners["sources"]), partners["detentions"]) == (2, 1, [])
    assert partners["court"]["id"] == str(case.court.uuid)


def test_case_list_is_light_and_links_to_details(anonymous):
    case = CaseFactory()
    ChargeFactory(case=case)
    row = anonymous.get("/api/v1/cases/").json()["results"][0]
    assert row["url"] == f"{API}/cases/{case.uuid}/"
    assert "charges" not in row and "timeline" not in row and "internal_notes" not in row


def test_internal_and_partner_cases_are_404_for_the_public_and_partners_see_theirs(anonymous, partner_key):
    internal = CaseFactory(visibility=Visibility.INTERNAL)
    partners = CaseFactory(visibility=Visibility.PARTNERS)
    for case in (internal, partners):
        response = anonymous.get(f"/api/v1/cases/{case.uuid}/")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert partner_key.get(f"/api/v1/cases/{partners.uuid}/").status_code == 200
    assert partner_key.get(f"/api/v1/cases/{internal.uuid}/").status_code == 404
    assert partner_key.get(f"/api/v1/cases/{uuid.uuid4()}/").json() == {"detail": "Not found."}


# --- filters ------------------------------------------------------------------------


def test_article_filter_matches_a_whole_article_or_one_part(anonymous):
    a405 = LegalArticleFactory(number="405", part="2")
    a274_4 = LegalArticleFactory(number="274", part="4")
    a274_1 = LegalArticleFactory(number="274", part="1")
    c405, c274_4, c274_1 = (ChargeFactory(article=a).case for a in (a405, a274_4, a274_1))

    assert ids(anonymous.get("/api/v1/cases/?article=405")) == [str(c405.uuid)]
    assert ids(anonymous.get("/api/v1/cases/?article=274.4")) == [str(c274_4.uuid)]
    assert sorted(ids(anonymous.get("/api/v1/cases/?article=274"))) == sorted([str(c274_4.uuid), str(c274_1.uuid)])
    assert ids(anonymous.get("/api/v1/charges/?article=274.1&code=cc")) == [str(c274_1.charges.get().uuid)]


def test_article_filter_ignores_charges_the_reader_cannot_see(anonymous, partner_key):
    article = LegalArticleFactory(number="405", part="3")
    case = CaseFactory()
    ChargeFactory(case=case, article=article, visibility=Visibility.PARTNERS)
    assert ids(anonymous.get("/api/v1/cases/?article=405")) == []
    assert ids(partner_key.get("/api/v1/cases/?article=405")) == [str(case.uuid)]


def test_detained_on_lists_who_was_in_custody_that_day(anonymous):
    held = DetentionFactory(started_on=datetime.date(2022, 3, 15))  # open: still held
    released = DetentionFactory(started_on=datetime.date(2022, 4, 1), ended_on=datetime.date(2022, 4, 30))
    DetentionFactory(started_on=datetime.date(2022, 5, 2))
    extended = DetentionFactory(started_on=datetime.date(2022, 3, 1), ended_on=datetime.date(2022, 6, 12))
    ExtensionFactory(
        detention=extended, decided_on=datetime.date(2022, 4, 1), extended_until=datetime.date(2022, 6, 12)
    )

    on_may_1 = set(ids(anonymous.get("/api/v1/detentions/?detained_on=2022-05-01")))
    persons = set(ids(anonymous.get("/api/v1/persons/?detained_on=2022-05-01")))
    on_april_10 = set(ids(anonymous.get("/api/v1/detentions/?detained_on=2022-04-10")))

    assert on_may_1 == {str(held.uuid), str(extended.uuid)}
    assert persons == {str(held.person.uuid), str(extended.person.uuid)}
    assert on_april_10 == {str(held.uuid), str(released.uuid), str(extended.uuid)}


def test_case_filters_by_tag_kind_status_freedom_place_person_and_dates(anonymous):
    region = LocationFactory(name="Almaty Region", slug="almaty-region", kind="region")
    town = LocationFactory(name="Konaev", slug="konaev", parent=region)
    tag = TagFactory(slug="protest")
    match = CaseFactory(
        kind="administrative",
        status="convicted",
        affects_assembly=True,
        location=town,
        opened_on=datetime.date(2022, 4, 9),
    )
    match.tags.add(tag)
    person = ParticipantFactory(case=match).person
    CaseFactory(opened_on=datetime.date(2021, 1, 1))
    expected = [str(match.uuid)]
    for query in (
        "tag=protest",
        "kind=administrative",
        "status=convicted",
        "freedom=assembly",
        "location=almaty-region",
        "location=konaev",
        f"person={person.uuid}",
        "opened_after=2022-04-01&opened_before=2022-04-30",
        "q=" + match.title,
    ):
        assert ids(anonymous.get(f"/api/v1/cases/?{query}")) == expected, query


def test_person_search_finds_names_in_any_script(anonymous):
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    PersonFactory(name="Другой Человек", name_latin="Another Person")
    for query in ("Мамай", "Mamay", "mamai", "Жанболат"):
        assert ids(anonymous.get(f"/api/v1/persons/?q={query}")) == [str(mamai.uuid)], query


def test_ordering_by_any_offered_field_and_descending_with_undated_records_as_the_latest(anonymous):
    old = CaseFactory(title="B", opened_on=datetime.date(2021, 1, 1))
    new = CaseFactory(title="A", opened_on=datetime.date(2022, 1, 1))
    undated = CaseFactory(title="C", opened_on=None)
    assert ids(anonymous.get("/api/v1/cases/")) == [str(undated.uuid), str(new.uuid), str(old.uuid)]
    assert ids(anonymous.get("/api/v1/cases/?ordering=opened_on")) == [str(old.uuid), str(new.uuid), str(undated.uuid)]
    assert ids(anonymous.get("/api/v1/cases/?ordering=title")) == [str(new.uuid), str(old.uuid), str(undated.uuid)]


def test_assembly_detail_lists_its_visible_detentions(anonymous):
    assembly = AssemblyFactory()
    shown = DetentionFactory(assembly=assembly, case=None, kind=Detention.Kind.APPREHENSION)
    DetentionFactory(assembly=assembly, case=None, visibility=Visibility.PARTNERS)
    data = anonymous.get(f"/api/v1/assemblies/{assembly.uuid}/").json()
    assert [d["id"] for d in data["detentions"]] == [str(shown.uuid)]
    assert ids(anonymous.get(f"/api/v1/detentions/?assembly={assembly.uuid}")) == [str(shown.uuid)]


# --- query counts -------------------------------------------------------------------


def _case_with_facts(n: int):
    case = CaseFactory()
    case.tags.add(TagFactory())
    for _ in range(n):
        person = PersonFactory()
        ParticipantFactory(case=case, person=person)
        ChargeFactory(case=case, defendant=person).sources.add(SourceFactory())
        detention = DetentionFactory(
            case=case, person=person, facility=FacilityFactory(), authority=OrganizationFactory()
        )
        ExtensionFactory(detention=detention, court=CourtFactory())
        detention.sources.add(SourceFactory())
        SentenceFactory(case=case, defendant=person, court=CourtFactory()).sources.add(SourceFactory())
        EventFactory(case=case, person=person).sources.add(SourceFactory())
        case.sources.add(SourceFactory())
    return case


@pytest.mark.parametrize("facts", [1, 8])
def test_case_detail_takes_ten_queries_however_many_facts(anonymous, django_assert_num_queries, facts):
    case = _case_with_facts(facts)
    with django_assert_num_queries(10):  # 9, and the content counter of the response cache's key
        response = anonymous.get(f"/api/v1/cases/{case.uuid}/")
    assert len(response.json()["charges"]) == facts


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_pages_take_the_same_queries_for_1_or_100_rows(anonymous, django_assert_num_queries, page_size):
    for _ in range(101):
        case = CaseFactory(location=LocationFactory(), court=CourtFactory())
        case.tags.add(TagFactory())
        charge = ChargeFactory(case=case, defendant=PersonFactory())
        charge.sources.add(SourceFactory())
        DetentionFactory(case=case, person=charge.defendant)
    expected = {"cases": 2, "charges": 2, "detentions": 3, "persons": 3}
    for endpoint, queries in expected.items():
        with django_assert_num_queries(queries + 1):  # and the content counter of the response cache's key
            response = anonymous.get(f"/api/v1/{endpoint}/?page_size={page_size}")
        assert len(response.json()["results"]) == page_size


def test_a_key_adds_one_query_to_look_it_up(partner_key, django_assert_num_queries):
    CaseFactory()
    partner_key.get("/api/v1/cases/")  # records last use (at most once a minute)
    # another URL: built, not served from the response cache (2 queries, and 1 for its key)
    with django_assert_num_queries(4):
        partner_key.get("/api/v1/cases/?page_size=10")
