"""Who reads what: API keys and their levels, 401 for bad keys, 405 for writes,
rate limits with Retry-After, and the API-key admin for editors only."""

import hashlib
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kazmonitor.models import Visibility
from people.models import ApiKey
from people.services import api_key_revoke
from tests.api_support import (  # noqa: F401
    anonymous_fixture,
    client_for,
    fresh_rate_limits_fixture,
    ids,
    make_key,
    partner_key_fixture,
    public_key_fixture,
)
from tests.factories import CaseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db):
    return {level: CaseFactory(visibility=level) for level in Visibility}


def test_without_a_key_only_public_records_are_listed(anonymous, cases):
    assert ids(anonymous.get("/api/v1/cases/")) == [str(cases[Visibility.PUBLIC].uuid)]


def test_a_public_key_reads_what_the_public_reads(public_key, cases):
    assert ids(public_key.get("/api/v1/cases/")) == [str(cases[Visibility.PUBLIC].uuid)]


def test_a_partner_key_reads_partner_and_public_records_never_internal(partner_key, cases):
    listed = set(ids(partner_key.get("/api/v1/cases/")))
    assert listed == {str(cases[Visibility.PUBLIC].uuid), str(cases[Visibility.PARTNERS].uuid)}
    assert partner_key.get(f"/api/v1/cases/{cases[Visibility.INTERNAL].uuid}/").status_code == HTTPStatus.NOT_FOUND


def test_a_logged_in_editor_reads_the_api_as_the_public(editor_client, cases):
    response = editor_client.get("/api/v1/cases/")
    assert [row["id"] for row in response.json()["results"]] == [str(cases[Visibility.PUBLIC].uuid)]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Api-Key not-a-real-key", "Invalid API key."),
        ("Api-Key", "Malformed API key header."),
        ("Bearer abc", "Use the header 'Authorization: Api-Key <your key>'."),
    ],
)
def test_an_unknown_or_malformed_key_is_401_with_a_clear_message(db, header, message):
    response = client_for().get("/api/v1/cases/", HTTP_AUTHORIZATION=header)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": message}
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_revoked_key_is_401_and_never_falls_back_to_public(db, cases):
    key, plain = make_key()
    api_key_revoke(key=key)
    response = client_for(plain).get("/api/v1/cases/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == {"detail": "This API key has been revoked."}


def test_keys_are_stored_only_as_a_sha256_hash_and_their_last_use_is_recorded(db):
    key, plain = make_key()
    assert key.hashed_key == hashlib.sha256(plain.encode()).hexdigest()
    assert plain.startswith(key.prefix + ".") and plain not in {key.hashed_key, key.prefix}
    assert key.last_used_at is None
    client_for(plain).get("/api/v1/cases/")
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_write_method_answers_405(partner_key, cases, method):
    case = cases[Visibility.PUBLIC]
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.uuid}/", "/api/v1/deleted/"):
        response = getattr(partner_key, method)(url, {"title": "x"}, format="json")
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED, url
    assert CaseFactory._meta.model.objects.get(pk=case.pk).title == case.title


def test_anonymous_clients_get_429_with_retry_after_over_their_limit(anonymous, settings, cases):
    settings.API_RATE_LIMITS = {"anonymous": 2, "public": 100, "partners": 100}
    with time_machine.travel("2022-05-01 10:00:30Z", tick=False):
        assert [anonymous.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]
        response = anonymous.get("/api/v1/cases/")
    assert response["Retry-After"] == "30"
    assert "throttled" in response.json()["detail"].lower()
    with time_machine.travel("2022-05-01 10:01:01Z", tick=False):
        assert anonymous.get("/api/v1/cases/").status_code == HTTPStatus.OK


def test_a_key_has_its_own_limit_apart_from_anonymous_clients(settings, db, cases):
    settings.API_RATE_LIMITS = {"anonymous": 1, "public": 100, "partners": 100}
    _key, plain = make_key(rate_limit=3)
    keyed, anonymous = client_for(plain), client_for()
    with time_machine.travel("2022-05-01 10:00:00Z", tick=False):
        assert anonymous.get("/api/v1/cases/").status_code == HTTPStatus.OK
        assert [keyed.get("/api/v1/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert anonymous.get("/api/v1/cases/").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_key_without_its_own_limit_uses_its_levels_default(settings, db, cases):
    settings.API_RATE_LIMITS = {"anonymous": 1, "public": 1, "partners": 2}
    partner = client_for(make_key(Visibility.PARTNERS)[1])
    with time_machine.travel("2022-05-01 10:00:00Z", tick=False):
        assert [partner.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]


# --- the API-key admin --------------------------------------------------------------


def test_an_editor_creates_a_key_and_sees_it_once(editor_client):
    organization = OrganizationFactory(name="Kazakhstan Bureau")
    response = editor_client.post(
        reverse("admin:people_apikey_add"),
        {"organization": organization.pk, "name": "KIBHR mirror", "level": Visibility.PARTNERS, "rate_limit": ""},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    key = ApiKey.objects.get()
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    plain = next(
        part
        for part in " ".join(shown).replace("<", " ").replace(">", " ").split()
        if part.startswith(key.prefix + ".")
    )
    assert hashlib.sha256(plain.encode()).hexdigest() == key.hashed_key
    assert (key.level, key.created_by.username) == (Visibility.PARTNERS, "editor")
    assert client_for(plain).get("/api/v1/cases/").status_code == HTTPStatus.OK

    again = editor_client.get(reverse("admin:people_apikey_change", args=[key.pk]))
    assert plain not in again.content.decode()


def test_the_key_list_shows_prefix_level_last_use_and_revocation(editor_client):
    key, plain = make_key(name="UN mirror")
    client_for(plain).get("/api/v1/cases/")
    page = editor_client.get(reverse("admin:people_apikey_changelist")).content.decode()
    assert key.prefix in page and "UN mirror" in page and "partners" in page
    assert timezone.localtime(ApiKey.objects.get().last_used_at).strftime("%Y") in page


def test_an_editor_revokes_keys_and_cannot_delete_them(editor_client):
    key, plain = make_key()
    response = editor_client.post(
        reverse("admin:people_apikey_changelist"), {"action": "revoke_keys", "_selected_action": [key.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client_for(plain).get("/api/v1/cases/").status_code == HTTPStatus.UNAUTHORIZED
    assert editor_client.get(reverse("admin:people_apikey_delete", args=[key.pk])).status_code == 403


def test_researchers_cannot_see_or_create_api_keys(researcher_client):
    make_key()
    assert researcher_client.get(reverse("admin:people_apikey_changelist")).status_code == HTTPStatus.FORBIDDEN
    assert researcher_client.get(reverse("admin:people_apikey_add")).status_code == HTTPStatus.FORBIDDEN
