"""Staff login: lock-out after repeated failures (per account and per address),
a TOTP code required on top of the password, sessions that expire, strong passwords."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kazmonitor.management.commands import ensure_local_admin
from kazmonitor.management.commands.ensure_local_admin import current_code
from tests.conftest import TWO_FACTOR_UID

PASSWORD = "a long test password"
LOGIN = "/admin/login/"
TWO_FACTOR = "/admin/2fa/"


@pytest.fixture
def real_two_factor():
    """Undo the test shortcut that marks force-logged-in staff as verified."""
    user_logged_in.disconnect(dispatch_uid=TWO_FACTOR_UID)


@pytest.fixture
def staff(db):
    return User.objects.create_user("nurlan", "n@example.org", PASSWORD, is_staff=True, is_superuser=True)


def log_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_from_other_addresses(client, staff, real_two_factor):
    for attempt in range(5):
        response = log_in(client, "nurlan", "wrong password", address=f"10.0.1.{attempt}")
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS)

    response = log_in(client, "nurlan", PASSWORD, address="10.0.2.1")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, staff, real_two_factor):
    for attempt in range(5):
        log_in(client, f"guess{attempt}", "wrong password", address="10.0.3.3")

    assert log_in(client, "nurlan", address="10.0.3.3").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    response = log_in(client, "nurlan", address="10.0.4.4")
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_few_typos_followed_by_the_right_password_let_staff_in(client, staff, real_two_factor):
    for _ in range(3):
        assert log_in(client, "nurlan", "typo").status_code == HTTPStatus.OK
    assert log_in(client, "nurlan").status_code == HTTPStatus.FOUND


def test_lock_out_address_is_the_client_behind_the_proxy_not_the_proxy(rf, settings):
    from kazmonitor.security import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the spoofable left-hand entry is ignored


def test_a_password_alone_does_not_open_the_admin(client, staff, real_two_factor):
    response = log_in(client, "nurlan")
    assert response.status_code == HTTPStatus.FOUND

    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(TWO_FACTOR)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == HTTPStatus.FOUND
    assert client.get(reverse("admin:autocomplete"), {"term": "a"}).status_code == HTTPStatus.FOUND


def test_first_login_enrols_an_authenticator_confirmed_by_a_valid_code(client, staff, real_two_factor):
    log_in(client, "nurlan")
    page = client.get(TWO_FACTOR, {"next": "/admin/cases/case/"})
    assert page.status_code == HTTPStatus.OK
    assert page.context["enrolling"]
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert page.context["secret"] in page.content.decode()

    wrong = client.post(TWO_FACTOR, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in wrong.content.decode()
    assert client.get("/admin/").status_code == HTTPStatus.FOUND

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the next try; skip the wait
    device.save()
    response = client.post(TWO_FACTOR, {"token": current_code(device), "next": "/admin/cases/case/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/cases/case/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_staff_with_an_authenticator_enter_its_code_and_never_see_its_secret(client, staff, real_two_factor):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, "nurlan")

    page = client.get(TWO_FACTOR)
    assert not page.context["enrolling"]
    assert "secret" not in page.context and "data:image" not in page.content.decode()

    assert client.post(TWO_FACTOR, {"token": current_code(device)}).status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_repeated_wrong_codes_are_throttled(client, staff, real_two_factor):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, "nurlan")
    client.post(TWO_FACTOR, {"token": "12345x"})
    client.post(TWO_FACTOR, {"token": "999999" if current_code(device) != "999999" else "888888"})

    response = client.post(TWO_FACTOR, {"token": current_code(device)})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_two_factor_page_sends_anonymous_visitors_and_non_staff_to_the_login(client, db, real_two_factor):
    response = client.get(TWO_FACTOR)
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(LOGIN)

    user = User.objects.create_user("reader", password=PASSWORD)
    client.force_login(user)
    response = client.get(TWO_FACTOR)
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.exists()


def test_two_factor_ignores_a_next_address_on_another_site(client, staff, real_two_factor):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    log_in(client, "nurlan")
    response = client.post(TWO_FACTOR, {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_local_admin_command_prints_a_login_and_a_code_that_open_the_admin(
    client, db, settings, tmp_path, monkeypatch, capsys, real_two_factor
):
    settings.DEBUG = True
    monkeypatch.setattr(ensure_local_admin, "LOGIN_FILE", tmp_path / "login")

    call_command("ensure_local_admin")

    output = capsys.readouterr().out
    password = re.search(r"password: (\S+)", output)[1]
    code = re.search(r"one-time code now: (\d{6})", output)[1]
    assert log_in(client, "admin", password).status_code == HTTPStatus.FOUND
    assert client.post(TWO_FACTOR, {"token": code}).status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_local_admin_command_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("ensure_local_admin")
    assert not User.objects.exists()


def test_sessions_expire_and_weak_passwords_are_refused(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    for weak in ["password123", "12345678901234", "short1!"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")


def test_a_login_without_a_request_is_refused_so_no_path_skips_the_lock_out(client, staff, rf):
    with pytest.raises(ValueError, match="requires a request"):
        client.login(username="nurlan", password=PASSWORD)
    # Tests that want a password login pass a request, like every real login has.
    assert client.login(request=rf.get("/"), username="nurlan", password=PASSWORD)
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_staff_session_ends_after_eight_hours(editor_client):
    assert editor_client.get("/admin/").status_code == HTTPStatus.OK
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=8, minutes=1)):
        response = editor_client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(LOGIN)
