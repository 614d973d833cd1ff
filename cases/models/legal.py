"""Legal codes and articles, and places of custody."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.models import (
    LANGUAGE_CHOICES,
    Translatable,
    translations,
)


class LegalCode(models.Model):
    country = models.CharField(_("country code"), max_length=2, default="KZ", help_text=_("ISO 3166-1, e.g. KZ"))
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Criminal Code"))
    short_name = models.CharField(_("short name"), max_length=20, help_text=_("e.g. CC, CAO"))
    slug = models.SlugField(unique=True, max_length=50)

    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("legal code")
        verbose_name_plural = _("legal codes")
        constraints = [
            models.UniqueConstraint(fields=["country", "short_name"], name="legalcode_unique_short_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})"


class LegalArticle(Translatable, models.Model):
    code = models.ForeignKey(LegalCode, on_delete=models.PROTECT, related_name="articles", verbose_name=_("code"))
    number = models.CharField(_("article"), max_length=20, help_text=_("e.g. 274"))
    part = models.CharField(_("part"), max_length=20, blank=True, help_text=_("e.g. 4 for 274.4; empty for the whole"))
    slug = models.SlugField(unique=True, max_length=80)
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    title = models.CharField(_("title"), max_length=300, help_text=_('e.g. "knowingly spreading false information"'))
    title_en, title_ru, title_kk = translations(models.CharField(_("title"), max_length=300))
    text = models.TextField(_("what the article says"), blank=True)
    text_en, text_ru, text_kk = translations(models.TextField(_("what the article says"), blank=True))

    history = HistoricalRecords()

    translated_fields = ("title", "text")

    class Meta:
        ordering = ["code", "number", "part"]
        verbose_name = _("legal article")
        verbose_name_plural = _("legal articles")
        constraints = [
            models.UniqueConstraint(fields=["code", "number", "part"], name="legalarticle_unique_per_code"),
        ]

    def __str__(self):
        return f"{self.code.short_name} {self.label} — {self.title}"

    @property
    def label(self) -> str:
        """ "274.4" for article 274 part 4, "405" for the whole article."""
        return f"{self.number}.{self.part}" if self.part else self.number

    def get_absolute_url(self):
        return reverse("article_detail", kwargs={"slug": self.slug})


class Facility(models.Model):
    class Kind(models.TextChoices):
        TEMPORARY = "temporary", _("temporary holding facility")
        PRETRIAL = "pretrial", _("pre-trial detention centre")
        COLONY = "colony", _("penal colony")
        PSYCHIATRIC = "psychiatric", _("psychiatric hospital")
        POLICE = "police", _("police station")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRETRIAL)
    location = models.ForeignKey("kazmonitor.Location", on_delete=models.PROTECT, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [models.UniqueConstraint(fields=["name", "location"], name="facility_unique_name_location")]

    def __str__(self):
        return self.name
