"""Partial dates: a date plus how precisely it is known, shown as written."""

import datetime
from functools import lru_cache

from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def format_partial_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """``2022-03-01`` at month precision → "March 2022" (in the active language)."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    return _format_in_language(
        value, "YEAR_MONTH_FORMAT" if precision == DatePrecision.MONTH else "DATE_FORMAT", get_language()
    )


@lru_cache(maxsize=16384)
def _format_in_language(value: datetime.date, format_name: str, language: str | None) -> str:
    # Lists and CSV exports format the same few thousand dates over and over; Django's
    # localized formatting costs ~35 µs a call. ``language`` is part of the key.
    return formats.date_format(value, format_name)


def normalize_partial_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store partial dates at the first day of their month or year, so sorting and
    range filters treat "March 2022" as starting on 1 March 2022."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def partial_date_end(value: datetime.date | None, precision: str) -> datetime.date | None:
    """The last day a partial date may mean: "March 2022" → 31 March 2022."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        next_month = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return next_month - datetime.timedelta(days=1)
    return value


def normalize_partial_dates(instance) -> None:
    """Normalize every ``<field>`` that has a ``<field>_precision`` sibling."""
    for field in instance._meta.concrete_fields:
        precision = getattr(instance, f"{field.name}_precision", None)
        if precision and isinstance(getattr(instance, field.name, None), datetime.date):
            setattr(instance, field.name, normalize_partial_date(getattr(instance, field.name), precision))


def require_order(instance, start: str, end: str, message) -> None:
    """Raise a form error on ``end`` when it comes before ``start``."""
    from django.core.exceptions import ValidationError

    first, last = getattr(instance, start), getattr(instance, end)
    if first and last and last < first:
        raise ValidationError({end: message})
