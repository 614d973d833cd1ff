"""Every URL of the site, the admin and the API, for every persona — anonymous, a
public API key, a partner API key, researcher, editor, superuser — answers with the
status it must. The URL patterns are walked from the URL configuration: a new URL
without an entry in tests/permission_matrix.py fails here."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from tests.permission_matrix import PERSONAS, all_checks, build_data, url_patterns

pytestmark = pytest.mark.django_db


def persona_client(persona: str, data) -> Client:
    if persona == "public key":
        return Client(HTTP_AUTHORIZATION=f"Api-Key {data.public_key}")
    if persona == "partner key":
        return Client(HTTP_AUTHORIZATION=f"Api-Key {data.partner_key}")
    client = Client()
    if persona in {"researcher", "editor"}:
        user = User.objects.create_user(persona, f"{persona}@example.org", "a long test password", is_staff=True)
        user.groups.add(Group.objects.get(name=persona))
        client.force_login(user)
    elif persona == "superuser":
        client.force_login(User.objects.create_superuser("root", "root@example.org", "a long test password"))
    return client


def test_every_url_pattern_has_an_entry_in_the_matrix():
    data = build_data()
    covered = {check.key for check in all_checks(data)}
    patterns = {key for key, _route in url_patterns()}

    assert patterns - covered == set(), "new URLs: add them to tests/permission_matrix.py"
    assert covered - patterns == set(), "the matrix lists URLs that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_with_the_status_it_must(persona, settings):
    cache.clear()  # API rate limits: each persona starts with a fresh allowance
    # more than the matrix's API requests (limits have tests of their own)
    settings.API_RATE_LIMITS = {"anonymous": 1000, "public": 1000, "partners": 1000}
    data = build_data()
    client = persona_client(persona, data)

    wrong = []
    for check in all_checks(data):
        response = getattr(client, check.method)(check.url)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the client then closes the file
        if response.status_code != check.expected[persona]:
            wrong.append(
                f"{check.method.upper()} {check.url}: {response.status_code}, expected {check.expected[persona]}"
            )

    assert wrong == [], "\n".join(wrong)
