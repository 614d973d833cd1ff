"""Helpers shared by the API tests: keys at each level and JSON/CSV readers.

Test modules import the persona fixtures by their ``*_fixture`` names; tests ask
for them as ``anonymous``, ``public_key`` and ``partner_key``."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from kazmonitor.models import Visibility
from people.services import api_key_create
from tests.factories import OrganizationFactory


def make_key(level: int = Visibility.PARTNERS, **kwargs):
    key, plain = api_key_create(
        organization=kwargs.pop("organization", None) or OrganizationFactory(name="Partner NGO"),
        name=kwargs.pop("name", "mirror"),
        level=level,
        **kwargs,
    )
    return key, plain


def client_for(plain: str | None = None) -> APIClient:
    client = APIClient()
    if plain:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plain}")
    return client


@pytest.fixture(name="anonymous")
def anonymous_fixture(db) -> APIClient:
    return client_for()


@pytest.fixture(name="public_key")
def public_key_fixture(db) -> APIClient:
    return client_for(make_key(Visibility.PUBLIC)[1])


@pytest.fixture(name="partner_key")
def partner_key_fixture(db) -> APIClient:
    return client_for(make_key(Visibility.PARTNERS)[1])


def body(response) -> str:
    """The whole response body as text (streamed or not)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture(autouse=True, name="fresh_rate_limits")
def fresh_rate_limits_fixture(settings):
    """Each test starts with empty rate-limit counters and limits high enough not to
    interfere; the rate-limit tests lower them."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMITS = {"anonymous": 10_000, "public": 10_000, "partners": 10_000}
