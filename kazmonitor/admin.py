"""Admin base classes shared by every app, and the admin of the shared base models."""

import logging

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from kazmonitor.admin_autocomplete import CappedRowsFormSet, LoadedAutocompleteAdminMixin, LoadedChoicesFormMixin
from kazmonitor.groups import PUBLISH_PERMISSION
from kazmonitor.locking import VersionedForm, VersionedInlineForm, with_version_field
from kazmonitor.models import Location, OldSlug, Source, StaleRecordError, Tag, Tombstone
from kazmonitor.public_views import CappedPaginator
from kazmonitor.uploads import random_name, validate_document

logger = logging.getLogger(__name__)


def can_publish(request) -> bool:
    return request.user.has_perm(PUBLISH_PERMISSION)


class VisibilityReadOnlyMixin:
    """Researchers cannot raise visibility: the field is read-only for anyone without
    the publish permission, so new records stay ``internal`` and published ones keep
    their level."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request) and "visibility" not in fields:
            fields.append("visibility")
        return fields


class SafeChangeList(ChangeList):
    """Django's date hierarchy turns ``?opened_on__year=99999999999999999999`` into an
    OverflowError (a 500); treat it like any other bad filter (the list reopens with ?e=1)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class CappedCountPaginator(CappedPaginator):
    """Admin lists (and the autocompletes, which page through the same paginator) count
    at most ``cap`` matches: on a table of 500,000 rows the count no longer dominates
    the page. Past the cap the list says "more than" (templates/admin/pagination.html)
    and offers its first ``cap`` rows; filters and search narrow it."""

    cap = 10_000


class DocumentedAdmin(VisibilityReadOnlyMixin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """Base for every documented record: visibility guard, history with revert, no
    full-table COUNT on big changelists, old slugs kept for redirects."""

    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    save_on_top = True
    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return with_version_field(fieldsets, 0) if obj is not None else fieldsets

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleRecordError as error:
            # Saved by someone else between our check and our write: the transaction
            # of the whole page (record and inlines) was rolled back.
            self.message_user(request, f"{error} Open the record again and re-apply your edits.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except DataError:
            # A value the form accepted but the database cannot hold (e.g. a derived
            # search key longer than its column): nothing was saved; say so, not a 500.
            logger.exception("database refused an admin save")
            self.message_user(
                request,
                "Nothing was saved: a value is too long or too large for the database. Shorten long names or texts "
                "and try again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def log_deletions(self, request, queryset):
        """The usual deletion log entries, each also carrying the record's many-to-many
        links and those of the rows deleted with it, for a later restore."""
        from django.contrib.admin.models import DELETION, LogEntry

        from kazmonitor.services import deletion_log_message

        return [
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[obj],
                action_flag=DELETION,
                change_message=deletion_log_message(obj),
                single_object=True,
            )
            for obj in queryset
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        for inline_formset in context.get("inline_admin_formsets", []):
            formset = inline_formset.formset
            if getattr(formset, "more_rows", False):
                self._say_where_all_rows_are(request, formset, context["original"])
        return super().render_change_form(request, context, *args, **kwargs)

    def _say_where_all_rows_are(self, request, formset, obj):
        opts = formset.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
        messages.info(
            request,
            format_html(
                "Only the first {} {} are shown below (a longer page would take long to open): "
                '<a href="{}?{}__id__exact={}">all {} of this {}</a>.',
                formset.max_rows,
                opts.verbose_name_plural,
                url,
                formset.fk.name,
                obj.pk,
                opts.verbose_name_plural,
                self.opts.verbose_name,
            ),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting_history = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if getattr(request, "reverting_history", False) and obj.pk is not None:
            # Reverting deliberately replaces the current version with an old one.
            current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = current if current is not None else obj.version
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if old_slug and old_slug != getattr(obj, "slug", old_slug):
            OldSlug.objects.get_or_create(
                content_type=ContentType.objects.get_for_model(obj),
                slug=old_slug,
                defaults={"object_id": obj.pk},
            )

    @admin.display(description="visibility", ordering="visibility")
    def visibility_badge(self, obj):
        return obj.get_visibility_display()


class DocumentedInlineForm(LoadedChoicesFormMixin, VersionedInlineForm):
    pass


class VersionedInlineMixin:
    """Each inline row carries the version it was opened at (see kazmonitor.locking)."""

    form = DocumentedInlineForm

    def get_fieldsets(self, request, obj=None):
        return with_version_field(super().get_fieldsets(request, obj), -1)


class RelatedRowsMixin(LoadedAutocompleteAdminMixin):
    """Inline rows fetched with what their titles, autocomplete fields and nested inlines
    show, so a record with hundreds of rows costs the same number of queries as one
    with a single row (kazmonitor.admin_autocomplete). ``select_related`` and
    ``prefetch_related`` name what else the rows' titles need."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        joined, prefetched = self.loaded_relations(request)
        queryset = super().get_queryset(request)
        joined = [*self.select_related, *(name for name in joined if name not in self.select_related)]
        if joined:  # select_related() with no names would follow every foreign key
            queryset = queryset.select_related(*joined)
        return queryset.prefetch_related(*self.prefetch_related, *prefetched)


class CappedRowsMixin:
    """An inline shows its first ``max_rows`` rows; the record's page then says where
    all of them are (``DocumentedAdmin.render_change_form``)."""

    formset = CappedRowsFormSet
    max_rows = 10

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.max_rows = self.max_rows
        return formset


class DocumentedTabularInline(
    CappedRowsMixin, RelatedRowsMixin, VersionedInlineMixin, VisibilityReadOnlyMixin, nested_admin.NestedTabularInline
):
    extra = 0
    show_change_link = True


class DocumentedStackedInline(
    CappedRowsMixin, RelatedRowsMixin, VersionedInlineMixin, VisibilityReadOnlyMixin, nested_admin.NestedStackedInline
):
    extra = 0
    show_change_link = True


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_local", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_local", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class _DocumentLink:
    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class DocumentInput(AdminFileWidget):
    """Links the current document through the checked download view, not MEDIA_URL."""

    def __init__(self, download_url: str, attrs=None):
        super().__init__(attrs)
        self.download_url = download_url

    def format_value(self, value):
        value = super().format_value(value)
        if value and getattr(value, "name", None):
            return _DocumentLink(value.name.rsplit("/", 1)[-1], self.download_url)
        return value


class SourceForm(VersionedForm):
    """A new document is checked by its content (PDF, PNG, JPEG or UTF-8 text, at most
    20 MB) and stored under a random name; the uploader's file name is dropped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "document" in self.fields:
            url = reverse("source_document", args=[self.instance.uuid])
            self.fields["document"].widget = DocumentInput(url)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):
            document.name = random_name(validate_document(document))
        return document


@admin.register(Source)
class SourceAdmin(DocumentedAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "kind", "published_on", "visibility", "updated_at"]
    list_filter = ["visibility", "kind", "publisher"]
    search_fields = ["title", "url", "publisher"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "url", "publisher", "kind", ("published_on", "published_on_precision")]}),
        ("Copies", {"fields": ["archived_url", "document"]}),
        ("Confidential", {"fields": ["provenance_notes"], "classes": ["collapse"]}),
        ("Publication", {"fields": ["visibility"]}),
    ]


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """Read-only: tombstones are written by the system when records are withdrawn."""

    list_display = ["model", "uuid", "previous_visibility", "new_visibility", "at"]
    list_filter = ["model"]
    search_fields = ["uuid"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
