"""Cases, their participants, charges, sentences and events."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.dates import format_partial_date
from kazmonitor.models import (
    LANGUAGE_CHOICES,
    Certainty,
    Documented,
    Translatable,
    VisibilityQuerySet,
    translations,
)
from kazmonitor.search import Contains, Joined, WordsMatch, among, has_word, is_short, search_text

from ._common import VISIBILITY_VALUES, precision_field
from .legal import LegalArticle

CASE_TEXT_FIELDS = ("title", "title_en", "title_ru", "title_kk", "summary", "summary_en", "summary_ru", "summary_kk")
# The three translations of a text searched as one text when all three are searched, with
# one trigram index each on PostgreSQL (cases 0011); the text as written keeps its own.
JOINED_FIELDS = (("title_en", "title_ru", "title_kk"), ("summary_en", "summary_ru", "summary_kk"))


class CaseQuerySet(VisibilityQuerySet):
    def active(self):
        return self.filter(status__in=[Case.Status.INVESTIGATION, Case.Status.TRIAL, Case.Status.APPEAL])

    def search(
        self, text: str, *, level: int, fields: tuple[str, ...] = CASE_TEXT_FIELDS, reveal_protected: bool = False
    ) -> "CaseQuerySet":
        """Cases whose ``fields`` contain ``text`` (any case), whose official number is
        ``text``, or that name a person visible at ``level`` matching it in any script
        (protected persons only by pseudonym, unless ``reveal_protected``: staff in the
        admin). On PostgreSQL also cases whose title and
        summary hold all the words of ``text`` in any order (full-text, ``simple``
        configuration, so any language)."""
        ids = Case.objects.search_ids(text, level=level, fields=fields, reveal_protected=reveal_protected)
        return self.filter(among("pk", ids)) if ids is not None else self.none()

    def search_ids(
        self, text: str, *, level: int, fields: tuple[str, ...] = CASE_TEXT_FIELDS, reveal_protected: bool = False
    ) -> "models.QuerySet | None":
        """The ids of the cases ``search`` finds (None for a blank ``text``), for
        ``among("pk", …)`` in a larger query.

        Each branch is answered from indexes (trigram and full-text GIN indexes on
        PostgreSQL), united into one set of ids: an ``OR`` across the branches (the
        participants' subquery in particular) would make the database read every case."""
        from django.db import connection

        from people.models import Person

        text = search_text(text)
        if not text:
            return None
        cases = Case.objects.order_by()
        # The case's own columns, each one branch (a bitmap scan of its trigram index),
        # except the three translations of a title or a summary: joined into one text,
        # one index, one scan (kazmonitor.search.Joined). The case number is compared
        # whole. One or two letters occur in every text: public searches look for them
        # as a number and a whole name only (staff in the admin still find them inside).
        branches = [cases.filter(case_number__iexact=text).values("pk")]
        if reveal_protected or not is_short(text):
            groups = _searched_columns(fields)
            if connection.vendor == "postgresql" and has_word(text):
                # The text columns by their words (cases 0015): one scan of short lists
                # instead of one trigram scan per group.
                worded = [columns for columns in groups if set(columns) <= set(CASE_TEXT_FIELDS)]
                groups = [columns for columns in groups if columns not in worded]
                if worded:
                    branches.append(_word_match(cases, text, worded))
            for columns in groups:
                found = cases.alias(joined=Joined(*columns)) if len(columns) > 1 else cases
                lookup = "joined" if len(columns) > 1 else columns[0]
                branches.append(found.filter(**{f"{lookup}__icontains": text}).values("pk"))
            if connection.vendor == "postgresql" and any(field.startswith("summary") for field in fields):
                branches.append(cases.filter(_full_text_match(text)).values("pk"))
        persons = Person.objects.visible_to(level).matching(text, reveal_protected=reveal_protected).values("pk")
        branches.append(
            Participant.objects.order_by().visible_to(level).filter(among("person", persons)).values("case_id")
        )
        return branches[0].union(*branches[1:])


def _searched_columns(fields: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``fields`` in groups searched as one text: a group of ``JOINED_FIELDS`` when
    ``fields`` holds all of it, each other field alone."""
    groups, rest = [], list(fields)
    for group in JOINED_FIELDS:
        if set(group) <= set(rest):
            groups.append(group)
            rest = [field for field in rest if field not in group]
    return groups + [(field,) for field in rest]


def _word_match(cases: models.QuerySet, text: str, groups: list[tuple[str, ...]]) -> models.QuerySet:
    """The ids of the cases with ``text`` inside one of ``groups`` (as ``icontains`` of each
    column or joined group), found by their words (``kazmonitor.search.WordsMatch``): the
    cases holding the two longest words of ``text``, then ``text`` itself checked in them."""
    inside = Q()
    for columns in groups:
        inside |= Q(Contains(Joined(*columns) if len(columns) > 1 else F(columns[0]), text))
    return cases.filter(WordsMatch(CASE_TEXT_FIELDS, text, lexicon="cases_searchword")).filter(inside).values("pk")


def _full_text_match(text: str) -> models.Func:
    """``to_tsvector('simple', COALESCE(title, '') || ' ' || COALESCE(summary, ''))
    @@ plainto_tsquery('simple', text)``: the expression of the ``case_fulltext_idx`` GIN
    index (migration 0005), so PostgreSQL answers it from the index."""
    document = models.Func(
        F("title"),
        F("summary"),
        template="to_tsvector('simple'::regconfig, COALESCE(%(expressions)s, ''))",
        arg_joiner=", '') || ' ' || COALESCE(",
    )
    return models.Func(
        document,
        models.Value(text),
        template="%(expressions)s)",
        arg_joiner=" @@ plainto_tsquery('simple'::regconfig, ",
        output_field=models.BooleanField(),
    )


class Case(Translatable, Documented):
    class Kind(models.TextChoices):
        CRIMINAL = "criminal", _("criminal")
        ADMINISTRATIVE = "administrative", _("administrative")
        CIVIL = "civil", _("civil")
        EXTRAJUDICIAL = "extrajudicial", _("extrajudicial (harassment, intimidation, surveillance)")

    class Status(models.TextChoices):
        INVESTIGATION = "investigation", _("investigation")
        TRIAL = "trial", _("trial")
        CONVICTED = "convicted", _("convicted")
        ACQUITTED = "acquitted", _("acquitted")
        CLOSED = "closed", _("closed")
        APPEAL = "appeal", _("appeal")

    title = models.CharField(_("title"), max_length=300)
    title_en, title_ru, title_kk = translations(models.CharField(_("title"), max_length=300))
    slug = models.SlugField(
        unique=True, max_length=200, help_text=_("Used in public URLs; old slugs keep redirecting.")
    )
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CRIMINAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVESTIGATION)
    affects_expression = models.BooleanField(_("freedom of expression"), default=False)
    affects_association = models.BooleanField(_("freedom of association"), default=False)
    affects_assembly = models.BooleanField(_("freedom of peaceful assembly"), default=False)
    tags = models.ManyToManyField("kazmonitor.Tag", blank=True, related_name="cases", verbose_name=_("tags"))
    location = models.ForeignKey(
        "kazmonitor.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("place"),
    )
    court = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="court_cases",
        limit_choices_to={"kind": "court"},
        verbose_name=_("court"),
    )
    case_number = models.CharField(_("official case number"), max_length=100, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    opened_on_precision = precision_field()
    summary = models.TextField(_("public summary"), blank=True)
    summary_en, summary_ru, summary_kk = translations(models.TextField(_("public summary"), blank=True))
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="cases", verbose_name=_("sources"))
    persons = models.ManyToManyField("people.Person", through="Participant", related_name="cases")

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    translated_fields = ("title", "summary")

    class Meta:
        ordering = ["-opened_on", "title"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="case_visibility_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=["criminal", "administrative", "civil", "extrajudicial"]), name="case_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["investigation", "trial", "convicted", "acquitted", "closed", "appeal"]),
                name="case_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "-opened_on"], name="case_visible_opened_idx"),
            # The public list's order (newest first, then title) and the API's (-opened_on, pk).
            models.Index(fields=["-opened_on", "title", "id"], name="case_opened_title_idx"),
            # Counting the public list filtered by kind and status: an index-only scan.
            models.Index(fields=["kind", "status", "visibility"], name="case_kind_status_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def freedoms(self) -> list[str]:
        names = []
        if self.affects_expression:
            names.append("expression")
        if self.affects_association:
            names.append("association")
        if self.affects_assembly:
            names.append("peaceful assembly")
        return names

    @property
    def opened_display(self) -> str:
        return format_partial_date(self.opened_on, self.opened_on_precision)

    def get_absolute_url(self):
        return reverse("case_detail", kwargs={"slug": self.slug})


class Participant(Documented):
    class Role(models.TextChoices):
        DEFENDANT = "defendant", _("defendant")
        VICTIM = "victim", _("victim")
        LAWYER = "lawyer", _("lawyer")
        WITNESS = "witness", _("witness")
        COMPLAINANT = "complainant", _("complainant")
        JUDGE = "judge", _("judge")
        INVESTIGATOR = "investigator", _("investigator")
        TARGET = "target", _("target of harassment")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DEFENDANT)
    note = models.CharField(_("public note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "person__name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_unique_role"),
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="participant_visibility_valid"),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}"


class Charge(Documented):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DROPPED = "dropped", _("dropped")
        RECLASSIFIED = "reclassified", _("reclassified")
        CONVICTED = "convicted", _("convicted")
        ACQUITTED = "acquitted", _("acquitted")
        AMNESTIED = "amnestied", _("amnestied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    defendant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="charges")
    article = models.ForeignKey(LegalArticle, on_delete=models.PROTECT, related_name="charges")
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_on_precision = precision_field()
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED)
    description = models.CharField(
        _("public description"),
        max_length=500,
        blank=True,
        help_text=_("As the charge was worded, e.g. organising mass riots."),
    )
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="charges")

    history = HistoricalRecords()

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="charge_visibility_valid"),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="charge_certainty_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "dropped", "reclassified", "convicted", "acquitted", "amnestied"]),
                name="charge_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "visibility"], name="charge_article_visible_idx"),
            # The admin changelist's and the API list's default order (filed_on, pk).
            models.Index(fields=["filed_on", "id"], name="charge_filed_idx"),
        ]

    def __str__(self):
        return f"{self.defendant} — art. {self.article.label}"

    @property
    def filed_display(self) -> str:
        return format_partial_date(self.filed_on, self.filed_on_precision)


class Sentence(Documented):
    class Kind(models.TextChoices):
        IMPRISONMENT = "imprisonment", _("imprisonment")
        RESTRICTED_FREEDOM = "restricted_freedom", _("restricted freedom")
        SUSPENDED = "suspended", _("suspended sentence")
        FINE = "fine", _("fine")
        ADMINISTRATIVE_ARREST = "admin_arrest", _("administrative arrest")
        ACTIVITY_BAN = "activity_ban", _("ban on activity")
        WARNING = "warning", _("warning")
        COMPULSORY_TREATMENT = "compulsory_treatment", _("compulsory psychiatric treatment")

    class TermUnit(models.TextChoices):
        DAYS = "days", _("days")
        MONTHS = "months", _("months")
        YEARS = "years", _("years")

    class FineUnit(models.TextChoices):
        MCI = "mci", _("monthly calculation indices (MCI)")
        KZT = "kzt", _("tenge")
        USD = "usd", _("US dollars")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sentences")
    defendant = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="sentences")
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices)
    term = models.PositiveIntegerField(_("term"), null=True, blank=True)
    term_unit = models.CharField(_("term unit"), max_length=10, choices=TermUnit.choices, blank=True)
    fine_amount = models.DecimalField(_("fine"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine_unit = models.CharField(_("fine unit"), max_length=5, choices=FineUnit.choices, blank=True)
    sentenced_on = models.DateField(_("verdict date"), null=True, blank=True)
    sentenced_on_precision = precision_field()
    court = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sentences_handed",
        limit_choices_to={"kind": "court"},
    )
    replaces = models.ForeignKey(
        "self",
        # RESTRICT, not PROTECT: the earlier sentence cannot be deleted alone, but a
        # case deleted with all its sentences takes the whole chain with it.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces sentence"),
        help_text=_("The earlier sentence this one replaces (e.g. restricted freedom replaced by prison)."),
    )
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED)
    description = models.CharField(_("public description"), max_length=500, blank=True)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="sentences")

    history = HistoricalRecords()

    class Meta:
        ordering = ["sentenced_on", "pk"]
        indexes = [models.Index(fields=["sentenced_on", "id"], name="sentence_sentenced_idx")]  # default order
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="sentence_visibility_valid"),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="sentence_certainty_valid"),
            models.CheckConstraint(condition=Q(term__isnull=True) | Q(term__gt=0), name="sentence_term_positive"),
            models.CheckConstraint(
                condition=(Q(term__isnull=True) & Q(term_unit="")) | (Q(term__isnull=False) & ~Q(term_unit="")),
                name="sentence_term_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gt=0), name="sentence_fine_positive"
            ),
            models.CheckConstraint(
                condition=(Q(fine_amount__isnull=True) & Q(fine_unit=""))
                | (Q(fine_amount__isnull=False) & ~Q(fine_unit="")),
                name="sentence_fine_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(replaces=F("pk")), name="sentence_not_replacing_itself"
            ),
        ]

    def __str__(self):
        return f"{self.defendant} — {self.get_kind_display()} {self.term_display}".strip()

    def clean(self):
        super().clean()
        errors = {}
        if self.term is not None and not self.term_unit:
            errors["term_unit"] = _("Give the unit of the term (days, months or years).")
        if self.term_unit and self.term is None:
            errors["term"] = _("Give the term, or leave its unit empty.")
        if self.fine_amount is not None and not self.fine_unit:
            errors["fine_unit"] = _("Give the unit of the fine (MCI or a currency).")
        if self.fine_unit and self.fine_amount is None:
            errors["fine_amount"] = _("Give the amount of the fine, or leave its unit empty.")
        if self.pk and self.replaces_id == self.pk:
            errors["replaces"] = _("A sentence cannot replace itself.")
        if errors:
            raise ValidationError(errors)

    @property
    def term_display(self) -> str:
        parts = []
        if self.term:
            parts.append(f"{self.term} {self.get_term_unit_display()}")
        if self.fine_amount:
            amount = self.fine_amount.normalize()
            parts.append(f"{amount:f} {self.get_fine_unit_display()}")
        return ", ".join(parts)

    @property
    def sentenced_display(self) -> str:
        return format_partial_date(self.sentenced_on, self.sentenced_on_precision)


class Event(Documented):
    class Kind(models.TextChoices):
        HEARING = "hearing", _("hearing")
        TRIAL_START = "trial_start", _("trial began")
        VERDICT = "verdict", _("verdict")
        APPEAL = "appeal", _("appeal")
        AMNESTY_REFUSED = "amnesty_refused", _("amnesty refused")
        SEARCH = "search", _("search")
        INTERROGATION = "interrogation", _("interrogation")
        COMPLAINT = "complaint", _("complaint filed")
        STATEMENT = "statement", _("statement")
        HARASSMENT = "harassment", _("harassment or intimidation")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Whom it concerned, if one person."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    occurred_on = models.DateField(_("date"))
    occurred_on_precision = precision_field()
    description = models.TextField(_("public description"))
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.REPORTED)
    internal_notes = models.TextField(
        _("internal notes (confidential)"),
        blank=True,
        help_text=_("Complaint details and other confidential information."),
    )
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="events")

    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["occurred_on", "id"], name="event_occurred_idx")]  # default order
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="event_visibility_valid"),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="event_certainty_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.occurred_display})"

    @property
    def occurred_display(self) -> str:
        return format_partial_date(self.occurred_on, self.occurred_on_precision)
