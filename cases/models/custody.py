"""Detentions and the court extensions of them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.dates import format_partial_date, normalize_partial_dates, require_order
from kazmonitor.models import (
    Certainty,
    Documented,
    VisibilityQuerySet,
)

from ._common import VISIBILITY_VALUES, precision_field
from .assembly import Assembly
from .case import Case
from .legal import Facility

# ``Detention.held_until`` of a detention whose custody has no known end: open, with no
# court extension. A date rather than NULL so that "held on day D" is one range,
# ``held_until >= D``, read from one index without visiting the table.
OPEN_ENDED = datetime.date.max


def _held_until_expression():
    """``held_until`` computed in the database: the end of an ended detention, else the
    latest ``extended_until`` of its court extensions, else ``OPEN_ENDED``."""
    return Coalesce(F("ended_on"), models.Subquery(_last_extension()), models.Value(OPEN_ENDED))


def _last_extension():
    """The latest ``extended_until`` of the outer detention's extensions (a subquery)."""
    return (
        Extension.objects.filter(detention=models.OuterRef("pk"))
        .order_by()
        .values("detention")
        .annotate(last=models.Max("extended_until"))
        .values("last")
    )


class DetentionQuerySet(VisibilityQuerySet):
    def in_custody_on(self, day: datetime.date) -> "DetentionQuerySet":
        """Detentions that held the person on ``day``: started by then and not ended
        before it. An open detention counts while it has no court extension or its last
        extension runs to ``day`` or later; past that, the record has no news and does
        not claim custody (see ``Detention.last_known_in_custody``). All three cases are
        the stored ``held_until`` (the end, the last extension's end, or ``OPEN_ENDED``)."""
        return self.filter(started_on__lte=day, held_until__gte=day)

    def update(self, **kwargs):
        """A new end date written in bulk carries ``held_until`` with it (the SQL
        ``SET`` reads the old row, so the new value itself is used, not ``ended_on``)."""
        if "ended_on" in kwargs and "held_until" not in kwargs:
            ended = kwargs["ended_on"]
            if ended is None:
                kwargs["held_until"] = Coalesce(models.Subquery(_last_extension()), models.Value(OPEN_ENDED))
            elif isinstance(ended, datetime.date):
                kwargs["held_until"] = ended
            else:
                kwargs["held_until"] = Coalesce(
                    ended, models.Subquery(_last_extension()), models.Value(OPEN_ENDED), output_field=models.DateField()
                )
        return super().update(**kwargs)

    update.alters_data = True

    def refresh_held_until(self) -> int:
        """Recompute ``held_until`` of these detentions in one UPDATE: for writes that
        bypass ``save()`` and the extension signals (``bulk_create``, ``COPY``, raw
        SQL; ``update()`` of end dates or of extensions keeps it itself). Returns the
        rows updated."""
        return self.order_by().update(held_until=_held_until_expression())


class Detention(Documented):
    class Kind(models.TextChoices):
        APPREHENSION = "apprehension", _("apprehension")
        ADMINISTRATIVE_ARREST = "admin_arrest", _("administrative arrest")
        PRETRIAL = "pretrial", _("pre-trial detention")
        HOUSE_ARREST = "house_arrest", _("house arrest")
        IMPRISONMENT = "imprisonment", _("imprisonment")
        PSYCHIATRIC = "psychiatric", _("psychiatric confinement")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="detentions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="detentions")
    assembly = models.ForeignKey(Assembly, on_delete=models.SET_NULL, null=True, blank=True, related_name="detentions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRETRIAL)
    started_on = models.DateField(_("start"))
    started_on_precision = precision_field()
    ended_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while the person is held."))
    ended_on_precision = precision_field()
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="detentions")
    authority = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="detentions_made",
        verbose_name=_("authority"),
        help_text=_("Who detained: police, National Security Committee …"),
    )
    release_reason = models.CharField(_("release reason"), max_length=300, blank=True)
    ill_treatment_alleged = models.BooleanField(_("ill-treatment alleged"), default=False)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED)
    description = models.CharField(_("public description"), max_length=500, blank=True)
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="detentions")
    # Derived, never edited: the last day the record shows custody lasting to (see
    # ``in_custody_on``). Kept by ``save()`` and by the save and delete of extensions;
    # bulk writes call ``Detention.objects.refresh_held_until()``.
    held_until = models.DateField(_("held until"), default=OPEN_ENDED, editable=False)

    objects = DetentionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="detention_visibility_valid"),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="detention_certainty_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="detention_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["started_on"], condition=Q(ended_on__isnull=True), name="detention_open_idx"),
            models.Index(fields=["ended_on"], name="detention_ended_idx"),
            # in_custody_on(): "held_until >= day" for recent days (few rows that far on),
            # "started_on <= day" for early ones; with the person, who was held is read
            # from the index alone. The second also serves every started_on range and
            # order (it replaces (started_on, ended_on), which the planner preferred for
            # "held today, oldest first" and then read 120,000 rows past their held_until).
            models.Index(fields=["held_until", "started_on", "person"], name="detention_held_until_idx"),
            models.Index(fields=["started_on", "held_until", "person"], name="detention_held_from_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} from {self.started_display}"

    @property
    def started_display(self) -> str:
        return format_partial_date(self.started_on, self.started_on_precision)

    @property
    def ended_display(self) -> str:
        return format_partial_date(self.ended_on, self.ended_on_precision)

    def clean(self):
        super().clean()
        require_order(self, "started_on", "ended_on", _("A detention cannot end before it began."))

    def save(self, *args, **kwargs):
        if self.ended_on:
            self.held_until = self.ended_on
        elif self._state.adding and self.pk is None:
            self.held_until = OPEN_ENDED  # no extension can point at it yet
        else:
            last = Extension.objects.filter(detention_id=self.pk).aggregate(last=models.Max("extended_until"))
            self.held_until = last["last"] or OPEN_ENDED
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "ended_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "held_until"}
        super().save(*args, **kwargs)

    def last_known_in_custody(self, today: datetime.date | None = None) -> datetime.date:
        """The last day the record shows the person held: the end of an ended detention;
        for an open one, today — unless a court extension ran out before today with no
        news since, in which case the record proves custody only until that date."""
        from django.utils import timezone

        if self.ended_on:
            return self.ended_on
        today = today or timezone.localdate()
        extensions = getattr(self, "visible_extensions", None)
        if extensions is None:
            extensions = self.extensions.all()
        last_until = max((e.extended_until for e in extensions), default=None)
        return last_until if last_until and last_until < today else today

    def information_is_stale(self, today: datetime.date | None = None) -> bool:
        """True when an open detention's last extension has run out with no news since."""
        from django.utils import timezone

        return not self.ended_on and self.last_known_in_custody(today) < (today or timezone.localdate())

    def days_in_custody(self, today: datetime.date | None = None) -> int:
        """Days held, counting the first and last day: in all once ended, so far while
        open, and at least this many when the record's information has run out."""
        return max((self.last_known_in_custody(today) - self.started_on).days + 1, 0)


class ExtensionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Extensions changed in bulk: their detentions' ``held_until`` (before and after
        a move) recomputed in the same breath, when the update can change them."""
        if not {"extended_until", "detention", "detention_id"} & kwargs.keys():
            return super().update(**kwargs)
        detentions = set(self.values_list("detention_id", flat=True))
        updated = super().update(**kwargs)
        if updated:
            moved_to = kwargs.get("detention", kwargs.get("detention_id"))
            if moved_to is not None:
                detentions.add(getattr(moved_to, "pk", moved_to))
            Detention.objects.filter(pk__in=detentions).refresh_held_until()
        return updated

    update.alters_data = True


class Extension(models.Model):
    """A court decision prolonging a detention."""

    detention = models.ForeignKey(Detention, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField(_("decided on"))
    decided_on_precision = precision_field()
    extended_until = models.DateField(_("extended until"))
    court = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions_decided",
        limit_choices_to={"kind": "court"},
    )
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="extensions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExtensionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        indexes = [
            # in_custody_on(): the last extension of each open detention.
            models.Index(fields=["detention", "-extended_until"], name="extension_last_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__gte=F("decided_on")), name="extension_until_after_decision"
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        extension = super().from_db(db, field_names, values, **kwargs)
        extension._stored_detention_id = extension.__dict__.get("detention_id")
        return extension

    def __str__(self):
        return f"extended on {self.decided_display} until {format_partial_date(self.extended_until)}"

    @property
    def decided_display(self) -> str:
        return format_partial_date(self.decided_on, self.decided_on_precision)

    def clean(self):
        super().clean()
        normalize_partial_dates(self)
        require_order(self, "decided_on", "extended_until", _("A detention cannot be extended to before the decision."))
        try:
            started = self.detention.started_on
        except Detention.DoesNotExist:
            started = None
        if started and self.decided_on and self.decided_on < started:
            raise ValidationError({"decided_on": _("An extension cannot be decided before its detention began.")})


def _refresh_detention(extension: Extension) -> None:
    """After an extension is saved or deleted: its detention's ``held_until`` (and its
    former detention's, when the extension was moved to another one)."""
    ids = {extension.detention_id, getattr(extension, "_stored_detention_id", None)} - {None}
    Detention.objects.filter(pk__in=ids).refresh_held_until()
    extension._stored_detention_id = extension.detention_id


@receiver(post_save, sender=Extension, dispatch_uid="extension_saved_held_until")
def extension_saved(sender, instance: Extension, raw=False, **kwargs):
    _refresh_detention(instance)


@receiver(post_delete, sender=Extension, dispatch_uid="extension_deleted_held_until")
def extension_deleted(sender, instance: Extension, **kwargs):
    _refresh_detention(instance)
