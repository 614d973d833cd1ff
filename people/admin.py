"""Admin for persons, organizations, memberships and recognitions."""

import nested_admin
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split

from cases.admin_filters import HeldFilter
from cases.admin_rendering import FastRenderingAdminMixin, FastRenderingInlineMixin
from kazmonitor.admin import DocumentedAdmin, DocumentedTabularInline
from kazmonitor.admin_spreadsheets import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from kazmonitor.lexicons import prune_when_deleted
from kazmonitor.search import name_key

from . import admin_keys  # noqa: F401  (registers the API-key admin)
from .models import Membership, Organization, Person, PersonAlias, Recognition, Role
from .resources import OrganizationResource, PersonResource


class CrossScriptSearchMixin:
    """Admin search (and autocomplete) finds records by any of their names in any
    script: "Mamai", "Mamay" and "Мамай" give the same person."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(pk__in=self.cross_script_matches(search_term))
            may_have_duplicates = True
        return results, may_have_duplicates


class PersonAliasInline(FastRenderingInlineMixin, nested_admin.NestedTabularInline):
    model = PersonAlias
    extra = 0
    fields = ["name", "kind"]


class MembershipInline(FastRenderingInlineMixin, DocumentedTabularInline):
    model = Membership
    fk_name = "person"
    fields = ["organization", "role", "since", "since_precision", "until", "until_precision", "visibility"]
    autocomplete_fields = ["organization"]
    select_related = ("person",)  # each row's title names its person


class RecognitionInline(FastRenderingInlineMixin, DocumentedTabularInline):
    model = Recognition
    fields = ["recognised_by", "since", "since_precision", "until", "certainty", "sources", "visibility"]
    autocomplete_fields = ["recognised_by", "sources"]
    select_related = ("person",)  # each row's title names its person


@admin.register(Role)
class RoleAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(FastRenderingAdminMixin, CrossScriptSearchMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [PersonResource]
    list_display = ["name", "name_latin", "location", "birth_year", "identity_protected", "visibility", "updated_at"]
    list_filter = [
        "visibility",
        "identity_protected",
        HeldFilter,
        "roles",
        "gender",
        ("location", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["location"]
    search_fields = ["name", "name_latin", "aliases__name", "pseudonym"]
    prepopulated_fields = {"slug": ["name_latin"]}
    autocomplete_fields = ["location", "sources"]
    filter_horizontal = ["roles"]
    readonly_fields = ["created_at", "protected_at"]
    inlines = [PersonAliasInline, MembershipInline, RecognitionInline]
    fieldsets = [
        (None, {"fields": [("name", "name_latin"), "slug", ("gender", "birth_year"), "roles", "location"]}),
        ("Public biography", {"fields": ["language", "biography", "biography_en", "biography_ru", "biography_kk"]}),
        # Staff see the real creation time beside the one the public sees with the pseudonym.
        ("Identity protection", {"fields": ["identity_protected", "pseudonym", ("created_at", "protected_at")]}),
        ("Confidential", {"fields": ["internal_notes", "contacts"], "classes": ["collapse"]}),
        ("Sources and publication", {"fields": ["sources", "visibility"]}),
    ]

    def cross_script_matches(self, term):
        return Person.objects.search(term, reveal_protected=True).values("pk")

    def get_search_results(self, request, queryset, search_term):
        """Every word by any name in any script — as written, Latin, aliases, pseudonym —
        through ``Person.objects.search`` (trigram indexes, docs/performance.md) instead
        of Django's join with aliases and DISTINCT (~300 ms at 100,000 persons; also the
        autocomplete every person field in the admin uses)."""
        for word in smart_split(search_term):
            word = word.strip("\"'")
            if name_key(word):
                queryset = queryset.filter(pk__in=self.cross_script_matches(word))
        return queryset, False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        duplicates = possible_duplicates(obj)
        if duplicates:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:people_person_change", args=[p.pk]), str(p)) for p in duplicates),
            )
            messages.warning(request, format_html("Possible duplicate of: {}. Check before going on.", links))

    # Once deleted, the person's name words that no other name holds leave the search lexicon.
    def delete_model(self, request, obj):
        prune_when_deleted(Person.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        prune_when_deleted(queryset)
        super().delete_queryset(request, queryset)


def possible_duplicates(person: Person, limit: int = 5) -> list[Person]:
    """Other persons whose transliterated name equals this one's in any script."""
    keys = {name_key(value) for value in (person.name, person.name_latin) if value}
    keys.discard("")
    if not keys:
        return []
    query = Q()
    for key in keys:
        query |= Q(name_key__startswith=f"{key} |") | Q(name_key__endswith=f"| {key}") | Q(aliases__name_key=key)
    return list(Person.objects.filter(query).exclude(pk=person.pk).distinct()[:limit])


@admin.register(Organization)
class OrganizationAdmin(FastRenderingAdminMixin, CrossScriptSearchMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name", "abbreviation", "kind", "legal_status", "location", "visibility", "updated_at"]
    list_filter = ["visibility", "kind", "legal_status"]
    list_select_related = ["location"]
    search_fields = ["name", "name_local", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["location", "banned_by", "sources"]
    fieldsets = [
        (None, {"fields": [("name", "abbreviation"), "name_local", "slug", "kind", "location", "website"]}),
        ("Legal status", {"fields": ["legal_status", ("banned_on", "banned_on_precision"), "banned_by"]}),
        (
            "Public description",
            {"fields": ["language", "description", "description_en", "description_ru", "description_kk"]},
        ),
        ("Confidential", {"fields": ["internal_notes"], "classes": ["collapse"]}),
        ("Sources and publication", {"fields": ["sources", "visibility"]}),
    ]

    def cross_script_matches(self, term):
        key = name_key(term)
        return Organization.objects.filter(name_key__contains=key).values("pk") if key else []


@admin.register(Membership)
class MembershipAdmin(FastRenderingAdminMixin, SpreadsheetExportMixin, DocumentedAdmin):
    list_display = ["person", "organization", "role", "since", "until", "visibility"]
    list_filter = ["visibility", "organization__kind"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name", "person__name_latin", "organization__name", "organization__abbreviation"]
    autocomplete_fields = ["person", "organization", "sources"]


@admin.register(Recognition)
class RecognitionAdmin(FastRenderingAdminMixin, SpreadsheetExportMixin, DocumentedAdmin):
    list_display = ["person", "recognised_by", "since", "until", "certainty", "visibility"]
    list_filter = ["visibility", "certainty", "recognised_by"]
    list_select_related = ["person", "recognised_by"]
    search_fields = ["person__name", "person__name_latin", "recognised_by__name"]
    autocomplete_fields = ["person", "recognised_by", "sources"]
    date_hierarchy = "since"
