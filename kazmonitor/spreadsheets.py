"""Building blocks for the spreadsheet (CSV/XLSX) resources of ``people`` and ``cases``.

Sheets are written by researchers, so every cell is read leniently and every
problem becomes a row error that names the column and the reason:

* partial dates: ``2022``, ``2022-03``, ``2022-03-15``, ``15.03.2022``, ``03.2022``
  (and real date cells in XLSX) set the date and its precision;
* links to other records by their stable id, slug or name (``KeyWidget``), lists
  separated by ``;`` (``ListWidget``), legal articles as ``CC 274.4`` or ``274.4``;
* imported records start ``internal`` and the visibility column is never read, so
  nobody can publish through an import; derived search keys are never written.
"""

import datetime
import re
import uuid

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from import_export import fields, resources, widgets

from kazmonitor.dates import DatePrecision, normalize_partial_date
from kazmonitor.models import Visibility

LIST_SEPARATOR = ";"
MAX_ROWS = 5000
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
DATE_FORMATS_HELP = "2022, 2022-03, 2022-03-15 or 15.03.2022"


def parse_partial_date(value) -> tuple[datetime.date, str] | None:
    """A sheet cell → (date, precision); ``None`` for an empty cell; ``ValueError``
    with a message for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    try:
        if match := _YEAR.match(text):
            return datetime.date(int(match[1]), 1, 1), DatePrecision.YEAR
        if match := _YEAR_MONTH.match(text):
            return datetime.date(int(match[1]), int(match[2]), 1), DatePrecision.MONTH
        if match := _DOTTED_MONTH.match(text):
            return datetime.date(int(match[2]), int(match[1]), 1), DatePrecision.MONTH
        if match := _ISO_DAY.match(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3])), DatePrecision.DAY
        if match := _DOTTED_DAY.match(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1])), DatePrecision.DAY
    except ValueError as error:
        raise ValueError(f"“{text}” is not a date ({error}).") from None
    raise ValueError(f"“{text}” is not a date; write {DATE_FORMATS_HELP}.")


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """The inverse of ``parse_partial_date``: 2022-03-01 at month precision → "2022-03"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class PartialDateField(fields.Field):
    """A date column that also sets ``<attribute>_precision``."""

    def __init__(self, attribute: str, **kwargs):
        super().__init__(attribute=attribute, column_name=attribute, widget=widgets.Widget(), **kwargs)

    def get_value(self, instance):
        return format_partial_date(getattr(instance, self.attribute), getattr(instance, f"{self.attribute}_precision"))

    def export(self, instance, **kwargs):
        return self.get_value(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        parsed = parse_partial_date(row[self.column_name])
        if parsed is None:
            setattr(instance, self.attribute, None)
            setattr(instance, f"{self.attribute}_precision", DatePrecision.DAY)
            return
        value, precision = parsed
        setattr(instance, self.attribute, normalize_partial_date(value, precision))
        setattr(instance, f"{self.attribute}_precision", precision)


class KeepIfBlankField(fields.Field):
    """A column whose empty cell keeps the current value (identifiers, slugs)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if str(row.get(self.column_name) or "").strip():
            super().save(instance, row, is_m2m, **kwargs)


class UuidWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a stable id (a uuid like 2f1c…-…).") from None

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class TextWidget(widgets.Widget):
    """Text cells, stripped; numbers typed into a text column are kept as written."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,9}", text):
            raise ValueError(f"“{text}” is not a whole number.")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BooleanWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "yes", "Yes", "YES", "y", "x", "X"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "no", "No", "NO", "n"]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in self.NULL_VALUES:
            return False
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(f"“{value}” is not yes or no (write 1 or 0).")


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


class KeyWidget(widgets.ForeignKeyWidget):
    """A link to another record by its stable id, slug or name (the ``lookups``,
    tried in order). Unknown or ambiguous values are row errors, not crashes."""

    def __init__(self, model, lookups=("uuid", "slug", "name"), render_field="slug", **kwargs):
        super().__init__(model, field=render_field, **kwargs)
        self.lookups = lookups

    def find(self, text: str):
        for lookup in self.lookups:
            if lookup == "uuid":
                value = _as_uuid(text)
                if value is None:
                    continue
                found = list(self.model.objects.filter(uuid=value)[:2])
            else:
                found = list(self.model.objects.filter(**{f"{lookup}__iexact": text})[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValueError(
                    f"“{text}” matches several {self.model._meta.verbose_name_plural}; give the slug or stable id."
                )
        raise ValueError(f"No {self.model._meta.verbose_name} “{text}” (give its slug, stable id or exact name).")

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        return self.find(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class ListWidget(widgets.ManyToManyWidget):
    """A ``;``-separated list of records by slug or name (or by URL for sources)."""

    def __init__(self, model, lookups=("slug", "name"), render_field="slug"):
        super().__init__(model, separator=LIST_SEPARATOR, field=render_field)
        self.lookups = lookups

    def items(self, value) -> list[str]:
        return [part.strip() for part in TextWidget().clean(value).split(self.separator) if part.strip()]

    def clean(self, value, row=None, **kwargs):
        items = self.items(value)
        if not items:
            return self.model.objects.none()
        query = Q()
        for lookup in self.lookups:
            query |= Q(**{f"{lookup}__in": items})
        found = list(self.model.objects.filter(query))
        known = {str(getattr(obj, lookup)) for obj in found for lookup in self.lookups}
        unknown = [item for item in items if item not in known]
        if unknown:
            names = ", ".join(f"“{item}”" for item in unknown)
            raise ValueError(f"Unknown {self.model._meta.verbose_name_plural}: {names}.")
        return self.model.objects.filter(pk__in=[obj.pk for obj in found])

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{self.separator} ".join(sorted(str(getattr(item, self.field)) for item in value.all()))


class SourceListWidget(ListWidget):
    """Sources by URL; a URL not yet known becomes a new (internal) source titled by
    the URL, so a sheet can cite links without a separate sources sheet."""

    def __init__(self, model):
        super().__init__(model, lookups=("url",), render_field="url")

    def clean(self, value, row=None, **kwargs):
        pks = []
        for url in self.items(value):
            if not re.match(r"^https?://\S+$", url):
                raise ValueError(f"“{url}” is not a web address (sources are given by URL).")
            source = self.model.objects.filter(url=url).order_by("pk").first()
            if source is None:
                source = self.model.objects.create(url=url, title=url[:500], kind="other")
            pks.append(source.pk)
        return self.model.objects.filter(pk__in=pks)


def unique_slug(model, text: str, max_length: int = 200) -> str:
    base = slugify(anyascii(text or ""))[: max_length - 8].strip("-") or model._meta.model_name
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class RecordResource(resources.ModelResource):
    """Base of every spreadsheet resource: explicit columns, required columns checked
    before any row is read, rows matched by stable id or a natural key, unchanged
    rows skipped, new records always ``internal``."""

    required_columns: tuple[str, ...] = ()
    uuid = KeepIfBlankField(attribute="uuid", column_name="uuid", widget=UuidWidget(), saves_null_values=False)
    visibility = fields.Field(attribute="visibility", column_name="visibility", readonly=True)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        headers = [str(h or "").strip() for h in dataset.headers or []]
        dataset.headers = headers
        if len(dataset) > MAX_ROWS:
            rows = len(dataset)
            del dataset[0:rows]
            raise ValueError(f"The sheet has {rows} rows; at most {MAX_ROWS} can be imported at once. Split it.")
        missing = [column for column in self.required_columns if column not in headers]
        if missing:
            # Rows are not worth reading without these columns.
            del dataset[0 : len(dataset)]
            expected = ", ".join(f.column_name for f in self.get_import_fields())
            raise ValueError(
                f"Missing column(s): {', '.join(missing)}. The first row must name the columns; "
                f"this sheet takes: {expected}. Download the template from the import page."
            )

    export_related: tuple[str, ...] = ()

    def filter_export(self, queryset, **kwargs):
        """Fetch linked records with the rows: a fixed number of queries per export."""
        linked = [f.attribute for f in self.get_export_fields() if isinstance(f.widget, widgets.ForeignKeyWidget)]
        lists = [f.attribute for f in self.get_export_fields() if isinstance(f.widget, widgets.ManyToManyWidget)]
        lists += [f.attribute for f in self.get_export_fields() if getattr(f, "prefetch", False)]
        if linked or self.export_related:
            queryset = queryset.select_related(*linked, *self.export_related)
        return queryset.prefetch_related(*lists)

    def get_user_visible_fields(self):
        return [field for field in self.get_import_fields() if not field.readonly]

    def get_instance(self, instance_loader, row):
        value = UuidWidget().clean(row.get("uuid"))
        if value is not None:
            found = self._meta.model.objects.filter(uuid=value).first()
            if found:
                return found
        return self.find_existing(row)

    def find_existing(self, row):
        """The record a row without a known stable id describes, or ``None``."""
        return None

    def find_by_slug_or_name(self, row, name_field: str, **narrowing):
        """The record with the row's slug; without a slug, the one record whose
        ``name_field`` equals the row's (case-insensitively, within ``narrowing``) —
        never a guess between several."""
        model = self._meta.model
        slug = TextWidget().clean(row.get("slug"))
        if slug:
            return model.objects.filter(slug=slug).first()
        name = TextWidget().clean(row.get(name_field))
        if not name:
            return None
        return only_match(model.objects.filter(**{f"{name_field}__iexact": name}, **narrowing))

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.visibility = Visibility.INTERNAL
        return instance

    def before_save_instance(self, instance, row, **kwargs):
        if instance._state.adding:
            instance.visibility = Visibility.INTERNAL  # never published through an import

    def slug_text(self, instance) -> str:
        return str(getattr(instance, "title", "") or getattr(instance, "name", ""))

    def dehydrate_visibility(self, instance):
        return Visibility(instance.visibility).name.lower()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if hasattr(instance, "slug") and not instance.slug and self.slug_text(instance):
            instance.slug = unique_slug(type(instance), self.slug_text(instance))
        # Lists (m2m) are checked now so that their errors show in the preview too.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error))
        if errors:
            raise ValidationError(errors)


def text_field(name: str, **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=TextWidget(), **kwargs)


class ChoiceWidget(widgets.Widget):
    """A choice by its value or its label, any case ("pretrial" or "pre-trial
    detention"); an empty cell gives the default."""

    def __init__(self, model_field):
        super().__init__()
        self.model_field = model_field

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if not text:
            return self.model_field.get_default()
        for choice, label in self.model_field.choices:
            if text.lower() in (str(choice).lower(), str(label).lower()):
                return choice
        allowed = ", ".join(str(choice) for choice, _label in self.model_field.choices if choice != "")
        raise ValueError(f"“{text}” is not one of: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def choice_field(name: str, model) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ChoiceWidget(model._meta.get_field(name)))


def int_field(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=IntegerWidget())


def bool_field(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=BooleanWidget())


def key_field(name: str, model, **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=KeyWidget(model, **kwargs))


def list_field(name: str, model, **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ListWidget(model, **kwargs))


def sources_field(model) -> fields.Field:
    return fields.Field(attribute="sources", column_name="sources", widget=SourceListWidget(model))


def only_match(queryset):
    """The single record of ``queryset``, or ``None`` when there are none or several."""
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None
