"""The admin where researchers and editors document cases."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Case, Charge, Detention, Extension, Participant, Sentence
from kazmonitor.models import OldSlug, Visibility
from people.models import Person
from tests.factories import (
    CaseFactory,
    CourtFactory,
    DetentionFactory,
    LegalArticleFactory,
    LocationFactory,
    OrganizationFactory,
    PersonAliasFactory,
    PersonFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def case_form(**overrides) -> dict:
    data = {
        "title": "Zhanbolat Mamai: false information and insulting officers",
        "slug": "mamai-2022",
        "kind": "criminal",
        "status": "investigation",
        "opened_on": "2022-03-15",
        "opened_on_precision": "month",
        "language": "en",
        "summary": "Leader of the unregistered Democratic Party.",
        "visibility": str(Visibility.INTERNAL),
        **management("participants"),
        **management("charges"),
        **management("detentions"),
        **management("sentences"),
        **management("events"),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_and_add_page_opens(superuser_client, superuser, rf, model):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert superuser_client.get(changelist).status_code == HTTPStatus.OK
    request = rf.get("/")
    request.user = superuser
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    expected = HTTPStatus.OK if admin.site._registry[model].has_add_permission(request) else HTTPStatus.FORBIDDEN
    assert superuser_client.get(add).status_code == expected


def test_every_change_page_opens_for_an_existing_record(superuser_client):
    case = CaseFactory()
    detention = DetentionFactory(case=case)
    for obj in (case, detention, detention.person, SourceFactory(), OrganizationFactory(), LocationFactory()):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        response = superuser_client.get(url)
        assert response.status_code == HTTPStatus.OK, url


def test_a_full_case_with_every_inline_saves_from_one_page(editor_client):
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    art_274 = LegalArticleFactory(number="274", title="knowingly spreading false information")
    art_378 = LegalArticleFactory(number="378", title="insulting a representative of authority")
    court = CourtFactory(name="Almaty district court")
    source = SourceFactory(url="https://t.co/pEbrq1x1DR")
    tag = TagFactory(name="HRD prosecuted")
    data = case_form(
        tags=[tag.pk],
        sources=[source.pk],
        visibility=str(Visibility.PUBLIC),
        **management("participants", 1),
        **{"participants-0-person": mamai.pk, "participants-0-role": "defendant", "participants-0-visibility": "20"},
        **management("charges", 2),
        **{
            "charges-0-defendant": mamai.pk,
            "charges-0-article": art_274.pk,
            "charges-0-filed_on": "2022-03-15",
            "charges-0-filed_on_precision": "month",
            "charges-0-status": "pending",
            "charges-0-certainty": "reported",
            "charges-0-sources": [source.pk],
            "charges-0-visibility": "20",
            "charges-1-defendant": mamai.pk,
            "charges-1-article": art_378.pk,
            "charges-1-filed_on": "2022-03-15",
            "charges-1-filed_on_precision": "month",
            "charges-1-status": "pending",
            "charges-1-certainty": "reported",
            "charges-1-visibility": "20",
        },
        **management("detentions", 1),
        **{
            "detentions-0-person": mamai.pk,
            "detentions-0-kind": "pretrial",
            "detentions-0-started_on": "2022-03-15",
            "detentions-0-started_on_precision": "month",
            "detentions-0-ended_on_precision": "day",
            "detentions-0-certainty": "confirmed",
            "detentions-0-visibility": "20",
        },
        **management("detentions-0-extensions", 1),
        **{
            "detentions-0-extensions-0-decided_on": "2022-05-06",
            "detentions-0-extensions-0-decided_on_precision": "day",
            "detentions-0-extensions-0-extended_until": "2022-06-12",
            "detentions-0-extensions-0-court": court.pk,
        },
        **management("events", 1),
        **{
            "events-0-kind": "amnesty_refused",
            "events-0-occurred_on": "2022-04-04",
            "events-0-occurred_on_precision": "day",
            "events-0-description": "A local court rejected his amnesty application.",
            "events-0-certainty": "reported",
            "events-0-visibility": "20",
        },
    )

    response = editor_client.post(reverse("admin:cases_case_add"), data)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    case = Case.objects.get(slug="mamai-2022")
    assert case.visibility == Visibility.PUBLIC
    assert case.opened_on == datetime.date(2022, 3, 1)  # month precision is stored as the month's first day
    assert list(case.tags.all()) == [tag]
    assert [c.article.number for c in case.charges.order_by("article__number")] == ["274", "378"]
    detention = case.detentions.get()
    extension = detention.extensions.get()
    assert (extension.decided_on, extension.extended_until) == (datetime.date(2022, 5, 6), datetime.date(2022, 6, 12))
    assert extension.court == court
    assert case.events.get().kind == "amnesty_refused"
    assert case.participants.get().person == mamai
    assert case.history.count() == 1


def test_bad_dates_give_errors_on_the_right_fields_and_save_nothing(editor_client):
    person = PersonFactory()
    data = case_form(
        **management("detentions", 1),
        **{
            "detentions-0-person": person.pk,
            "detentions-0-kind": "pretrial",
            "detentions-0-started_on": "2022-05-01",
            "detentions-0-started_on_precision": "day",
            "detentions-0-ended_on": "2022-04-01",
            "detentions-0-ended_on_precision": "day",
            "detentions-0-certainty": "reported",
        },
        **management("detentions-0-extensions", 1),
        **{
            "detentions-0-extensions-0-decided_on": "2022-04-20",
            "detentions-0-extensions-0-decided_on_precision": "day",
            "detentions-0-extensions-0-extended_until": "2022-06-12",
        },
        **management("sentences", 1),
        **{
            "sentences-0-defendant": person.pk,
            "sentences-0-kind": "imprisonment",
            "sentences-0-term": "5",
            "sentences-0-sentenced_on_precision": "day",
            "sentences-0-certainty": "reported",
        },
    )

    response = editor_client.post(reverse("admin:cases_case_add"), data)

    assert response.status_code == HTTPStatus.OK
    detention_form = response.context["inline_admin_formsets"][2].formset.forms[0]
    assert "ended_on" in detention_form.errors
    extension_form = detention_form.nested_formsets[0].forms[0]
    assert "decided_on" in extension_form.errors
    sentence_form = response.context["inline_admin_formsets"][3].formset.forms[0]
    assert "term_unit" in sentence_form.errors
    assert not Case.objects.exists()
    assert not Detention.objects.exists() and not Extension.objects.exists() and not Sentence.objects.exists()


def test_researcher_cannot_publish_new_or_existing_records(researcher_client):
    response = researcher_client.post(
        reverse("admin:cases_case_add"), case_form(visibility=str(Visibility.PUBLIC), slug="researcher-case")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Case.objects.get(slug="researcher-case").visibility == Visibility.INTERNAL

    published = CaseFactory(visibility=Visibility.PUBLIC, slug="published")
    researcher_client.post(
        reverse("admin:cases_case_change", args=[published.pk]),
        case_form(slug="published", visibility=str(Visibility.INTERNAL), title="Edited by researcher"),
    )
    published.refresh_from_db()
    assert published.title == "Edited by researcher"
    assert published.visibility == Visibility.PUBLIC


def test_editor_can_publish(editor_client):
    response = editor_client.post(reverse("admin:cases_case_add"), case_form(visibility=str(Visibility.PUBLIC)))
    assert response.status_code == HTTPStatus.FOUND
    assert Case.objects.get().visibility == Visibility.PUBLIC


def test_researcher_cannot_delete_but_editor_can(researcher_client, editor, client):
    case = CaseFactory()
    url = reverse("admin:cases_case_delete", args=[case.pk])
    assert researcher_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert researcher_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Case.objects.filter(pk=case.pk).exists()

    client.force_login(editor)
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Case.objects.filter(pk=case.pk).exists()


def test_only_editors_manage_api_keys(researcher, editor):
    assert not researcher.has_perm("people.view_apikey")
    assert not researcher.has_perm("people.add_apikey")
    assert editor.has_perm("people.add_apikey") and editor.has_perm("people.change_apikey")
    assert editor.has_perm("kazmonitor.publish_records") and not researcher.has_perm("kazmonitor.publish_records")


@pytest.mark.parametrize("term", ["Mamai", "Mamay", "Мамай", "мамай", "Zhanbolat"])
def test_person_search_finds_any_script(researcher_client, term):
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    PersonFactory(name="Шалипа Беккулова", name_latin="Shalipa Bekkulova")
    response = researcher_client.get(reverse("admin:people_person_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [mamai]


def test_person_search_finds_aliases_and_autocomplete_uses_it(researcher_client):
    person = PersonFactory(name="Айя Садвакасова", name_latin="Aya Sadvakasova")
    PersonAliasFactory(person=person, name="Ayya Sadvakassova")
    response = researcher_client.get(
        reverse("admin:autocomplete"),
        {"term": "Садвакассова", "app_label": "cases", "model_name": "charge", "field_name": "defendant"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(person.pk)]


def test_case_list_finds_a_case_by_a_participant_name_in_another_script(researcher_client):
    case = CaseFactory(title="Opposition leader case")
    Participant.objects.create(case=case, person=PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai"))
    CaseFactory(title="Other")
    response = researcher_client.get(reverse("admin:cases_case_changelist"), {"q": "Mamay"})
    assert list(response.context["cl"].result_list) == [case]


def test_case_list_filters_by_article_and_freedom(researcher_client):
    article = LegalArticleFactory(number="405")
    wanted = CaseFactory(affects_association=True)
    Charge.objects.create(case=wanted, defendant=PersonFactory(), article=article)
    CaseFactory(affects_association=True)
    response = researcher_client.get(
        reverse("admin:cases_case_changelist"), {"article": article.pk, "freedom": "association"}
    )
    assert list(response.context["cl"].result_list) == [wanted]


def test_saving_a_person_whose_transliterated_name_exists_warns_of_a_duplicate(researcher_client):
    existing = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    response = researcher_client.post(
        reverse("admin:people_person_add"),
        {
            "name": "Zhanbolat Mamay",
            "name_latin": "",
            "slug": "zhanbolat-mamay",
            "gender": "",
            "language": "en",
            "pseudonym": "",
            **management("aliases"),
            **management("memberships"),
            **management("recognitions"),
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Possible duplicate" in m and str(existing) in m for m in messages), messages
    assert Person.objects.count() == 2


def test_protected_identity_without_pseudonym_is_a_form_error(researcher_client):
    response = researcher_client.post(
        reverse("admin:people_person_add"),
        {
            "name": "Скрытое Имя",
            "slug": "hidden",
            "language": "en",
            "identity_protected": "on",
            "pseudonym": "",
            **management("aliases"),
            **management("memberships"),
            **management("recognitions"),
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "pseudonym" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_changing_a_slug_keeps_the_old_one_for_redirects(editor_client):
    case = CaseFactory(slug="old-slug", visibility=Visibility.PUBLIC)
    response = editor_client.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        case_form(slug="new-slug", title=case.title, visibility=str(Visibility.PUBLIC)),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert OldSlug.objects.get().slug == "old-slug"


def test_every_change_is_kept_in_history_and_can_be_reverted(editor_client):
    case = CaseFactory(title="First title", slug="history-case")
    case.title = "Second title"
    case.save()
    first = case.history.earliest()
    url = reverse("admin:cases_case_simple_history", args=[case.pk, first.history_id])
    assert editor_client.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == HTTPStatus.OK
    response = editor_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "First title" in response.content.decode()


def test_admin_changes_are_kept_with_who_made_them(editor_client, editor):
    case = CaseFactory()
    editor_client.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        case_form(slug=case.slug, title="Renamed", visibility=str(case.visibility)),
    )
    latest = case.history.latest()
    assert (latest.history_user, latest.history_type, latest.title) == (editor, "~", "Renamed")
