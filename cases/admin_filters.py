"""Admin list filters on custody, shared by the detention and person lists."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Detention


class HeldFilter(admin.SimpleListFilter):
    """Who was in custody on a day: ``?held=today`` (the link shown) or any day as
    ``?held=2022-01-10``; the same rule as the public "detained now" figure
    (``Detention.objects.in_custody_on``). On the person list: persons with such a
    detention. A malformed day reopens the list with ?e=1, as any bad filter."""

    title = _("in custody")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("today", _("today"))]

    def day(self) -> datetime.date:
        value = self.value()
        try:
            return timezone.localdate() if value == "today" else datetime.date.fromisoformat(value)
        except ValueError as error:
            raise IncorrectLookupParameters(error) from error

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if queryset.model is Detention:
            return queryset.in_custody_on(self.day())
        return queryset.filter(pk__in=Detention.objects.in_custody_on(self.day()).values("person"))
