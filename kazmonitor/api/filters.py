"""FilterSet pieces shared by every list: ``updated_since``, bounded text, dates."""

import copy
import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field

from kazmonitor.api.levels import api_level

MAX_TEXT = 200


class SinceField(forms.Field):
    """An ISO 8601 date-time (``2022-05-01T12:00:00Z``) or a date (midnight, server time)."""

    default_error_messages = {"invalid": "Enter an ISO 8601 date or date-time, e.g. 2022-05-01T12:00:00Z."}

    def to_python(self, value):
        if value in (None, ""):
            return None
        value = str(value).strip().replace(" ", "+")
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                day = parse_date(value)
                parsed = datetime.datetime.combine(day, datetime.time()) if day else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


@extend_schema_field({"type": "string", "description": "ISO 8601, e.g. 2022-05-01T12:00:00Z or 2022-05-01"})
class SinceFilter(django_filters.Filter):
    field_class = SinceField


class TextFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(*args, **kwargs)


_FORM_CLASSES: dict[type, type] = {}


class ApiFilterSet(django_filters.FilterSet):
    """Every list has ``updated_since``: records changed at or after that time,
    including those whose shown data changed because a record they show changed
    (``updated_paths``: forward relations only, so rows are never repeated).

    Cheaper than django-filter's own per request, with the same answers: the form
    class is built once per filterset class (its fields are deep-copied into each
    form anyway), the filters are deep-copied only when used, and a request that
    names none of the filters (most list pages: only ``page_size``, ``cursor`` or
    ``ordering``) is the queryset unchanged without building a form, as every
    filter passes an empty value through."""

    updated_paths: tuple[str, ...] = ("updated_at",)

    updated_since = SinceFilter(
        method="filter_updated_since",
        label="Records created or changed at or after this ISO 8601 time (use with /deleted/ to sync).",
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # BaseFilterSet.__init__, but ``filters`` is copied on first use (below).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix

    @property
    def filters(self):
        filters = self.__dict__.get("_filters")
        if filters is None:
            filters = self.__dict__["_filters"] = copy.deepcopy(self.base_filters)
            for filter_ in filters.values():  # as BaseFilterSet.__init__ does
                filter_.model = self.queryset.model
                filter_.parent = self
        return filters

    @filters.setter
    def filters(self, value):
        self.__dict__["_filters"] = value

    def get_form_class(self):
        cls = type(self)
        form_class = _FORM_CLASSES.get(cls)
        if form_class is None:
            form_class = _FORM_CLASSES[cls] = super().get_form_class()
        return form_class

    def names_no_filter(self) -> bool:
        """The request's data holds no parameter of any filter."""
        found = self.__dict__.get("_names_no_filter")
        if found is None:
            prefix = f"{self.form_prefix}-" if self.form_prefix else ""  # as Form.add_prefix
            found = self.__dict__["_names_no_filter"] = all(
                field.widget.value_omitted_from_data(self.data, {}, f"{prefix}{name}")
                for name, field in self.get_form_class().base_fields.items()
            )
        return found

    def is_valid(self):
        if self.is_bound and self.names_no_filter():
            return True
        return super().is_valid()

    @property
    def qs(self):
        if not hasattr(self, "_qs") and self.is_bound and self.names_no_filter():
            self._qs = self.queryset.all()
        return super().qs

    @property
    def level(self):
        return api_level(self.request)

    def filter_updated_since(self, queryset, name, value):
        condition = Q()
        for path in self.updated_paths:
            condition |= Q(**{f"{path}__gte": value})
        return queryset.filter(condition)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0, yes/no); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": "Use true or false."}
    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.values[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field({"type": "boolean"})
class BooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField
