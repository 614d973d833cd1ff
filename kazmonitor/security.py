"""Security plumbing that Django does not ship: the Permissions-Policy header, the
client address behind a reverse proxy (for login lock-out), and a logging filter
that keeps confidential values out of logs and error reports."""

import logging
import re

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter


class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` (Django's SecurityMiddleware covers the rest:
    nosniff, Referrer-Policy, COOP, HSTS; CSP and X-Frame-Options have their own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


def client_ip(request) -> str | None:
    """The client's address for lock-out counting.

    With ``PROXY_COUNT = n`` reverse proxies in front, the client is the n-th address
    from the right of X-Forwarded-For (addresses further left are client-supplied and
    cannot be trusted); with no proxy it is REMOTE_ADDR."""
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


# Field names whose values must never reach a log line or an error report.
CONFIDENTIAL_NAMES = (
    "password",
    "secret",
    "token",
    "otp",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "csrfmiddlewaretoken",
    "sessionid",
    "internal_notes",
    "contacts",
    "provenance_notes",
    "name_key",
)
_SCHEMES = "(?:Api-Key|Bearer|Token|Basic)"
_CONFIDENTIAL = "|".join(re.escape(n) for n in CONFIDENTIAL_NAMES)
# key=value, "key": "value", key: value — the value up to a separator or quote.
_PAIR = re.compile(
    rf"""(?P<key>['"]?[\w-]*(?:{_CONFIDENTIAL})[\w-]*['"]?\s*[=:]\s*)(?P<q>['"])?(?P<value>(?(q)[^'"]*|(?!{_SCHEMES}\s)[^&,;\s}}]+))""",
    re.IGNORECASE,
)
_BEARER = re.compile(rf"\b({_SCHEMES})\s+[\w.\-~+/=]+", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``"password=hunter2&x=1"`` → ``"password=[redacted]&x=1"``."""
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _PAIR.sub(lambda m: f"{m['key']}{m['q'] or ''}{REDACTED}", text)


class RedactConfidentialFilter(logging.Filter):
    """Logging filter: masks confidential values in the message and its arguments,
    and drops the request's POST body and headers from the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a malformed record must still be logged
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class ConfidentialExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the DEBUG page, ``AdminEmailHandler``) show no submitted form
    value at all — an admin form carries internal notes, contacts and protected real
    names — and mask local variables and settings with confidential names."""

    hidden_settings = re.compile(
        rf"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL|{_CONFIDENTIAL}", flags=re.I
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        post = request.POST.copy()
        for key in post:
            post[key] = self.cleansed_substitute
        return post

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if self.hidden_settings.search(name) else value)
            for name, value in variables
        ]


class RedactingFormatter(logging.Formatter):
    """Masks confidential values in the whole formatted line, traceback included
    (database errors quote the offending values)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
