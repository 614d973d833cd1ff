"""FilterSet pieces shared by every list: ``updated_since``, bounded text, dates."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
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


class ApiFilterSet(django_filters.FilterSet):
    """Every list has ``updated_since``: records changed at or after that time,
    including those whose shown data changed because a record they show changed
    (``updated_paths``: forward relations only, so rows are never repeated)."""

    updated_paths: tuple[str, ...] = ("updated_at",)

    updated_since = SinceFilter(
        method="filter_updated_since",
        label="Records created or changed at or after this ISO 8601 time (use with /deleted/ to sync).",
    )

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
