"""The API docs page in a real browser, under the site's Content Security Policy:
Swagger UI renders the schema, every request stays on our own origin, and the
browser reports no CSP violation."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_api_docs_render_with_local_assets_and_no_csp_violation(page, live_server):
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs/")

    expect(page.get_by_text("KazMonitor API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/cases/").first).to_be_visible()
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert any(url.endswith("/api/v1/schema/") for url in requests)
    assert not [text for text in problems if "Content Security Policy" in text or "Refused" in text], problems
