"""Serializer pieces every API object uses: partial dates and absolute URLs."""

import datetime

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kazmonitor.api.compiled import CompiledSerializer
from kazmonitor.dates import DatePrecision, format_partial_date


class ContextFree:
    """A field whose representation reads nothing but the value: compiled
    serializers call its ``to_representation`` directly."""

    def fast_representation(self, context):
        return self.to_representation


class PartialDate(ContextFree, serializers.Serializer):
    """``{"date": "2022-03-01", "precision": "month", "display": "March 2022"}``, or null."""

    date = serializers.DateField(help_text="First day of the period the date means.")
    precision = serializers.ChoiceField(choices=DatePrecision.choices)
    display = serializers.CharField(help_text="The date as written, e.g. 'March 2022'.")

    def __init__(self, attr: str, precision_attr: str = "", **kwargs):
        self.attr, self.precision_attr = attr, precision_attr or f"{attr}_precision"
        kwargs.setdefault("allow_null", True)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.attr)
        if value is None:
            return None
        precision = getattr(instance, self.precision_attr, DatePrecision.DAY)
        return {"date": value.isoformat(), "precision": precision, "display": format_partial_date(value, precision)}

    def fast_representation(self, context):
        """The same, each date formatted once per serializer (a list repeats the same
        few dates, and the active language does not change within one response)."""
        attr, precision_attr, known = self.attr, self.precision_attr, {}

        def partial_date(instance):
            value = getattr(instance, attr)
            if value is None:
                return None
            precision = getattr(instance, precision_attr, DatePrecision.DAY)
            try:
                return known[value, precision]
            except KeyError:
                shown = {"date": value.isoformat(), "precision": precision}
                shown["display"] = format_partial_date(value, precision)
                known[value, precision] = shown
                return shown

        return partial_date


def api_url(context: dict, basename: str, lookup) -> str | None:
    """Absolute URL of an API object; the list URL is reversed once per request."""
    request = context.get("request")
    if request is None or lookup is None:
        return None
    try:
        prefix = context["_api_url_prefixes"][basename]
    except KeyError:
        known = context.setdefault("_api_url_prefixes", {})
        prefix = known[basename] = request.build_absolute_uri(reverse(f"api:{basename}-list"))
    return f"{prefix}{lookup}/"


@extend_schema_field(OpenApiTypes.URI)
class ApiUrl(serializers.Field):
    """The absolute API URL of the object itself."""

    def __init__(self, basename: str, lookup=lambda obj: obj.uuid, **kwargs):
        self.basename, self.lookup = basename, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return api_url(self.context, self.basename, self.lookup(instance))

    def fast_representation(self, context):
        basename, lookup = self.basename, self.lookup
        return lambda instance: api_url(context, basename, lookup(instance))


@extend_schema_field(OpenApiTypes.UUID)
class ApiId(ContextFree, serializers.Field):
    """The stable identifier of the object (``lookup(obj)``)."""

    def __init__(self, lookup=lambda obj: obj.uuid, **kwargs):
        self.lookup = lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return str(self.lookup(instance))


class UtcDateTimeField(ContextFree, serializers.DateTimeField):
    """Times in UTC (``2022-06-01T07:00:00Z``), whatever the server's time zone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


class OptionalUrlField(ContextFree, serializers.URLField):
    """A web address, or null when there is none (never an empty string)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class ApiSerializer(CompiledSerializer, serializers.Serializer):
    """A plain serializer compiled once per class (``kazmonitor.api.compiled``)."""


class ApiModelSerializer(CompiledSerializer, serializers.ModelSerializer):
    """ModelSerializer whose date-times come out in UTC and empty URLs as null,
    compiled once per class (``kazmonitor.api.compiled``)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
        models.URLField: OptionalUrlField,
    }
