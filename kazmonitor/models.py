"""The shared base every app builds on: visibility, timestamps, partial dates,
translations, locations, tags and sources."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.dates import DatePrecision, format_partial_date, normalize_partial_dates


class Visibility(models.IntegerChoices):
    """Who may see a record. Ordered: a reader sees records at or above their level."""

    INTERNAL = 0, _("internal")
    PARTNERS = 10, _("partners")
    PUBLIC = 20, _("public")

    @classmethod
    def parse(cls, value: str) -> "Visibility":
        """``"public"`` → ``Visibility.PUBLIC``; raises ``ValueError`` on anything else."""
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown visibility level {value!r}") from None


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    ALLEGED = "alleged", _("alleged")


LANGUAGE_CHOICES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")]
TRANSLATION_LANGUAGES = [code for code, _name in LANGUAGE_CHOICES]


class VisibilityQuerySet(models.QuerySet):
    def visible_to(self, level: int) -> "VisibilityQuerySet":
        """The one place that decides read access: records at or above ``level``.

        ``Visibility.INTERNAL`` (staff) sees everything."""
        return self.filter(visibility__gte=int(level))


class StaleRecordError(Exception):
    """Someone saved the record after this copy was read: saving it would overwrite their edit."""

    def __init__(self, record, expected_version: int):
        self.record, self.expected_version = record, expected_version
        super().__init__(
            f"{record._meta.verbose_name} “{record}” was changed by someone else after version "
            f"{expected_version} was opened; nothing was saved."
        )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Documented(TimeStamped):
    """A documented record: a stable public id, a visibility level and an edit version."""

    uuid = models.UUIDField(
        _("stable id"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Never changes; used by partners.")
    )
    visibility = models.PositiveSmallIntegerField(
        _("visibility"),
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        db_index=True,
        help_text=_("Internal: staff only. Partners: API keys of partner organisations. Public: everyone."),
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Raised on every save; guards against lost concurrent edits.")
    )

    objects = VisibilityQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_visible_to(self, level: int) -> bool:
        return self.visibility >= int(level)

    def clean(self):
        super().clean()
        normalize_partial_dates(self)

    def save(self, *args, **kwargs):
        """Optimistic locking: an update raises ``version`` by one and applies only while
        the row still has the version this instance was read with (``UPDATE … WHERE
        version = n``); otherwise ``StaleRecordError`` and nothing is written."""
        self._expected_version = None
        if not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            self._expected_version = self.version
            self.version = self.version + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        try:
            super().save(*args, **kwargs)
        except BaseException:
            if self._expected_version is not None:
                self.version = self._expected_version
            raise
        finally:
            self._expected_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update, *args, **kwargs
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise StaleRecordError(self, expected)
        return updated


class Translatable:
    """Per-field translations: ``title`` is the text as written (in ``language``);
    ``title_en``, ``title_ru``, ``title_kk`` are optional translations."""

    translated_fields: tuple[str, ...] = ()

    def translated(self, field: str, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        value = getattr(self, f"{field}_{language}", "") if language in TRANSLATION_LANGUAGES else ""
        return value or getattr(self, field)


def translations(base: models.Field) -> tuple[models.Field, ...]:
    """Optional copies of ``base`` for each interface language, in LANGUAGE_CHOICES order::

    title_en, title_ru, title_kk = translations(models.CharField(_("title"), max_length=300))
    """
    # Lazy, so the admin shows "название (английский)" to a Russian-speaking editor:
    # both the base label and the language name follow the active language.
    names = {
        "en": pgettext_lazy("language of a field", "English"),
        "ru": pgettext_lazy("language of a field", "Russian"),
        "kk": pgettext_lazy("language of a field", "Kazakh"),
    }
    copies = []
    for code, _name in LANGUAGE_CHOICES:
        _field_name, _path, args, kwargs = base.deconstruct()
        kwargs.update(blank=True, default="", verbose_name=format_lazy("{} ({})", base.verbose_name, names[code]))
        copies.append(base.__class__(*args, **kwargs))
    return tuple(copies)


class Location(TimeStamped):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    name = models.CharField(_("name"), max_length=200, help_text=_("As used in English, e.g. Almaty."))
    name_local = models.CharField(_("local name"), max_length=200, blank=True, help_text=_("e.g. Алматы"))
    slug = models.SlugField(unique=True, max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["country", "region", "city", "district"]), name="location_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def region(self) -> "Location":
        """The region this place belongs to (itself for a region or country)."""
        node = self
        while node.kind in (self.Kind.CITY, self.Kind.DISTRICT) and node.parent_id:
            node = node.parent
        return node


class Tag(TimeStamped):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True, max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Source(Documented):
    """Where a fact comes from: a URL or an uploaded document, attachable to any fact."""

    class Kind(models.TextChoices):
        NEWS = "news", _("news article")
        REPORT = "report", _("NGO report or update")
        STATEMENT = "statement", _("statement or open letter")
        SOCIAL = "social", _("social media post")
        VIDEO = "video", _("video")
        COURT = "court", _("court document")
        OFFICIAL = "official", _("official information")
        INTERVIEW = "interview", _("interview or testimony")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True, help_text=_("e.g. IPHR, KIBHR, RFE/RL"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_on_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    archived_url = models.URLField(_("archived copy"), max_length=1000, blank=True)
    document = models.FileField(
        _("document"), upload_to="sources/%Y/%m/", blank=True, help_text=_("PDF, image or text; at most 20 MB.")
    )
    provenance_notes = models.TextField(
        _("source of information (confidential)"),
        blank=True,
        help_text=_("Who told us and how. Never shown outside the admin."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = [("publish_records", "Can publish, withdraw and delete documented records")]
        constraints = [
            models.CheckConstraint(condition=models.Q(visibility__in=[0, 10, 20]), name="source_visibility_valid"),
            models.CheckConstraint(
                condition=models.Q(published_on_precision__in=DatePrecision.values), name="source_precision_valid"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published_on, self.published_on_precision)

    def get_absolute_url(self):
        return reverse("admin:kazmonitor_source_change", args=[self.pk])


class OldSlug(models.Model):
    """A slug a record used to have, so that old links redirect to the new one."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["content_type", "slug"], name="oldslug_unique_per_type")]

    def __str__(self):
        return self.slug


class Tombstone(models.Model):
    """A record that disappeared for some readers: deleted, or withdrawn to a lower
    visibility. Partners' mirrors apply these to stay exact (``/api/v1/deleted/``).

    A reader at level L must drop the record when ``previous_visibility >= L`` and
    (``new_visibility`` is null, i.e. deleted, or ``new_visibility < L``)."""

    model = models.CharField(max_length=50, help_text="API name of the record type, e.g. case, person.")
    uuid = models.UUIDField(db_index=True)
    previous_visibility = models.PositiveSmallIntegerField(choices=Visibility.choices)
    new_visibility = models.PositiveSmallIntegerField(choices=Visibility.choices, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_visibility__isnull=True)
                | models.Q(new_visibility__lt=models.F("previous_visibility")),
                name="tombstone_is_a_withdrawal",
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.uuid} at {self.at:%Y-%m-%d %H:%M}"
