"""Whatever a visitor types into the address bar, the public site answers with a
page (and a message) or a 404 — never a server error."""

from http import HTTPStatus

import pytest

from tests.factories import AssemblyFactory, CaseFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NUL = "%00"


@pytest.mark.parametrize(
    "url",
    [
        f"/cases/?q={NUL}",
        f"/cases/?article={NUL}&region={NUL}&tag={NUL}&organization={NUL}",
        f"/cases/?person={NUL}",
        "/cases/?person=00000000-0000-0000-0000-000000000000",
        "/cases/?opened_from=2022-02-30&opened_to=0000-00-00",
        "/cases/?opened_from=99999-01-01",
        "/cases/?page=-1",
        "/cases/?page=1e9",
        "/cases/?kind=criminal&kind=civil&status[]=x",
        "/cases/?q=" + "x" * 5000,
        f"/persons/?q={NUL}&role={NUL}",
        "/persons/?page=99999",
        "/assemblies/?year=99999999999999999999999&outcome=%FF",
        f"/organizations/?kind={NUL}",
        f"/search/?q={NUL}",
        "/search/?q=%F0%9F%94%A5%27%22%3C",
        "/statistics/unknown.csv",
        "/cases/%D0%B4%D0%B5%D0%BB%D0%BE/",
        "/persons/id/not-a-uuid/",
        "/xx/cases/",
    ],
)
def test_bad_addresses_never_give_a_server_error(client, url):
    ParticipantFactory(case=CaseFactory())
    AssemblyFactory()

    response = client.get(url)

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), response.status_code
