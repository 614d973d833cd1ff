"""Junk in every admin form and query parameter — huge strings, NULs, unpaired
surrogates, negative and enormous numbers, impossible dates, SQL and HTML fragments —
never gives a server error and never stores half a record; HTML is always escaped."""

import datetime
from http import HTTPStatus
from urllib.parse import quote_plus

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases.models import Case, Detention, Extension
from kazmonitor.models import Visibility
from people.models import ApiKey, Person, PersonAlias
from people.services import api_key_create
from tests.factories import CaseFactory, OrganizationFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db

FRAGMENTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "'; DROP TABLE cases_case; --",
    "' OR '1'='1",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "%s%s%n",
    "../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "2022-02-30",
    "2022-13-01",
    "0000-00-00",
    "-2022-01-01",
    "9999-12-31",
    "10000-01-01",
    "1900-01-01T25:61",
    "Жанболат Мамай",
    "\u202eevil\u202c",
]
JUNK = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(str),
    st.builds(lambda s, n: s * n, st.sampled_from(["x", "Ж", "<b>", "\x00"]), st.integers(300, 120_000)),
)
# Junk or a plausible value, so that both the refusal and the saving paths run.
SLUG = st.one_of(JUNK, st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,40}\Z"))
YEAR = st.one_of(JUNK, st.integers(1900, 2100).map(str))
DATE = st.one_of(JUNK, st.dates(min_value=datetime.date(1991, 1, 1), max_value=datetime.date(2030, 1, 1)).map(str))
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def encode(data: dict) -> str:
    """Form-encode like a browser would, but let unpaired surrogates through as the raw
    (invalid UTF-8) bytes a hostile client can send."""
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote_plus(key)}={quote_plus(str(item).encode('utf-8', 'surrogatepass'))}")
    return "&".join(pairs)


def post(client, url, data):
    return client.post(url, encode(data), content_type="application/x-www-form-urlencoded")


def get(client, url, params):
    return client.get(f"{url}?{encode(params)}")


def management(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


@FUZZ
@given(
    name=JUNK,
    name_latin=JUNK,
    slug=SLUG,
    birth_year=YEAR,
    pseudonym=JUNK,
    protected=st.booleans(),
    biography=JUNK,
    notes=JUNK,
    alias=JUNK,
)
def test_junk_in_the_person_form_is_a_form_error_or_a_whole_record(
    editor_client, name, name_latin, slug, birth_year, pseudonym, protected, biography, notes, alias
):
    before = (Person.objects.count(), PersonAlias.objects.count())
    data = {
        "name": name,
        "name_latin": name_latin,
        "slug": slug,
        "birth_year": birth_year,
        "gender": "",
        "language": "en",
        "pseudonym": pseudonym,
        "biography": biography,
        "internal_notes": notes,
        "contacts": notes,
        "visibility": "20",
        **management("aliases"),
        "aliases-TOTAL_FORMS": "1",
        "aliases-0-name": alias,
        "aliases-0-kind": "nickname",
        **management("memberships"),
        **management("recognitions"),
    }
    if protected:
        data["identity_protected"] = "on"

    response = post(editor_client, reverse("admin:people_person_add"), data)
    event(f"person form answered {response.status_code}")

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    after = (Person.objects.count(), PersonAlias.objects.count())
    if response.status_code == HTTPStatus.OK:
        assert after == before  # refused: nothing of it stored
    elif after == before:  # the database refused a value the form let through: a message, nothing saved
        assert "Nothing was saved" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    else:
        person = Person.objects.latest("pk")
        assert after == (before[0] + 1, before[1] + (1 if alias.strip() else 0))
        assert "\x00" not in person.name + person.biography + person.internal_notes


@FUZZ
@given(title=JUNK, opened_on=DATE, started_on=DATE, ended_on=DATE, extended_until=DATE, term=JUNK)
def test_junk_in_the_case_page_never_saves_half_a_case(
    editor_client, title, opened_on, started_on, ended_on, extended_until, term
):
    person = Person.objects.first() or PersonFactory()
    before = (Case.objects.count(), Detention.objects.count(), Extension.objects.count())
    data = {
        "title": title,
        "slug": f"fuzz-{before[0]}",
        "kind": "criminal",
        "status": "investigation",
        "opened_on": opened_on,
        "opened_on_precision": "day",
        "language": "en",
        "summary": title,
        "visibility": "0",
        **management("participants"),
        **management("charges"),
        **management("sentences"),
        **management("events"),
        **management("detentions"),
        "detentions-TOTAL_FORMS": "1",
        "detentions-0-person": str(person.pk),
        "detentions-0-kind": "pretrial",
        "detentions-0-started_on": started_on,
        "detentions-0-started_on_precision": "day",
        "detentions-0-ended_on": ended_on,
        "detentions-0-ended_on_precision": "day",
        "detentions-0-certainty": "reported",
        "detentions-0-visibility": "0",
        **management("detentions-0-extensions"),
        "detentions-0-extensions-TOTAL_FORMS": "1",
        "detentions-0-extensions-0-decided_on": started_on,
        "detentions-0-extensions-0-decided_on_precision": "day",
        "detentions-0-extensions-0-extended_until": extended_until,
        "term": term,
    }

    response = post(editor_client, reverse("admin:cases_case_add"), data)
    event(f"case page answered {response.status_code}")

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    after = (Case.objects.count(), Detention.objects.count(), Extension.objects.count())
    if response.status_code == HTTPStatus.OK:
        assert after == before
    elif after == before:
        assert "Nothing was saved" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    else:
        assert after == (before[0] + 1, before[1] + 1, before[2] + 1)


ADMIN_LISTS = ["admin:cases_case_changelist", "admin:people_person_changelist", "admin:cases_detention_changelist"]


@FUZZ
@given(page=st.sampled_from(ADMIN_LISTS), q=JUNK, o=JUNK, p=JUNK, visibility=JUNK, year=JUNK, extra=JUNK)
def test_junk_in_admin_list_parameters_never_breaks_the_list(editor_client, page, q, o, p, visibility, year, extra):
    params = {"q": q, "o": o, "p": p, "visibility__exact": visibility, "opened_on__year": year, "article": extra}
    response = get(editor_client, reverse(page), params)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST)


@FUZZ
@given(
    endpoint=st.sampled_from(["cases", "persons", "charges", "detentions", "sentences", "assemblies", "events"]),
    name=st.sampled_from(
        [
            "q",
            "search",
            "article",
            "status",
            "kind",
            "tag",
            "person",
            "case",
            "court",
            "opened_after",
            "detained_on",
            "updated_since",
            "cursor",
            "page_size",
            "ordering",
            "format",
            "level",
            "location",
        ]
    ),
    value=JUNK,
    extra=JUNK,
)
def test_junk_in_api_parameters_is_a_400_never_a_500(client, endpoint, name, value, extra):
    response = get(
        client, f"/api/v1/{endpoint}/", {name: value, "cursor": extra} if name != "cursor" else {name: value}
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)
    if response.status_code != HTTPStatus.NOT_FOUND:
        response.json()


@FUZZ
@given(header=JUNK)
def test_junk_api_keys_are_a_401_never_a_500(client, header):
    value = header.encode("utf-8", "surrogatepass").decode("latin-1")
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Api-Key {value}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)


@FUZZ
@given(path=st.sampled_from(["/search/", "/cases/", "/persons/", "/detained/", "/statistics/"]), q=JUNK, page=JUNK)
def test_junk_in_public_search_and_lists_never_breaks_a_page(client, path, q, page):
    response = get(client, path, {"q": q, "page": page, "article": q, "year": page, "region": q})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST)


def test_an_enormous_year_in_the_date_hierarchy_reopens_the_list_with_an_error_flag(editor_client):
    response = editor_client.get(reverse("admin:cases_case_changelist"), {"opened_on__year": "9" * 30})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("?e=1")


SCRIPT = '<script>alert("x")</script>'


def test_a_script_in_a_name_is_shown_as_text_everywhere(editor_client):
    person = PersonFactory(name=SCRIPT, name_latin=SCRIPT, slug="script-person", biography=SCRIPT)
    case = CaseFactory(title=SCRIPT, slug="script-case", summary=SCRIPT)
    ParticipantFactory(case=case, person=person)
    key = api_key_create(organization=OrganizationFactory(), name="fuzz", level=ApiKey.Level.PARTNERS)[1]
    pages = [
        (editor_client, reverse("admin:people_person_changelist")),
        (editor_client, reverse("admin:people_person_change", args=[person.pk])),
        (editor_client, reverse("admin:cases_case_changelist")),
        (editor_client, reverse("admin:cases_case_change", args=[case.pk])),
        (Client(), person.get_absolute_url()),
        (Client(), reverse("case_detail", args=[case.slug])),
        (Client(), reverse("case_list")),
        (Client(), f"{reverse('search')}?q=script"),
    ]
    for browser, url in pages:
        response = browser.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        assert SCRIPT not in body, url
        assert "&lt;script&gt;" in body, url

    api = Client().get(f"/api/v1/cases/{case.uuid}/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["title"] == SCRIPT  # JSON carries the text as data, not markup
    assert case.visibility == Visibility.PUBLIC
