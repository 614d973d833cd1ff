"""Peaceful assemblies."""

from django.db import models
from django.db.models import Q
from django.db.models.lookups import IContains
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.dates import format_partial_date
from kazmonitor.models import (
    LANGUAGE_CHOICES,
    Documented,
    Translatable,
    translations,
)
from kazmonitor.search import Joined, search_text

from ._common import VISIBILITY_VALUES, precision_field

# What a text search of assemblies looks in: the title in every language and the topic,
# joined into one text (``kazmonitor.search.Joined``) with one trigram index on PostgreSQL
# (cases 0013); the SQL must stay that index's expression.
ASSEMBLY_TEXT_FIELDS = ("title", "title_en", "title_ru", "title_kk", "topic")


def assembly_text_matches(text: str) -> Q:
    """Assemblies whose title (in any language) or topic contains ``text``, case-folded.

    One ``UPPER(joined) LIKE`` instead of an ``OR`` of five: the planner prices an ``OR``
    of five index scans above a sequential scan of a few thousand rows, and that scan,
    five ``UPPER()`` of Cyrillic text per row, took 6 ms at 2,000 assemblies; one index
    scan takes well under one (docs/performance.md). ``search_text`` keeps the separator
    out of the text, so a match never spans two columns."""
    text = search_text(text)
    if not text:  # only control characters: nothing to look for, not "everything"
        return Q(pk__in=[])
    return Q(IContains(Joined(*ASSEMBLY_TEXT_FIELDS), text))


class Assembly(Translatable, Documented):
    class Permission(models.TextChoices):
        NOTIFIED = "notified", _("notified")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        NONE_SOUGHT = "none", _("none sought")
        UNKNOWN = "unknown", _("unknown")

    class Outcome(models.TextChoices):
        HELD = "held", _("held")
        DISPERSED = "dispersed", _("dispersed")
        PREVENTED = "prevented", _("prevented")

    title = models.CharField(_("title"), max_length=300)
    title_en, title_ru, title_kk = translations(models.CharField(_("title"), max_length=300))
    slug = models.SlugField(unique=True, max_length=200)
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    held_on = models.DateField(_("date"))
    held_on_precision = precision_field()
    location = models.ForeignKey(
        "kazmonitor.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="assemblies"
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("e.g. in front of the Russian consulate")
    )
    topic = models.CharField(_("topic"), max_length=500, blank=True)
    organizers = models.ManyToManyField("people.Organization", blank=True, related_name="assemblies_organized")
    permission = models.CharField(
        _("notification / permission"), max_length=10, choices=Permission.choices, default=Permission.UNKNOWN
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.HELD)
    participants_estimate = models.PositiveIntegerField(_("participants (estimate)"), null=True, blank=True)
    detained_count = models.PositiveIntegerField(_("number detained (reported)"), null=True, blank=True)
    summary = models.TextField(_("public summary"), blank=True)
    summary_en, summary_ru, summary_kk = translations(models.TextField(_("public summary"), blank=True))
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    tags = models.ManyToManyField("kazmonitor.Tag", blank=True, related_name="assemblies")
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="assemblies")

    history = HistoricalRecords()

    translated_fields = ("title", "summary")

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="assembly_visibility_valid"),
            models.CheckConstraint(
                condition=Q(participants_estimate__isnull=True) | Q(participants_estimate__gt=0),
                name="assembly_participants_positive",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["held", "dispersed", "prevented"]), name="assembly_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_display})"

    @property
    def held_display(self) -> str:
        return format_partial_date(self.held_on, self.held_on_precision)

    def get_absolute_url(self):
        return reverse("assembly_detail", kwargs={"slug": self.slug})
