"""CSV and XLSX import and export for admin lists (django-import-export).

``SpreadsheetExportMixin``: every list exports its filtered rows (the current search
and filters) as CSV or XLSX, for staff who may view the model; derived search keys
are never written.

``SpreadsheetImportExportMixin`` adds the import with its preview: the file is read
and every row tried inside a transaction that is rolled back; the preview lists
each row as new, update or skip, or its errors by column; only a clean file can be
confirmed, and the confirmed import is rolled back whole if anything fails. Files
are limited in size and rows, and a template (the header row) can be downloaded.
Import needs the add and change permissions of the model.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm

from kazmonitor.exchange import DERIVED_FIELDS
from kazmonitor.spreadsheets import DATE_FORMATS_HELP, MAX_ROWS

IMPORT_MAX_BYTES = 5 * 1024 * 1024
FORMATS = {"csv": CSV, "xlsx": XLSX}


class DisplayWidget(widgets.Widget):
    """Related records as their display names (export only)."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):
            return "; ".join(sorted(str(item) for item in value.all()))
        return str(value)


def export_resource_for(model, related: tuple[str, ...] = ()) -> type[resources.ModelResource]:
    """A read-only resource with every field of ``model`` except database ids and
    derived keys; related records are written by name (``related``: lookups their
    names need, fetched with the rows)."""
    names, declared = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in DERIVED_FIELDS:
            continue
        names.append(field.name)
        if field.is_relation:
            declared[field.name] = fields.Field(attribute=field.name, column_name=field.name, widget=DisplayWidget())
    for field in model._meta.many_to_many:
        names.append(field.name)
        declared[field.name] = fields.Field(attribute=field.name, column_name=field.name, widget=DisplayWidget())
    linked = [f.name for f in model._meta.concrete_fields if f.is_relation]
    lists = [f.name for f in model._meta.many_to_many]

    def filter_export(self, queryset, **kwargs):
        if linked or related:
            queryset = queryset.select_related(*linked, *related)
        return queryset.prefetch_related(*lists)

    meta = type("Meta", (), {"model": model, "fields": names, "export_order": names, "name": "All columns"})
    attrs = {**declared, "Meta": meta, "filter_export": filter_export}
    return type(f"{model.__name__}ExportResource", (resources.ModelResource,), attrs)


class SizeLimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size).1f MB; at most %(limit)d MB can be imported at once. Split it into parts.")
                % {"size": upload.size / 1024 / 1024, "limit": IMPORT_MAX_BYTES // 1024 // 1024}
            )
        return upload


class SpreadsheetExportMixin(ImportExportMixin):
    export_related: tuple[str, ...] = ()  # extra select_related lookups for the export
    export_form_class = ExportForm  # one choice: the format; the columns are fixed
    import_export_change_list_template = "admin/import_export/change_list_export.html"

    def get_export_formats(self):
        return [CSV, XLSX]

    def get_export_resource_classes(self, request):
        return list(self.resource_classes) or [export_resource_for(self.model, self.export_related)]

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def has_import_permission(self, request):
        return False


class SpreadsheetImportExportMixin(SpreadsheetExportMixin):
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_template_name = "admin/kazmonitor/import.html"
    import_form_class = SizeLimitedImportForm

    def get_import_formats(self):
        return [CSV, XLSX]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            message = _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” (or as an Excel .xlsx file) and upload it again."
            )
        else:
            message = _("The file could not be read as %(format)s. Is it a CSV or XLSX file?") % {
                "format": self._format_title(form)
            }
        form.add_error("import_file", message)

    def _format_title(self, form) -> str:
        try:
            return self.get_import_formats()[int(form.data["format"])]().get_title()
        except (KeyError, ValueError, IndexError):
            return "?"

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context.update(
            max_megabytes=IMPORT_MAX_BYTES // 1024 // 1024,
            max_rows=MAX_ROWS,
            date_formats=DATE_FORMATS_HELP,
            template_formats=list(FORMATS),
        )
        return context

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template/<str:fmt>/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, fmt):
        """The sheet's header row (an export of no records) to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404
        resource = self.get_import_resource_classes(request)[0]()
        file_format = FORMATS[fmt]()
        data = file_format.export_data(resource.export(self.model.objects.none()))
        response = HttpResponse(data, content_type=file_format.get_content_type())
        name = self.model._meta.verbose_name_plural.replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="kazmonitor-{name}-template.{fmt}"'
        return response
