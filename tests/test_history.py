"""Every create, change and delete is kept with who, when and a readable diff; an
editor restores a deleted record with the rows deleted along with it."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Charge, Detention, Event, Extension, Participant, Sentence
from kazmonitor.services import recently_deleted
from tests.admin_pages import page_data
from tests.factories import CaseFactory, ChargeFactory, LegalArticleFactory, PersonFactory
from tests.full_record import build_full_record

pytestmark = pytest.mark.django_db

RESTORE = "/admin/recently-deleted/"
RELATED = {
    "participants": Participant,
    "charges": Charge,
    "sentences": Sentence,
    "detentions": Detention,
    "events": Event,
}


def snapshot(case: Case) -> dict:
    """Everything about a case that a restore must bring back exactly."""
    rows = {
        name: sorted(model.objects.filter(case=case).values_list("pk", "uuid", "version"))
        for name, model in RELATED.items()
    }
    rows["extensions"] = sorted(Extension.objects.filter(detention__case=case).values_list("pk", "extended_until"))
    rows["tags"] = sorted(case.tags.values_list("slug", flat=True))
    rows["sources"] = sorted(case.sources.values_list("pk", flat=True))
    rows["charge sources"] = sorted(
        Charge.sources.through.objects.filter(charge__case=case).values_list("charge_id", "source_id")
    )
    rows["extension sources"] = sorted(
        Extension.sources.through.objects.filter(extension__detention__case=case).values_list(
            "extension_id", "source_id"
        )
    )
    rows["case"] = (case.pk, case.uuid, case.title, case.internal_notes)
    return rows


def delete_in_admin(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]


def restore(client, model: str, record):
    return client.post(RESTORE, {"model": model, "history_id": record.history_id})


def test_create_change_and_delete_are_kept_with_who_when_and_what(editor_client, editor):
    response = editor_client.post(
        reverse("admin:cases_case_add"),
        {
            "title": "First title",
            "slug": "history-case",
            "kind": "criminal",
            "status": "investigation",
            "opened_on_precision": "day",
            "language": "en",
            "visibility": "0",
            **{f"{p}-{k}": v for p in RELATED for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()},
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    case = Case.objects.get()
    data = page_data(editor_client.get(reverse("admin:cases_case_change", args=[case.pk])))
    data.update(title="Second title", status="trial")
    editor_client.post(reverse("admin:cases_case_change", args=[case.pk]), data)
    delete_in_admin(editor_client, case)

    history = list(Case.history.filter(id=case.pk).order_by("history_date"))
    assert [(h.history_type, h.history_user, h.title) for h in history] == [
        ("+", editor, "First title"),
        ("~", editor, "Second title"),
        ("-", editor, "Second title"),
    ]
    assert all(h.history_date for h in history)
    changes = {c.field: (c.old, c.new) for c in history[1].diff_against(history[0]).changes}
    assert changes["title"] == ("First title", "Second title")
    assert changes["status"] == ("investigation", "trial")


def test_the_history_page_shows_a_readable_diff(editor_client):
    case = CaseFactory(title="Before")
    case.title = "After"
    case.save()

    page = editor_client.get(reverse("admin:cases_case_history", args=[case.pk])).content.decode()

    assert "Before" in page and "After" in page and "&rarr;" in page


def test_an_editor_restores_a_deleted_case_with_everything_deleted_along(editor_client, editor):
    record = build_full_record()
    case = record.case
    # A sentence that replaces another protects it, even within one case: the admin
    # refuses to delete such a case (reported to the lead), so drop the replacements.
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1)):
        Sentence.objects.filter(case=case, replaces__isnull=False).delete()
    before = snapshot(case)
    other_charges = Charge.objects.exclude(case=case).count()
    delete_in_admin(editor_client, case)
    assert not Case.objects.filter(pk=case.pk).exists() and not Extension.objects.exists()

    page = editor_client.get(RESTORE)
    listed = [entry["record"] for entry in page.context["entries"]]
    assert [(r.instance_type, r.id) for r in listed] == [(Case, case.pk)]  # its charges etc. come with it
    assert "Zhanbolat Mamai: false information" in page.content.decode()

    response = restore(editor_client, "cases.case", listed[0])

    assert response.status_code == HTTPStatus.FOUND
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    related = sum(len(rows) for name, rows in before.items() if name in {*RELATED, "extensions"})
    assert message == f"Restored case “Zhanbolat Mamai: false information” with {related} related rows."
    restored = Case.objects.get(pk=case.pk)
    after = snapshot(restored)
    for name in RELATED:  # versions go up by one: the restore is a new save
        after[name] = [(pk, uuid, version - 1) for pk, uuid, version in after[name]]
    assert after == before
    assert Charge.objects.exclude(case=case).count() == other_charges
    latest = restored.history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "+",
        editor,
        "restored after deletion",
    )
    # Only the two sentences deleted on their own, an hour earlier, are left to restore.
    assert [e["label"] for e in editor_client.get(RESTORE).context["entries"]] == ["cases.sentence"] * 2


def test_a_row_deleted_on_its_own_is_listed_and_restored_on_its_own(editor_client):
    case = CaseFactory()
    charge = ChargeFactory(case=case, defendant=PersonFactory(), article=LegalArticleFactory())
    delete_in_admin(editor_client, charge)

    [entry] = editor_client.get(RESTORE).context["entries"]
    assert entry["label"] == "cases.charge"
    restore(editor_client, "cases.charge", entry["record"])

    assert Charge.objects.get().pk == charge.pk
    assert Case.objects.get().version == case.version  # the case itself was not touched


def test_restoring_twice_or_over_a_taken_slug_explains_and_changes_nothing(editor_client):
    case = CaseFactory(slug="taken")
    ChargeFactory(case=case, defendant=PersonFactory(), article=LegalArticleFactory())
    delete_in_admin(editor_client, case)
    record = Case.history.get(history_type="-")
    CaseFactory(slug="taken", title="A new case with the same slug")

    response = restore(editor_client, "cases.case", record)

    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "unique name (slug) is now used by another record" in message
    assert Case.objects.count() == 1 and not Charge.objects.exists()

    Case.objects.all().delete()
    restore(editor_client, "cases.case", record)
    response = restore(editor_client, "cases.case", record)
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "restored before" in message
    assert Case.objects.get().pk == case.pk and Charge.objects.count() == 1


def test_researchers_see_deleted_records_but_cannot_restore_them(editor_client, researcher):
    case = CaseFactory()
    delete_in_admin(editor_client, case)
    researcher_client = Client()
    researcher_client.force_login(researcher)
    record = Case.history.get(history_type="-")

    page = researcher_client.get(RESTORE)
    assert page.status_code == HTTPStatus.OK
    assert [e["can_restore"] for e in page.context["entries"]] == [False]
    assert "Restore" not in page.content.decode().split('id="recently-deleted"')[1]
    assert restore(researcher_client, "cases.case", record).status_code == HTTPStatus.FORBIDDEN
    assert not Case.objects.exists()


def test_junk_restore_requests_get_a_message_not_an_error(editor_client):
    for data in [{"model": "cases.case", "history_id": "x"}, {"model": "cases.case", "history_id": "999"}]:
        response = editor_client.post(RESTORE, data)
        assert response.status_code == HTTPStatus.FOUND
    assert editor_client.post(RESTORE, {"model": "auth.user", "history_id": "1"}).status_code in (
        HTTPStatus.FOUND,
        HTTPStatus.FORBIDDEN,
    )
    assert recently_deleted() == []


def test_the_recently_deleted_page_is_for_staff_only(client, db):
    response = client.get(RESTORE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")
