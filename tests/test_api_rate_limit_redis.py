"""The API's rate limit on Redis, as deployed (``REDIS_URL``): one ``INCR`` per request
shared by every worker, and a window's counter that expires (kazmonitor/api/throttles.py).
Collected only when ``TEST_REDIS_URL`` names a Redis to use (CI's does); the same limits
on the database cache are held by tests/test_api_access.py."""

import os
import uuid
from http import HTTPStatus

import pytest
import time_machine
from django.core.cache import caches

from kazmonitor.api import throttles
from tests.api_support import anonymous_fixture, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_cache(settings):
    """Django's Redis cache at TEST_REDIS_URL, under a prefix of this test's own."""
    prefix = f"kz-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["TEST_REDIS_URL"],
            "KEY_PREFIX": prefix,
        }
    }
    backend = caches["default"]
    client = backend._cache.get_client(write=True)
    yield backend, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_on_redis_clients_get_429_over_their_limit_and_a_new_window_starts_afresh(redis_cache, anonymous, settings):
    CaseFactory()
    settings.API_RATE_LIMITS = {"anonymous": 2, "public": 100, "partners": 100}
    with time_machine.travel("2022-05-01 10:00:30Z", tick=False):
        assert [anonymous.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]
        response = anonymous.get("/api/v1/cases/")
    assert response["Retry-After"] == "30"
    with time_machine.travel("2022-05-01 10:01:01Z", tick=False):
        assert anonymous.get("/api/v1/cases/").status_code == HTTPStatus.OK


def test_on_redis_each_key_counts_apart(redis_cache, settings):
    CaseFactory()
    settings.API_RATE_LIMITS = {"anonymous": 1, "public": 100, "partners": 100}
    keyed, anonymous = client_for(make_key(rate_limit=2)[1]), client_for()
    with time_machine.travel("2022-05-01 10:00:00Z", tick=False):
        assert [keyed.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 429]
        assert [anonymous.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 429]


def test_a_windows_counter_is_read_by_djangos_cache_and_expires(redis_cache):
    backend, client = redis_cache
    assert [throttles.count_request("api-rate:addr:192.0.2.1:7") for _ in range(3)] == [1, 2, 3]

    assert backend.get("api-rate:addr:192.0.2.1:7") == 3  # what cache.incr would have left
    ttl = client.ttl(backend.make_and_validate_key("api-rate:addr:192.0.2.1:7"))
    assert 0 < ttl <= throttles.KEPT_SECONDS


def test_a_request_is_counted_by_one_command(redis_cache, monkeypatch):
    """Django's ``cache.incr`` asks Redis twice (EXISTS, INCRBY); the throttle once, and
    once more to set the expiry on a window's first request."""
    backend, _client = redis_cache
    sent = []
    real_get_client = backend._cache.get_client

    def recording_get_client(*args, **kwargs):
        client = real_get_client(*args, **kwargs)
        real_execute = client.execute_command

        def execute_command(*command, **options):
            sent.append(command[0])
            return real_execute(*command, **options)

        monkeypatch.setattr(client, "execute_command", execute_command)
        return client

    monkeypatch.setattr(backend._cache, "get_client", recording_get_client)
    throttles.count_request("api-rate:addr:192.0.2.2:7")
    throttles.count_request("api-rate:addr:192.0.2.2:7")

    assert sent == ["INCRBY", "EXPIRE", "INCRBY"]
