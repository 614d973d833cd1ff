"""Production settings pass Django's deployment check, and every kind of response
(public page, API, admin, health check) carries the security headers."""

import os
import secrets
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "monitor.example.org",
    "DATABASE_URL": f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}",
}
ALLOWED_CSP_SOURCES = {"'self'", "'none'", "data:"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_check_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_force_https_and_secure_cookies():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "True 31536000 True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_api_rate_limits_and_lock_outs_use_storage_shared_by_every_worker():
    code = (
        "from django.conf import settings as s; import axes.conf; print(s.CACHES['default']['BACKEND'], s.AXES_HANDLER)"
    )
    result = manage("shell", "-c", code, **PRODUCTION_ENV)
    assert result.stdout.split("\n")[-2] == (
        "django.core.cache.backends.db.DatabaseCache axes.handlers.database.AxesDatabaseHandler"
    )
    redis = manage("shell", "-c", code, **PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.split("\n")[-2].startswith("django.core.cache.backends.redis.RedisCache")


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_makemigrations_check_runs_without_a_secret_key():
    """It only reads the code (settings.CODE_ONLY_COMMANDS), as linters and CI run it."""
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("makemigrations", "--check", "--dry-run", **env)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    other = manage("migrate", "--plan", **env)  # anything else still refuses
    assert other.returncode != 0
    assert "SECRET_KEY is not set" in other.stderr


def _existing(paths):
    found = []
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            continue
        found.append(path)
    return found


# The admin, the health check, and — where they exist — a public page and the API.
HEADER_PATHS = _existing(["/admin/login/", "/healthz", "/", "/cases/", "/api/v1/", "/api/v1/cases/"])


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_every_kind_of_response_carries_the_security_headers(client, db, path):
    response = client.get(path)

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ALLOWED_CSP_SOURCES or source.startswith("'nonce-"), (name, source)


def test_the_header_test_covers_the_admin_and_the_health_check():
    assert {"/admin/login/", "/healthz"} <= set(HEADER_PATHS)


def test_pages_over_https_get_strict_transport_security(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
