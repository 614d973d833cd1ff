"""Admin for legal articles, cases and everything documented on them.

The case page holds every fact of a case inline — participants, charges, sentences,
detentions with their extensions, events — with persons, articles, organizations,
places, tags and sources picked by autocomplete and addable in a pop-up."""

from functools import partial

import nested_admin
from django.contrib import admin
from django.urls import path
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kazmonitor.admin import DocumentedAdmin, DocumentedStackedInline, DocumentedTabularInline, RelatedRowsMixin
from kazmonitor.admin_autocomplete import LoadedChoicesForm, PrefetchedRowsFormSet
from kazmonitor.admin_spreadsheets import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from kazmonitor.models import Visibility
from people.admin import CrossScriptSearchMixin
from people.models import Person

from .admin_filters import HeldFilter
from .admin_rendering import FastRenderingAdminMixin, FastRenderingInlineMixin
from .admin_updates import draft_update_view
from .models import (
    Assembly,
    Case,
    Charge,
    Detention,
    Event,
    Extension,
    Facility,
    LegalArticle,
    LegalCode,
    Participant,
    Sentence,
)
from .resources import AssemblyResource, CaseResource, ChargeResource, DetentionResource

PERSON_SEARCH = ["person__name", "person__name_latin"]


class PersonSearchMixin(CrossScriptSearchMixin):
    person_lookup = "person"

    def cross_script_matches(self, term):
        persons = Person.objects.search(term, reveal_protected=True).values("pk")
        return self.model.objects.filter(**{f"{self.person_lookup}__in": persons}).values("pk")


class ArticleFilter(admin.SimpleListFilter):
    title = _("article")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        return [(a.pk, f"{a.code.short_name} {a.label}") for a in LegalArticle.objects.select_related("code")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        charges = Charge.objects.filter(article_id=self.value())
        if queryset.model is Case:
            return queryset.filter(pk__in=charges.values("case_id"))
        return queryset.filter(article_id=self.value())


class FreedomFilter(admin.SimpleListFilter):
    title = _("freedom affected")
    parameter_name = "freedom"
    fields = {"expression": "affects_expression", "association": "affects_association", "assembly": "affects_assembly"}

    def lookups(self, request, model_admin):
        return [
            ("expression", _("expression")),
            ("association", _("association")),
            ("assembly", _("peaceful assembly")),
        ]

    def queryset(self, request, queryset):
        field = self.fields.get(self.value())
        return queryset.filter(**{field: True}) if field else queryset


class ParticipantInline(FastRenderingInlineMixin, DocumentedTabularInline):
    model = Participant
    fields = ["person", "role", "note", "visibility"]
    autocomplete_fields = ["person"]


class ChargeInline(FastRenderingInlineMixin, DocumentedStackedInline):
    model = Charge
    fields = [
        ("defendant", "article"),
        ("filed_on", "filed_on_precision"),
        ("status", "certainty"),
        "description",
        "sources",
        "internal_notes",
        "visibility",
    ]
    autocomplete_fields = ["defendant", "article", "sources"]
    select_related = ("article__code",)  # the article's label names its code


class SentenceInline(FastRenderingInlineMixin, DocumentedStackedInline):
    model = Sentence
    fk_name = "case"
    fields = [
        ("defendant", "kind"),
        ("term", "term_unit"),
        ("fine_amount", "fine_unit"),
        ("sentenced_on", "sentenced_on_precision"),
        ("court", "replaces"),
        "certainty",
        "description",
        "sources",
        "visibility",
    ]
    autocomplete_fields = ["defendant", "court", "replaces", "sources"]
    select_related = ("replaces__defendant",)  # the replaced sentence's label names its defendant


class ExtensionInline(FastRenderingInlineMixin, RelatedRowsMixin, nested_admin.NestedTabularInline):
    model = Extension
    form = LoadedChoicesForm
    formset = PrefetchedRowsFormSet  # on the case page, read from the detentions' prefetched rows
    extra = 0
    fields = ["decided_on", "decided_on_precision", "extended_until", "court", "sources"]
    autocomplete_fields = ["court", "sources"]


class DetentionInline(FastRenderingInlineMixin, DocumentedStackedInline):
    model = Detention
    fk_name = "case"
    fields = [
        ("person", "kind"),
        ("started_on", "started_on_precision"),
        ("ended_on", "ended_on_precision"),
        ("facility", "authority"),
        "assembly",
        ("release_reason", "ill_treatment_alleged"),
        "certainty",
        "description",
        "sources",
        "internal_notes",
        "visibility",
    ]
    autocomplete_fields = ["person", "facility", "authority", "assembly", "sources"]
    inlines = [ExtensionInline]


class EventInline(FastRenderingInlineMixin, DocumentedStackedInline):
    model = Event
    fields = [
        ("kind", "person"),
        ("occurred_on", "occurred_on_precision"),
        "description",
        "certainty",
        "sources",
        "internal_notes",
        "visibility",
    ]
    autocomplete_fields = ["person", "sources"]


@admin.register(LegalCode)
class LegalCodeAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "country"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["country", "short_name"]}


@admin.register(LegalArticle)
class LegalArticleAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "code", "number", "part"]
    list_filter = ["code"]
    list_select_related = ["code"]
    search_fields = ["number", "title", "title_ru", "title_kk", "title_en"]
    autocomplete_fields = ["code"]
    fieldsets = [
        (None, {"fields": ["code", ("number", "part"), "slug"]}),
        ("Title and text", {"fields": ["language", "title", "title_en", "title_ru", "title_kk", "text"]}),
        ("Text translations", {"fields": ["text_en", "text_ru", "text_kk"], "classes": ["collapse"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # "274.4" finds article 274 part 4.
        number, dot, part = search_term.strip().partition(".")
        if dot and number and part:
            return queryset.filter(number=number, part=part), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Facility)
class FacilityAdmin(SpreadsheetExportMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "location"]
    list_filter = ["kind"]
    list_select_related = ["location"]
    search_fields = ["name"]
    autocomplete_fields = ["location"]


@admin.register(Case)
class CaseAdmin(FastRenderingAdminMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [CaseResource]
    import_export_change_list_template = "admin/cases/case/change_list.html"  # adds "Draft update"
    list_display = ["title", "kind", "status", "location", "opened_on", "visibility", "updated_at"]
    list_filter = [
        "visibility",
        "kind",
        "status",
        ArticleFilter,
        FreedomFilter,
        "tags",
        ("location", admin.RelatedOnlyFieldListFilter),
        ("opened_on", admin.DateFieldListFilter),
        ("updated_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["location"]
    search_fields = ["title", "title_ru", "title_kk", "title_en", "case_number", "participants__person__name"]
    date_hierarchy = "opened_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["location", "court", "tags", "sources"]
    inlines = [ParticipantInline, ChargeInline, DetentionInline, SentenceInline, EventInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("kind", "status"), ("opened_on", "opened_on_precision")]}),
        (_("Freedoms affected"), {"fields": [("affects_expression", "affects_association", "affects_assembly")]}),
        (None, {"fields": ["tags", "location", ("court", "case_number")]}),
        (_("Public summary"), {"fields": ["language", "summary"]}),
        (
            _("Translations"),
            {
                "fields": ["title_en", "title_ru", "title_kk", "summary_en", "summary_ru", "summary_kk"],
                "classes": ["collapse"],
            },
        ),
        (_("Confidential"), {"fields": ["internal_notes"], "classes": ["collapse"]}),
        (_("Sources and publication"), {"fields": ["sources", "visibility"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        """Title (any language), case number, or a person in the case by any name in any
        script: indexed lookups united (docs/performance.md), so no join, no DISTINCT."""
        fields = ("title", "title_ru", "title_kk", "title_en", "case_number")
        words = [word.strip("\"'") for word in smart_split(search_term)]
        for word in filter(None, words):  # every word must match, as in Django's own admin search
            found = Case.objects.search(word, level=Visibility.INTERNAL, fields=fields, reveal_protected=True)
            queryset = queryset.filter(pk__in=found.values("pk"))
        return queryset, False

    def get_urls(self):
        draft = self.admin_site.admin_view(partial(draft_update_view, self))
        return [path("draft-update/", draft, name="cases_case_draft_update"), *super().get_urls()]


@admin.register(Charge)
class ChargeAdmin(FastRenderingAdminMixin, PersonSearchMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [ChargeResource]
    person_lookup = "defendant"
    list_display = ["defendant", "article", "case", "filed_on", "status", "certainty", "visibility"]
    list_filter = ["visibility", "status", "certainty", ArticleFilter, ("filed_on", admin.DateFieldListFilter)]
    list_select_related = ["defendant", "article__code", "case"]
    search_fields = ["defendant__name", "defendant__name_latin", "case__title", "article__number"]
    autocomplete_fields = ["case", "defendant", "article", "sources"]
    date_hierarchy = "filed_on"


@admin.register(Sentence)
class SentenceAdmin(FastRenderingAdminMixin, PersonSearchMixin, SpreadsheetExportMixin, DocumentedAdmin):
    person_lookup = "defendant"
    export_related = ("replaces__defendant",)
    list_display = ["defendant", "kind", "term_display", "case", "sentenced_on", "visibility"]
    list_filter = ["visibility", "kind", "certainty", ("sentenced_on", admin.DateFieldListFilter)]
    list_select_related = ["defendant", "case"]
    search_fields = ["defendant__name", "defendant__name_latin", "case__title"]
    autocomplete_fields = ["case", "defendant", "court", "replaces", "sources"]
    date_hierarchy = "sentenced_on"


@admin.register(Detention)
class DetentionAdmin(FastRenderingAdminMixin, PersonSearchMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [DetentionResource]
    list_display = ["person", "kind", "started_on", "ended_on", "facility", "case", "visibility", "updated_at"]
    list_filter = [
        "visibility",
        "kind",
        "certainty",
        "ill_treatment_alleged",
        HeldFilter,
        ("started_on", admin.DateFieldListFilter),
        ("ended_on", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["person", "facility", "case"]
    search_fields = PERSON_SEARCH + ["case__title", "facility__name"]
    autocomplete_fields = ["person", "case", "assembly", "facility", "authority", "sources"]
    date_hierarchy = "started_on"
    # Newest first: the open detentions the "in custody" filter looks for are mostly
    # recent, so its page is found after a few index entries, not past 100,000 old ones.
    ordering = ["-started_on", "-pk"]
    inlines = [ExtensionInline]


@admin.register(Assembly)
class AssemblyAdmin(FastRenderingAdminMixin, SpreadsheetImportExportMixin, DocumentedAdmin):
    resource_classes = [AssemblyResource]
    list_display = ["title", "held_on", "location", "permission", "outcome", "detained_count", "visibility"]
    list_filter = ["visibility", "outcome", "permission", ("location", admin.RelatedOnlyFieldListFilter), "tags"]
    list_select_related = ["location"]
    search_fields = ["title", "title_ru", "title_kk", "topic", "place"]
    date_hierarchy = "held_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["location", "organizers", "tags", "sources"]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("held_on", "held_on_precision"), "location", "place", "topic"]}),
        (None, {"fields": ["organizers", ("permission", "outcome"), ("participants_estimate", "detained_count")]}),
        (_("Public summary"), {"fields": ["language", "summary", "tags"]}),
        (
            _("Translations"),
            {
                "fields": ["title_en", "title_ru", "title_kk", "summary_en", "summary_ru", "summary_kk"],
                "classes": ["collapse"],
            },
        ),
        (_("Confidential"), {"fields": ["internal_notes"], "classes": ["collapse"]}),
        (_("Sources and publication"), {"fields": ["sources", "visibility"]}),
    ]


@admin.register(Event)
class EventAdmin(FastRenderingAdminMixin, SpreadsheetExportMixin, DocumentedAdmin):
    list_display = ["__str__", "case", "person", "occurred_on", "certainty", "visibility"]
    list_filter = ["visibility", "kind", "certainty", ("occurred_on", admin.DateFieldListFilter)]
    list_select_related = ["case", "person"]
    search_fields = ["description", "case__title"]
    autocomplete_fields = ["case", "person", "sources"]
    date_hierarchy = "occurred_on"


@admin.register(Participant)
class ParticipantAdmin(FastRenderingAdminMixin, PersonSearchMixin, SpreadsheetExportMixin, DocumentedAdmin):
    list_display = ["person", "role", "case", "visibility"]
    list_filter = ["visibility", "role"]
    list_select_related = ["person", "case"]
    search_fields = PERSON_SEARCH + ["case__title"]
    autocomplete_fields = ["case", "person"]
    # Newest first by key; the model's order (role, person's name) sorts all 450,000 rows (4 s).
    ordering = ["-pk"]
