"""Two staff edit the same record: the second save is refused with a message naming
what changed, and nothing is overwritten (optimistic locking on ``version``)."""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import ModelForm
from django.test import Client
from django.urls import reverse

from cases.models import Case, Charge
from kazmonitor.locking import VersionedForm
from kazmonitor.models import StaleRecordError
from tests.admin_pages import page_data
from tests.factories import CaseFactory, LegalArticleFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(editor_client, researcher):
    """A second member of staff in their own browser (editor_client is the first)."""
    other = Client()
    other.force_login(researcher)
    return other


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def open_page(client, obj) -> dict:
    response = client.get(change_url(obj))
    assert response.status_code == HTTPStatus.OK
    return page_data(response)


def errors_of(response) -> str:
    form = response.context["adminform"].form
    messages = [str(e) for e in form.non_field_errors()]
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline.formset.forms:
            messages += [str(e) for e in inline_form.non_field_errors()]
    return " ".join(messages)


@pytest.fixture
def case_with_charge():
    case = CaseFactory(title="Mamai case", status=Case.Status.INVESTIGATION)
    charge = Charge.objects.create(
        case=case, defendant=PersonFactory(), article=LegalArticleFactory(number="274"), description="first"
    )
    return case, charge


def test_every_save_raises_the_version_of_the_record_and_its_inline_rows(editor_client, case_with_charge):
    case, charge = case_with_charge
    assert (case.version, charge.version) == (1, 1)
    case.save()
    assert Case.objects.get().version == 2

    data = open_page(editor_client, case)
    data.update({"title": "Mamai case (renamed)", "charges-0-description": "second"})
    assert editor_client.post(change_url(case), data).status_code == HTTPStatus.FOUND

    assert Case.objects.values_list("title", "version").get() == ("Mamai case (renamed)", 3)
    assert Charge.objects.values_list("description", "version").get() == ("second", 2)


def test_the_second_of_two_saves_is_refused_and_names_who_changed_what(
    editor_client, second_editor, editor, case_with_charge
):
    case, _charge = case_with_charge
    first = open_page(editor_client, case)
    second = open_page(second_editor, case)

    first["title"] = "Zhanbolat Mamai: false information"
    assert editor_client.post(change_url(case), first).status_code == HTTPStatus.FOUND

    second["status"] = Case.Status.TRIAL
    second["summary"] = "Researcher's new summary"
    response = second_editor.post(change_url(case), second)

    assert response.status_code == HTTPStatus.OK
    message = errors_of(response)
    assert "was saved by editor" in message
    assert "title: “Mamai case” → “Zhanbolat Mamai: false information”" in message
    assert "NOT saved" in message
    stored = Case.objects.get()
    assert (stored.title, stored.status, stored.summary, stored.version) == (
        "Zhanbolat Mamai: false information",
        Case.Status.INVESTIGATION,
        "A public summary.",
        2,
    )
    assert stored.history.count() == 2


def test_an_inline_row_edited_in_two_browsers_is_not_overwritten(editor_client, second_editor, case_with_charge):
    case, charge = case_with_charge
    first = open_page(editor_client, case)
    second = open_page(second_editor, case)

    first["charges-0-status"] = Charge.Status.DROPPED
    assert editor_client.post(change_url(case), first).status_code == HTTPStatus.FOUND

    second["charges-0-description"] = "a description typed over a stale page"
    response = second_editor.post(change_url(case), second)

    assert response.status_code == HTTPStatus.OK
    assert "status: “pending” → “dropped”" in errors_of(response)
    charge.refresh_from_db()
    assert (charge.status, charge.description, charge.version) == (Charge.Status.DROPPED, "first", 2)


def test_after_reopening_the_record_the_second_editor_can_save(editor_client, second_editor, case_with_charge):
    case, _charge = case_with_charge
    first = open_page(editor_client, case)
    stale = open_page(second_editor, case)
    first["title"] = "Renamed"
    editor_client.post(change_url(case), first)
    stale["summary"] = "lost?"
    assert second_editor.post(change_url(case), stale).status_code == HTTPStatus.OK

    fresh = open_page(second_editor, case)
    fresh["summary"] = "Not lost"
    assert second_editor.post(change_url(case), fresh).status_code == HTTPStatus.FOUND
    assert Case.objects.values_list("title", "summary", "version").get() == ("Renamed", "Not lost", 3)


def test_a_write_racing_past_the_form_check_is_rolled_back_with_a_message(editor_client, case_with_charge, monkeypatch):
    case, charge = case_with_charge
    data = open_page(editor_client, case)
    Case.objects.filter(pk=case.pk).update(title="Saved at the same moment", version=2)
    monkeypatch.setattr(VersionedForm, "clean", ModelForm.clean)  # as if both passed the check together

    data.update({"title": "Mine", "charges-0-description": "mine too"})
    response = editor_client.post(change_url(case), data)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == change_url(case)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "changed by someone else" in message and "nothing was saved" in message
    assert Case.objects.values_list("title", "version").get() == ("Saved at the same moment", 2)
    charge.refresh_from_db()
    assert (charge.description, charge.version) == ("first", 1)


def test_the_database_refuses_a_stale_copy_even_outside_the_admin(case_with_charge):
    case, _charge = case_with_charge
    mine, theirs = Case.objects.get(), Case.objects.get()
    theirs.title = "Theirs"
    theirs.save()

    mine.title = "Mine"
    with pytest.raises(StaleRecordError), transaction.atomic():
        mine.save()

    assert Case.objects.values_list("title", "version").get() == ("Theirs", 2)
    assert mine.version == 1  # unchanged, so a reload-and-retry is possible
    mine.refresh_from_db()
    mine.save(update_fields=["title"])
    assert Case.objects.get().version == 3


def test_reverting_to_an_old_version_from_history_still_works(editor_client, case_with_charge):
    case, _charge = case_with_charge
    case.title = "Second title"
    case.save()
    first = case.history.earliest()
    url = reverse("admin:cases_case_simple_history", args=[case.pk, first.history_id])
    data = page_data(editor_client.get(url))
    assert data["title"] == "Mamai case"

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert Case.objects.values_list("title", "version").get() == ("Mamai case", 3)


def test_the_page_sends_the_opened_versions_as_hidden_fields(editor_client, case_with_charge):
    case, charge = case_with_charge
    Charge.objects.filter(pk=charge.pk).update(version=4)
    html = editor_client.get(change_url(case)).content.decode()
    assert '<input type="hidden" name="loaded_version" value="1"' in html
    assert '<input type="hidden" name="charges-0-loaded_version" value="4"' in html
