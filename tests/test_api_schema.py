"""The OpenAPI schema is accurate (schemathesis drives every operation with generated
parameters and fails on a 5xx or a response that does not match), and the docs page
works under the site's Content Security Policy with local assets only."""

import re
from html.parser import HTMLParser

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kazmonitor.models import Visibility
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import (
    AssemblyFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    PersonFactory,
    RecognitionFactory,
    SentenceFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
ENDPOINTS = ["persons", "organizations", "cases", "charges", "sentences", "detentions", "assemblies", "events"]
ENDPOINTS += ["articles", "sources", "tags", "locations", "recognitions", "deleted"]


def _load_schema():
    from drf_spectacular.generators import SchemaGenerator

    from kazmonitor.wsgi import application

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def records(db):
    """A few records of every kind. Requests go through the real WSGI handler, so
    Django's per-request connection clean-up is switched off as its test client does
    (it would close the connection that holds the test's transaction)."""
    charge = ChargeFactory(defendant=PersonFactory(identity_protected=True, pseudonym="Activist"))
    charge.sources.add(SourceFactory())
    charge.case.tags.add(TagFactory())
    ExtensionFactory(detention=DetentionFactory(case=charge.case, assembly=AssemblyFactory()))
    EventFactory(case=charge.case)
    SentenceFactory(case=charge.case)
    RecognitionFactory()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_matches_the_schema_and_never_answers_5xx(case, records):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ]
    )


def test_the_schema_documents_every_endpoint_with_its_filters(anonymous):
    spec = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = spec["paths"]
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in paths
        if endpoint != "deleted":
            assert f"/api/v1/{endpoint}/{{lookup}}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"article", "tag", "updated_since", "detained_on", "q", "ordering", "cursor", "page_size"} <= parameters
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "'Api-Key <your key>'. Without it you read public records at a lower rate limit.",
    }
    assert "internal_notes" not in str(spec)


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.inline_styles = [], 0, 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        if tag == "style" or "style" in attrs:
            self.inline_styles += 1


def test_the_docs_page_uses_only_local_assets_and_no_inline_code(anonymous):
    response = anonymous.get("/api/v1/docs/")
    assert response.status_code == 200
    page = _Assets()
    page.feed(response.content.decode())
    assert page.inline_scripts == 0 and page.inline_styles == 0
    assert page.urls, "the page loads its assets"
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    script = next(url for url in page.urls if "script" in url)
    init = anonymous.get(script)
    assert init.status_code == 200 and "javascript" in init["Content-Type"]
    assert "/api/v1/schema/" in init.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "https:" not in csp
    assert not re.search(r"https?://", response.content.decode())


def test_the_api_root_lists_the_endpoints(anonymous):
    root = anonymous.get("/api/v1/").json()
    assert set(root) == set(ENDPOINTS)


def test_a_partner_key_reads_the_schema_too(db):
    from tests.api_support import client_for

    assert client_for(make_key(Visibility.PARTNERS)[1]).get("/api/v1/schema/").status_code == 200
