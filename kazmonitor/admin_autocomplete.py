"""Autocomplete fields that show their selected value from the rows already loaded.

Django's autocomplete widget looks up its selected person, article or sources with a
query of its own: on a case page with hundreds of inline rows, hundreds of queries.
Here the inline rows come with the objects their autocomplete fields point to
(``select_related`` for a foreign key, ``prefetch_related`` for many-to-many; see
``RelatedRowsMixin`` in ``kazmonitor.admin``), the form hands them to its widgets, and a
widget asks the database only for a value it was not given (e.g. one typed into a
form that came back with an error).

Nested inline rows (a detention's extensions) are prefetched with their parent rows
and read from there (``PrefetchedRowsFormSet``), so they cost no query per parent."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db.models import Model, Prefetch
from django.forms.models import _get_foreign_key
from nested_admin.formsets import NestedInlineFormSet


def _meets(obj: Model, limit) -> bool | None:
    """Whether ``obj`` meets a field's ``limit_choices_to``; None when that cannot be
    told without the database (a Q object, a lookup across relations)."""
    if not limit:
        return True
    if not isinstance(limit, dict):
        return None
    concrete = {field.name for field in obj._meta.concrete_fields if not field.is_relation}
    if not set(limit) <= concrete:
        return None
    return all(getattr(obj, name) == value for name, value in limit.items())


class LoadedSelectionMixin:
    """Renders the selected options from ``loaded`` ({value: object}, set by the form)
    when it holds every selected value; otherwise asks the database as Django does."""

    loaded: dict[str, Model] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.loaded or not selected <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        limit = self.field.get_limit_choices_to()
        objects = [obj for key, obj in self.loaded.items() if key in selected]
        meets = [_meets(obj, limit) for obj in objects]
        if None in meets:
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for obj in (obj for obj, ok in zip(objects, meets, strict=True) if ok):
            option_value = getattr(obj, self._to_field_attname())
            label = self.choices.field.label_from_instance(obj)
            default[1].append(self.create_option(name, option_value, label, selected, len(default[1])))
            if not self.allow_multiple_selected:
                break
        return [default]

    def _to_field_attname(self) -> str:
        opts = self.field.remote_field.model._meta
        return opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname)).attname


class LoadedAutocompleteSelect(LoadedSelectionMixin, AutocompleteSelect):
    pass


class LoadedAutocompleteSelectMultiple(LoadedSelectionMixin, AutocompleteSelectMultiple):
    pass


def loaded_related(instance: Model, name: str) -> dict[str, Model] | None:
    """What ``instance`` already holds of its relation ``name``, by the value a widget
    receives (the target's key as a string); None when it would take a query."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        rows = getattr(instance, "_prefetched_objects_cache", {}).get(field.name)
        if rows is None:
            return None
        return {str(obj.pk): obj for obj in rows}
    if field.many_to_one and field.is_cached(instance):
        target = getattr(instance, name)
        return {} if target is None else {str(getattr(target, field.target_field.attname)): target}
    return None


class LoadedChoicesFormMixin:
    """Hands each autocomplete widget the related objects the instance was loaded with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            if isinstance(widget, LoadedSelectionMixin) and self.instance.pk is not None:
                widget.loaded = loaded_related(self.instance, name)


class LoadedChoicesForm(LoadedChoicesFormMixin, forms.ModelForm):
    pass


class LoadedAutocompleteAdminMixin:
    """For ModelAdmin and inlines: autocomplete fields use the widgets above, and the
    inline rows come with what those widgets show (foreign keys joined, many-to-many
    prefetched, nested inline rows prefetched with theirs)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def loaded_relations(self, request) -> tuple[list[str], list[str | Prefetch]]:
        """(select_related, prefetch_related) names for the autocomplete fields and nested inlines."""
        joined, prefetched = [], []
        for name in self.get_autocomplete_fields(request):
            field = self.model._meta.get_field(name)
            (prefetched if field.many_to_many else joined).append(name)
        for inline_class in getattr(self, "inlines", ()):
            inline = inline_class(self.model, self.admin_site)
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            rows = inline.get_queryset(request)
            rows = rows if rows.ordered else rows.order_by(inline.model._meta.pk.name)
            prefetched.append(Prefetch(fk.remote_field.get_accessor_name(), queryset=rows))
        return joined, prefetched


class PrefetchedRowsFormSet(NestedInlineFormSet):
    """A nested inline's rows read from its parent row's prefetched ones (on a page
    being shown; a submitted page reads them again, as nested_admin does)."""

    def get_queryset(self):
        if not self.data and not hasattr(self, "_queryset") and self.instance.pk is not None:
            cache = getattr(self.instance, "_prefetched_objects_cache", {})
            rows = cache.get(self.fk.remote_field.get_accessor_name())
            if rows is not None:
                self._queryset = rows
        return super().get_queryset()


class CappedRowsFormSet(NestedInlineFormSet):
    """Shows at most ``max_rows`` existing rows (set by the inline): a case with 80
    defendants would otherwise render some 400 inline forms (~30 s). ``more_rows`` says
    whether some were left out; the admin then links to the full list. A submitted page
    handles the rows it showed (nested_admin reads them by their keys)."""

    max_rows: int | None = None
    more_rows = False

    def get_queryset(self):
        if not self.data and self.max_rows and not hasattr(self, "_queryset"):
            rows = list(super().get_queryset()[: self.max_rows + 1])
            self.more_rows = len(rows) > self.max_rows
            self._queryset = rows[: self.max_rows]
        return super().get_queryset()
