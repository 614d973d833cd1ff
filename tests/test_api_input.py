"""Bad input answers 400 naming the parameter (or 404 for an unknown object), never
a 500: invalid dates, non-numeric ids, unknown orderings, huge page sizes, forged
cursors, quotes, NULs and 10,000-character strings, on every parameter of every list."""

import json

import pytest
from django.urls import resolve

from kazmonitor.api.pagination import seal
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture, ids  # noqa: F401
from tests.factories import CaseFactory, ChargeFactory, DetentionFactory, PersonFactory

pytestmark = pytest.mark.django_db
LISTS = ["persons", "organizations", "cases", "charges", "sentences", "detentions", "assemblies", "events"]
LISTS += ["articles", "sources", "tags", "locations", "recognitions", "deleted"]
BAD_VALUES = ["2022-13-45", "abc", "' OR 1=1 --", "x\x00y", "é" * 10_000, "1e309"]


@pytest.fixture
def data(db):
    case = CaseFactory()
    ChargeFactory(case=case)
    DetentionFactory(case=case)
    return case


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/api/v1/detentions/?started_after=2022-13-45", "started_after"),
        ("/api/v1/detentions/?detained_on=2022-13-45", "detained_on"),
        ("/api/v1/persons/?detained_on=2022-02-30", "detained_on"),
        ("/api/v1/cases/?opened_before=yesterday", "opened_before"),
        ("/api/v1/cases/?updated_since=2022-13-45T00:00:00Z", "updated_since"),
        ("/api/v1/charges/?person=12", "person"),
        ("/api/v1/cases/?court=abc", "court"),
        ("/api/v1/cases/?article=abc", "article"),
        ("/api/v1/cases/?kind=prison", "kind"),
        ("/api/v1/cases/?freedom=speech", "freedom"),
        ("/api/v1/cases/?ordering=internal_notes", "ordering"),
        ("/api/v1/cases/?ordering=-title,opened_on", "ordering"),
        ("/api/v1/cases/?page_size=1000000", "page_size"),
        ("/api/v1/cases/?page_size=0", "page_size"),
        ("/api/v1/cases/?page_size=ten", "page_size"),
        ("/api/v1/cases/?cursor=not-a-cursor", "cursor"),
        ("/api/v1/persons/?q=" + "x" * 10_000, "q"),
        ("/api/v1/persons/?q=a%00b", "q"),
        ("/api/v1/deleted/?since=last-week", "since"),
        ("/api/v1/recognitions/?current=maybe", "current"),
    ],
)
def test_invalid_values_answer_400_naming_the_parameter(anonymous, data, query, parameter):
    response = anonymous.get(query)
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [parameter]
    assert response.json()[parameter][0]


def _cursor(payload) -> str:
    """Sealed as the API seals its own, so that the payload itself is what is refused."""
    return seal(json.dumps(payload).encode())


@pytest.mark.parametrize(
    "payload",
    [
        {"o": "-opened_on,pk", "p": ["2022-13-45", 1], "r": False},
        {"o": "-opened_on,pk", "p": ["2022-01-01", "one"], "r": False},
        {"o": "-opened_on,pk", "p": ["2022-01-01", None], "r": False},
        {"o": "title,pk", "p": ["a", 1], "r": False},
        {"o": "-opened_on,pk", "p": [{"a": 1}, 1], "r": False},
        {"o": "-opened_on,pk", "p": ["2022-01-01"], "r": False},
        {"p": ["2022-01-01", 1]},
        [1, 2, 3],
    ],
)
def test_forged_cursors_answer_400(anonymous, data, payload):
    response = anonymous.get("/api/v1/cases/", {"cursor": _cursor(payload)})
    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_every_parameter_of_every_list_survives_hostile_values(anonymous, data):
    from django.test import RequestFactory

    checked = 0
    for endpoint in LISTS:
        view = resolve(f"/api/v1/{endpoint}/").func
        filterset = view.cls.filterset_class(request=RequestFactory().get("/"))
        for parameter in [*filterset.filters, "ordering", "cursor", "page_size", "format"]:
            for value in BAD_VALUES:
                response = anonymous.get(f"/api/v1/{endpoint}/", {parameter: value})
                assert response.status_code in (200, 400, 404), (endpoint, parameter, value[:20], response.status_code)
                if response.status_code == 400:
                    assert parameter in response.json(), (endpoint, parameter, response.json())
                checked += 1
    assert checked > 800


@pytest.mark.parametrize(
    "lookup",
    ["12", "0", "-1", "abc", "%00", "a%00b", "'%20OR%201=1", "x" * 300, "00000000-0000-0000-0000-000000000000"],
)
def test_unknown_or_malformed_ids_are_404(anonymous, data, lookup):
    for endpoint in LISTS[:-1]:
        response = anonymous.get(f"/api/v1/{endpoint}/{lookup}/")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), endpoint


def test_pages_follow_their_cursors_without_gaps_or_repeats(anonymous):
    cases = [CaseFactory(opened_on=None if n % 3 == 0 else f"2022-0{1 + n % 5}-01") for n in range(23)]
    for ordering in ("-opened_on", "opened_on", "title", "-updated_at"):
        seen, url = [], f"/api/v1/cases/?page_size=4&ordering={ordering}"
        while url:
            data = anonymous.get(url).json()
            seen += [row["id"] for row in data["results"]]
            url = data["next"]
        assert sorted(seen) == sorted(str(c.uuid) for c in cases), ordering
        assert len(seen) == len(set(seen))
        # ...and back again with the previous links.
        page = anonymous.get(f"/api/v1/cases/?page_size=4&ordering={ordering}").json()
        second = anonymous.get(page["next"]).json()
        assert anonymous.get(second["previous"]).json()["results"] == page["results"]


def test_a_new_record_does_not_shift_a_partners_position(anonymous):
    for _ in range(6):
        PersonFactory()
    first = anonymous.get("/api/v1/persons/?page_size=3&ordering=created_at").json()
    PersonFactory(name_latin="AAA first alphabetically")
    second = anonymous.get(first["next"]).json()
    assert not set(ids_of(first)) & set(ids_of(second))
    assert len(second["results"]) == 3


def ids_of(page):
    return [row["id"] for row in page["results"]]


def test_a_cursor_carrying_a_nul_is_400_not_a_database_error(anonymous, data):
    cursor = _cursor({"o": "title,pk", "p": ["a\x00b", 1], "r": False})
    response = anonymous.get("/api/v1/cases/", {"ordering": "title", "cursor": cursor})
    assert (response.status_code, list(response.json())) == (400, ["cursor"])
