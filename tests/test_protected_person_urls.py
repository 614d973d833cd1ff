"""A person protected after creation is addressed on the public site only by the masked
id the API shows for them: their real uuid (the API id before protection) and their
slugs must not lead to the pseudonym's page, nor appear on any page, so that nobody
who kept the old address can link the real name to the pseudonym."""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType

from kazmonitor.api.ids import masked_uuid
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import OldSlug
from people.models import Person
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
)

pytestmark = pytest.mark.django_db

REAL_NAMES = ("Sekretova", "Секретова", "Aigul", "Айгуль")
PSEUDONYM = "Activist from Shymkent"


@pytest.fixture
def protected():
    """A person with a case, charge, sentence, detention at a protest, membership and
    recognition, published under the real name first (an old slug too), then protected."""
    person = PersonFactory(name="Айгуль Секретова", name_latin="Aigul Sekretova", slug="aigul-sekretova")
    OldSlug.objects.create(
        content_type=ContentType.objects.get_for_model(Person), object_id=person.pk, slug="aigul-old"
    )
    case = CaseFactory(title="Trial of a Shymkent activist", slug="shymkent-trial")
    ParticipantFactory(case=case, person=person)
    ChargeFactory(case=case, defendant=person)
    SentenceFactory(case=case, defendant=person)
    assembly = AssemblyFactory(title="Shymkent rally", slug="shymkent-rally")
    DetentionFactory(person=person, case=case, assembly=assembly, started_on=datetime.date(2022, 3, 15))
    organization = OrganizationFactory(name="Shymkent Human Rights Group", slug="shymkent-hrg")
    MembershipFactory(person=person, organization=organization)
    RecognitionFactory(person=person, recognised_by=organization)
    CaseFactory(title="Someone else's case", slug="other-case")
    person.real_uuid = str(person.uuid)

    person.identity_protected, person.pseudonym = True, PSEUDONYM
    person.save()
    return person


def masked_page(person) -> str:
    return f"/persons/id/{api_id(person)}/"


def old_addresses(person) -> list[str]:
    """What may have been kept from before protection: the real uuid in every form, the
    slugs."""
    return [person.real_uuid, uuid.UUID(person.real_uuid).hex, "aigul-sekretova", "aigul-old"]


def body(response, *replaced: str) -> str:
    """The page with the address it was asked at blanked (the canonical link and the
    language switcher repeat it), so two answers can be compared whole."""
    text = response.content.decode()
    for value in replaced:
        text = text.replace(value, "ADDRESS")
    return text


# Pages on which the person appears, and the sitemap and feed, in two languages.
PAGES = [
    *("/", "/cases/", "/cases/shymkent-trial/", "/persons/", "/political-prisoners/", "/detained/"),
    *("/organizations/shymkent-hrg/", "/assemblies/", "/assemblies/shymkent-rally/", "/search/?q=Shymkent"),
    *("/search/?q=Activist", "/cases/feed/", "/sitemap.xml", "/sitemap-persons.xml", "/sitemap-cases.xml"),
]
SHOWING_THE_PERSON = {
    *("/cases/", "/cases/shymkent-trial/", "/persons/", "/political-prisoners/", "/detained/"),
    *("/organizations/shymkent-hrg/", "/assemblies/shymkent-rally/", "/search/?q=Shymkent", "/search/?q=Activist"),
}


@pytest.mark.parametrize("language", ["", "/ru"])
@pytest.mark.parametrize("page", PAGES)
def test_no_public_page_carries_the_real_uuid_slug_or_name_of_a_protected_person(client, protected, page, language):
    response = client.get(f"{language}{page}")
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    for leak in (*old_addresses(protected), *REAL_NAMES):
        assert leak not in content, leak
    if page in SHOWING_THE_PERSON:
        assert f'href="{language}{masked_page(protected)}"' in content


def test_the_masked_id_page_shows_the_pseudonym_and_the_persons_record(client, protected):
    response = client.get(masked_page(protected))
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert PSEUDONYM in content
    assert "Trial of a Shymkent activist" in content
    assert f"/cases/?person={api_id(protected)}" in content.replace("&amp;", "&")
    for leak in (*old_addresses(protected), *REAL_NAMES):
        assert leak not in content, leak
    assert protected.get_absolute_url() == masked_page(protected)  # the admin's "View on site"
    assert client.get(f"/kk{masked_page(protected)}?cases_page=1").status_code == HTTPStatus.OK


@pytest.mark.parametrize("language", ["", "/ru"])
def test_the_real_uuid_of_a_protected_person_answers_as_an_id_that_never_existed(client, protected, language):
    never = uuid.uuid4()
    for written in (str, lambda value: value.hex):  # the canonical form, and 32 digits
        unknown = client.get(f"{language}/persons/id/{written(never)}/")
        old = written(uuid.UUID(protected.real_uuid))
        response = client.get(f"{language}/persons/id/{old}/")
        assert response.status_code == unknown.status_code == HTTPStatus.NOT_FOUND
        assert body(response, old, protected.real_uuid) == body(unknown, written(never), str(never))


@pytest.mark.parametrize("language", ["", "/ru"])
def test_the_slugs_of_a_protected_person_answer_as_a_slug_that_never_existed(client, protected, language):
    unknown = client.get(f"{language}/persons/never-existed/")

    for slug in ("aigul-sekretova", "aigul-old"):
        response = client.get(f"{language}/persons/{slug}/")
        assert response.status_code == unknown.status_code == HTTPStatus.NOT_FOUND
        assert body(response, slug) == body(unknown, "never-existed")


def test_the_person_filter_takes_the_masked_id_and_treats_the_real_uuid_as_unknown(client, protected):
    masked = str(api_id(protected))
    by_masked = client.get("/cases/", {"person": masked})

    assert [case.title for case in by_masked.context["object_list"]] == ["Trial of a Shymkent activist"]
    assert f"Cases of {PSEUDONYM}" in by_masked.content.decode()
    never = str(uuid.uuid4())
    unknown = client.get("/cases/", {"person": never})
    assert unknown.context["form"].errors["person"]
    for old in old_addresses(protected):
        response = client.get("/cases/", {"person": old})
        assert response.status_code == unknown.status_code == HTTPStatus.OK
        assert response.context["form"].errors["person"] == unknown.context["form"].errors["person"]
        assert body(response, old) == body(unknown, never)
        assert f"Cases of {PSEUDONYM}" not in response.content.decode()


def test_a_kept_page_does_not_keep_the_address_from_before_protection(client):
    person = PersonFactory(name_latin="Aigul Sekretova", slug="aigul-sekretova")
    ParticipantFactory(case=CaseFactory(slug="shymkent-trial"), person=person)
    real_uuid = str(person.uuid)
    before = client.get("/cases/shymkent-trial/").content.decode()
    assert "/persons/aigul-sekretova/" in before
    assert client.get("/cases/shymkent-trial/").content.decode() == before  # kept

    person.identity_protected, person.pseudonym = True, PSEUDONYM
    person.save()

    after = client.get("/cases/shymkent-trial/").content.decode()
    assert f'href="{masked_page(person)}"' in after
    for leak in ("aigul-sekretova", real_uuid, "Sekretova"):
        assert leak not in after
    assert client.get(f"/persons/id/{real_uuid}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(masked_page(person)).status_code == HTTPStatus.OK


def test_an_unprotected_persons_addresses_are_unchanged_and_the_masked_form_leads_nowhere(client):
    person = PersonFactory(name_latin="Open Person", slug="open-person")
    ParticipantFactory(case=CaseFactory(title="Open case", slug="open-case"), person=person)
    never = str(uuid.uuid4())
    masked = str(masked_uuid(person.uuid))

    redirect = client.get(f"/ru/persons/id/{person.uuid}/")
    assert redirect.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert redirect["Location"] == "/ru/persons/open-person/"
    assert client.get("/persons/open-person/").status_code == HTTPStatus.OK
    assert 'href="/persons/open-person/"' in client.get("/cases/open-case/").content.decode()
    for value in ("open-person", str(person.uuid)):
        found = client.get("/cases/", {"person": value}).context["object_list"]
        assert [case.title for case in found] == ["Open case"]
    unknown = client.get(f"/persons/id/{never}/")
    response = client.get(f"/persons/id/{masked}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert body(response, masked) == body(unknown, never)
    assert client.get("/cases/", {"person": masked}).context["form"].errors["person"]


def test_lifting_protection_retires_the_masked_id(client, protected):
    masked = str(api_id(protected))
    protected.identity_protected = False
    protected.save()

    assert client.get(f"/persons/id/{masked}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/cases/", {"person": masked}).context["form"].errors["person"]
    redirect = client.get(f"/persons/id/{protected.real_uuid}/")
    assert redirect.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert redirect["Location"] == "/persons/aigul-sekretova/"
    assert client.get("/persons/aigul-old/")["Location"] == "/persons/aigul-sekretova/"


def test_a_withdrawn_protected_person_is_404_at_the_masked_id(client, protected):
    masked = masked_page(protected)
    assert client.get(masked).status_code == HTTPStatus.OK

    protected.visibility = 0
    protected.save()

    assert client.get(masked).status_code == HTTPStatus.NOT_FOUND
