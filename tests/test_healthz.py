"""``/healthz`` tells a load balancer whether the app can reach its database."""

from http import HTTPStatus
from unittest import mock

from django.db import OperationalError, connection


def test_healthz_answers_200_when_the_database_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "down"}
    assert "connection refused" not in response.content.decode()


def test_healthz_answers_503_when_a_query_fails(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("server closed")):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == HTTPStatus.METHOD_NOT_ALLOWED
