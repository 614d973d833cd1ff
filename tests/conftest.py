"""Test-wide settings overrides and personas."""

import os

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import clear_url_caches
from django.utils import translation

TWO_FACTOR_UID = "tests.staff_pass_two_factor"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # local-memory caches outlive settings changes: no rate-limit count carries over
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request to /ru/ or /kk/ leaves that language active in the thread: start every
    # test in the default language, whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)


def _pass_two_factor(sender, request, user, **kwargs):
    """Staff logged in by a test (``force_login``) count as having entered their TOTP
    code, as the admin requires (tests/test_security_login.py tests the real flow)."""
    if user.is_staff:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@pytest.fixture(autouse=True)
def _staff_pass_two_factor():
    user_logged_in.connect(_pass_two_factor, dispatch_uid=TWO_FACTOR_UID)
    yield
    user_logged_in.disconnect(dispatch_uid=TWO_FACTOR_UID)


def _staff(username: str, group: str | None = None, superuser: bool = False) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "a long test password", is_staff=True)
    if superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def researcher(db) -> User:
    return _staff("researcher", "researcher")


@pytest.fixture
def editor(db) -> User:
    return _staff("editor", "editor")


@pytest.fixture
def superuser(db) -> User:
    return _staff("root", superuser=True)


@pytest.fixture
def researcher_client(client, researcher):
    client.force_login(researcher)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def no_response_cache(settings):
    """API answers built on every request (``API_CACHE_SECONDS=0``), not kept between them."""
    settings.API_CACHE_SECONDS = 0


def pytest_collection_modifyitems(config, items):
    """Tests of a PostgreSQL-only path (``@pytest.mark.postgresql``) are left out of a
    SQLite run rather than skipped: there is nothing for them to check there; tests of
    what other databases do instead (``@pytest.mark.sqlite``) likewise out of a
    PostgreSQL run. CI runs the suite on both databases, so they always run once. Tests
    against a live Redis (``@pytest.mark.redis``) are collected only when
    ``TEST_REDIS_URL`` names one, as CI's does."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    absent = {other} | (set() if os.environ.get("TEST_REDIS_URL") else {"redis"})
    left_out = [item for item in items if any(item.get_closest_marker(name) for name in absent)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]


@receiver(setting_changed)
def _default_language_changed(setting, **kwargs):
    """A test that sets ``settings.LANGUAGE_CODE`` changes which language has no URL
    prefix; Django's resolver keeps its reverse tables per language and clears them only
    when ``ROOT_URLCONF`` changes, so later tests would link without the prefix."""
    if setting in ("LANGUAGE_CODE", "LANGUAGES"):
        clear_url_caches()
