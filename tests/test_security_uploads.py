"""Uploaded source documents: limited in size and type (by content, not name), stored
outside the static root under random names, downloaded only by staff unless public."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_logged_in
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kazmonitor.models import Source, Visibility
from kazmonitor.uploads import sniff
from tests.conftest import TWO_FACTOR_UID
from tests.factories import SourceFactory

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
TEXT = "Свидетельство: задержан 15 марта.\n".encode()


def source_form(document, **fields):
    return {
        "title": "Court ruling",
        "url": "",
        "publisher": "Court",
        "kind": "court",
        "published_on": "2022-05-06",
        "published_on_precision": "day",
        "archived_url": "",
        "provenance_notes": "",
        "visibility": str(Visibility.INTERNAL),
        "document": document,
        **fields,
    }


def upload(client, name, content):
    return client.post(reverse("admin:kazmonitor_source_add"), source_form(SimpleUploadedFile(name, content)))


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("../../etc/passwd.pdf", PDF, "pdf"),
        ("scan.png", PNG, "png"),
        ("photo.JPG", JPEG, "jpg"),
        ("statement.txt", TEXT, "txt"),
        ("really-a-png.txt", PNG, "png"),
        ("page.html", b"<script>alert(1)</script>", "txt"),  # HTML is kept only as inert text
    ],
)
def test_accepted_documents_are_stored_outside_static_files_under_a_random_name(
    editor_client, name, content, extension
):
    response = upload(editor_client, name, content)

    assert response.status_code == HTTPStatus.FOUND
    stored = Source.objects.get().document
    assert re.fullmatch(rf"sources/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", stored.name)
    path = Path(stored.path).resolve()
    assert path.read_bytes() == content
    assert path.is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())
    for static in [django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(static).resolve())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>\x00"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("notes.txt", b"\x00\x01\x02binary"),
        ("latin1.txt", "Déclaration".encode("latin-1") + b"\x00"),
        ("empty.pdf", b""),
    ],
)
def test_other_file_types_are_refused_whatever_their_name(editor_client, name, content):
    response = upload(editor_client, name, content)

    assert response.status_code == HTTPStatus.OK
    assert "document" in response.context["adminform"].form.errors
    assert not Source.objects.exists()


def test_documents_over_20_mb_are_refused(editor_client):
    response = upload(editor_client, "big.pdf", PDF + bytes(20 * 1024 * 1024))

    assert response.status_code == HTTPStatus.OK
    assert "at most 20 MB" in str(response.context["adminform"].form.errors["document"])
    assert not Source.objects.exists()


def test_sniffing_decides_by_content():
    assert sniff(PDF) == "pdf" and sniff(PNG) == "png" and sniff(JPEG) == "jpg" and sniff(TEXT) == "txt"
    assert sniff(TEXT[:-3] + "ё".encode()[:1]) == "txt"  # a character cut at the end of the sample
    assert sniff("ё".encode()[:1], complete=True) is None
    assert sniff(b"GIF89a\x01\x00\x01\x00\x00\xff") is None


@pytest.fixture
def document_source(db):
    def make(visibility):
        source = SourceFactory(visibility=visibility)
        source.document.save("whatever.pdf", ContentFile(PDF))
        return source

    return make


def test_public_documents_download_to_anyone_as_an_attachment(client, document_source):
    source = document_source(Visibility.PUBLIC)

    response = client.get(reverse("source_document", args=[source.uuid]))

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="source-{source.uuid}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("visibility", [Visibility.INTERNAL, Visibility.PARTNERS])
def test_unpublished_documents_are_not_found_for_visitors_but_open_for_staff(
    client, researcher_client, document_source, visibility
):
    source = document_source(visibility)
    url = reverse("source_document", args=[source.uuid])

    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    response = researcher_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"] == "private, no-store"


def test_staff_without_their_second_factor_cannot_download_unpublished_documents(client, researcher, document_source):
    user_logged_in.disconnect(dispatch_uid=TWO_FACTOR_UID)
    client.force_login(researcher)
    source = document_source(Visibility.INTERNAL)
    assert client.get(reverse("source_document", args=[source.uuid])).status_code == HTTPStatus.NOT_FOUND


def test_uploaded_files_are_not_reachable_by_their_storage_path(client, document_source):
    source = document_source(Visibility.PUBLIC)
    assert client.get("/" + source.document.name).status_code == HTTPStatus.NOT_FOUND
    assert client.get(source.document.url).status_code == HTTPStatus.NOT_FOUND


def test_the_admin_links_the_document_through_the_checked_download(editor_client, document_source):
    source = document_source(Visibility.INTERNAL)
    page = editor_client.get(reverse("admin:kazmonitor_source_change", args=[source.pk])).content.decode()
    assert reverse("source_document", args=[source.uuid]) in page
    assert source.document.url not in page
