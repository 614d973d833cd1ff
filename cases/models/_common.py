"""What the case models share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kazmonitor.dates import DatePrecision

VISIBILITY_VALUES = [0, 10, 20]
PRECISIONS = DatePrecision.values


def precision_field():
    return models.CharField(_("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
