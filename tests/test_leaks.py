"""Leak crawl: marker strings sit in every confidential field, every internal and
partners-only record and every protected real name (tests/full_record.py); the whole
public site (sitemap, lists, details, search, feed, statistics, CSV downloads, every
language) and every API list and detail at each level, JSON and CSV, are crawled;
no marker may appear where its reader must not see it."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from kazmonitor.models import Visibility
from kazmonitor.search import name_key
from people.models import ApiKey
from people.services import api_key_create
from tests.factories import OrganizationFactory, SourceFactory
from tests.full_record import INTERNAL_ONLY_MARKERS, PARTNERS_MARKERS, build_full_record

pytestmark = pytest.mark.django_db

NAME_MARKERS = ["MARK-PROTECTED-REAL-NAME", "MARK-PROTECTED-LATIN-NAME", "MARK-PROTECTED-ALIAS"]
# Stored search keys of protected names (transliterated, lower case) must not leak either.
INTERNAL = [m.lower() for m in INTERNAL_ONLY_MARKERS + ["MARK-INTERNAL-DOCUMENT"]] + [name_key(m) for m in NAME_MARKERS]
PARTNERS = [m.lower() for m in PARTNERS_MARKERS]
LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)|(https?://testserver/[^"'\s<>,]+)""")
SITE_SKIP = ("/admin/", "/api/", "/static/", "/_nested_admin/", "/i18n/")
SEARCHES = ["MARK", "mark-protected", "protetsted", "Shymkent", "Mamai", "Мамай", "internal", "partners"]
LIMIT = 1500


@pytest.fixture
def planted():
    cache.clear()
    record = build_full_record()
    internal_source = SourceFactory(title="Internal scan", visibility=Visibility.INTERNAL)
    internal_source.document.save("scan.txt", ContentFile(b"MARK-INTERNAL-DOCUMENT\n"))
    public_source = SourceFactory(title="Public scan", visibility=Visibility.PUBLIC)
    public_source.document.save("public.txt", ContentFile(b"a public court ruling\n"))
    record.case.sources.add(public_source, internal_source)
    record.documents = [reverse("source_document", args=[s.uuid]) for s in (public_source, internal_source)]
    org = OrganizationFactory(name="Mirror NGO", slug="mirror-ngo")
    record.keys = {
        level: api_key_create(organization=org, name=level, level=getattr(ApiKey.Level, level.upper()))[1]
        for level in ("public", "partners")
    }
    return record


def links(base: str, body: str) -> set[str]:
    found = set()
    for relative, absolute in LINK.findall(body):
        url = urljoin(base, (relative or absolute).replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc in ("", "testserver"):
            found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(client: Client, seeds: list[str], inside) -> dict[str, str]:
    """Every reachable page under ``inside(path)``: {url: lower-cased body}."""
    seen, queue, bodies = set(seeds), deque(seeds), {}
    while queue and len(bodies) < LIMIT:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        bodies[url] = text.lower()
        if response.status_code != 200:
            continue
        for link in links(url, text):
            if link not in seen and inside(link):
                seen.add(link)
                queue.append(link)
    assert len(bodies) < LIMIT, "the crawl hit its limit: raise LIMIT"
    return bodies


def leaks(bodies: dict[str, str], markers: list[str]) -> list[str]:
    return [f"{marker} in {url}" for url, body in bodies.items() for marker in markers if marker in body]


def site_seeds() -> list[str]:
    pages = ["/", "/cases/", "/persons/", "/political-prisoners/", "/detained/", "/organizations/", "/assemblies/",
             "/articles/", "/statistics/", "/cases/feed/", "/sitemap.xml", "/robots.txt"]  # fmt: skip
    pages += [f"{prefix}{page}" for prefix in ("/ru", "/kk") for page in pages[:9]]
    for term in SEARCHES:
        pages += [f"/search/?q={term}", f"/cases/?q={term}", f"/persons/?q={term}"]
    return pages


def test_the_public_site_shows_no_confidential_internal_or_partners_content(client, planted):
    # Uploaded documents are not linked from pages: ask for both (public and internal).
    bodies = crawl(client, site_seeds() + planted.documents, lambda p: not p.startswith(SITE_SKIP))

    assert leaks(bodies, INTERNAL + PARTNERS) == []
    # The crawl reached what it had to: every kind of page, in every language.
    visited = set(bodies)
    reached = ["/cases/mamai-2022/", "/ru/cases/mamai-2022/", "/persons/zhanbolat-mamai/"]
    reached += ["/organizations/ar-rukh-khak/", "/assemblies/consulate-protest/", "/sitemap-cases.xml"]
    for expected in reached:
        assert expected in visited, expected
    assert any(url.startswith("/statistics/") and url.endswith(".csv") for url in visited)
    assert any(url.startswith("/persons/id/") for url in visited), "the protected person's page"
    assert any("activist from shymkent" in body for body in bodies.values())
    assert bodies[planted.documents[0]] == "a public court ruling\n"


@pytest.mark.parametrize("level", ["anonymous", "public", "partners"])
def test_the_api_shows_each_level_only_what_it_may_in_json_and_csv(planted, level):
    headers = {} if level == "anonymous" else {"HTTP_AUTHORIZATION": f"Api-Key {planted.keys[level]}"}
    client = Client(**headers)
    root = client.get("/api/v1/").json()
    seeds = ["/api/v1/", "/api/v1/schema/", "/api/v1/docs/"]
    for url in root.values():
        path = urlsplit(url).path
        seeds += [path, f"{path}?format=csv"]
        seeds += [f"{path}?q={term}" for term in SEARCHES[:3]]
    # Asking for hidden records by their ids must not reveal them either.
    hidden = [planted.internal_case, planted.internal_person, planted.partners_case, planted.partners_person]
    seeds += [f"/api/v1/{type(o).__name__.lower()}s/{o.uuid}/" for o in hidden]

    bodies = crawl(client, seeds, lambda path: path.startswith("/api/v1/") and "/docs/" not in path)

    forbidden = INTERNAL + ([] if level == "partners" else PARTNERS)
    assert leaks(bodies, forbidden) == []
    details = [url for url in bodies if re.search(r"/api/v1/[a-z]+/[0-9a-f-]{36}/$", url)]
    assert len(details) > 20, "the crawl followed the records' own links"
    found_partners = {marker for marker in PARTNERS if any(marker in body for body in bodies.values())}
    assert found_partners == (set(PARTNERS) if level == "partners" else set())
