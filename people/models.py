"""Persons, their aliases and roles, organizations, memberships and political-prisoner
recognitions."""

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kazmonitor.api.tombstones import api_id
from kazmonitor.dates import DatePrecision, format_partial_date, require_order
from kazmonitor.models import LANGUAGE_CHOICES, Certainty, Documented, Translatable, VisibilityQuerySet, translations
from kazmonitor.search import Contains, WordsMatch, among, has_word, is_short, name_key

VISIBILITY_VALUES = [0, 10, 20]
PRECISIONS = DatePrecision.values


class Role(models.Model):
    """What a person is in the monitor's vocabulary: activist, journalist, lawyer …"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True, max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.name


def _by_words(field: str, key: str) -> Q:
    """``field__contains=key`` answered by the word index of ``field`` (people 0008;
    ``kazmonitor.search.WordsMatch``): the names holding the two longest words of ``key``,
    then ``key`` itself checked in them (upper-casing changes nothing in a name key)."""
    return Q(WordsMatch((field,), key, lexicon="people_nameword"), Contains(F(field), key))


def _name_matches(text: str, reveal_protected: bool) -> tuple[Q, Q, Q, dict] | None:
    """What ``PersonQuerySet.matching`` looks for in the name, the aliases' names and the
    pseudonym (Q objects of each table), and the condition on the person for the first
    two; None when ``text`` has no name key."""
    key = name_key(text)
    if not key:
        return None
    named = {} if reveal_protected else {"identity_protected": False}
    # A key of one or two letters occurs in most names: public searches match it
    # to whole names only (kazmonitor.search.is_short), by the B-tree and trigram
    # indexes; staff (the admin's search and autocomplete) still find it inside.
    if is_short(key) and not reveal_protected:
        return whole_name(key), Q(name_key=key), Q(pseudonym_key=key), named
    if connection.vendor == "postgresql" and has_word(key):
        # By the words of the keys (people 0008): a few short posting lists instead of
        # one trigram list per trigram of the key.
        real = _by_words("name_key", key)
        return real, real, _by_words("pseudonym_key", key), named
    return Q(name_key__contains=key), Q(name_key__contains=key), Q(pseudonym_key__contains=key), named


class PersonQuerySet(VisibilityQuerySet):
    def search(self, text: str, *, reveal_protected: bool = False) -> "PersonQuerySet":
        """Persons whose name, transliteration or any alias matches ``text`` in any script,
        best match first (``_search_rank``), then by name.

        Protected identities match only by their pseudonym, unless ``reveal_protected``
        (staff in the admin)."""
        key = name_key(text)
        if not key:
            return self.none()
        named = {} if reveal_protected else {"identity_protected": False}
        # Ties in the public's order by the name it sees: the real name's place in the
        # alphabet would tell something about a pseudonym.
        names = ("name_latin", "name") if reveal_protected else (public_name_order(),)
        return (
            self.matching(text, reveal_protected=reveal_protected)
            .alias(search_rank=self._search_rank(key, named))
            .order_by("search_rank", *names, "pk")
        )

    def matching(self, text: str, *, reveal_protected: bool = False) -> "PersonQuerySet":
        """The persons ``search`` finds, unranked: for use inside another query (the
        cases that name them), where an order would only cost."""
        ids = self.matching_ids(text, reveal_protected=reveal_protected)
        return self.none() if ids is None else self.filter(among("pk", ids, shared=True))

    def matching_ids(self, text: str, *, reveal_protected: bool = False) -> "models.QuerySet | None":
        """The ids of the persons ``matching`` finds (None when ``text`` has no name key),
        for ``among()`` or ``kazmonitor.search.among_search``."""
        found = _name_matches(text, reveal_protected)
        if found is None:
            return None
        real, alias, pseudonym, named = found
        persons = self.model.objects.order_by()
        # One indexed lookup per name column (trigram GIN indexes on PostgreSQL), united:
        # an OR across the alias join would make the database scan both tables.
        return (
            persons.filter(real, **named)
            .values("pk")
            .union(
                PersonAlias.objects.order_by()
                .filter(alias, **{f"person__{k}": v for k, v in named.items()})
                .values("person_id"),
                persons.filter(pseudonym, identity_protected=True).values("pk"),
            )
        )

    def matching_branches(self, text: str) -> "list[PersonQuerySet] | None":
        """The persons of this queryset that the public's ``matching`` finds, as one
        queryset per name column (the name, the aliases' names, the pseudonym) whose union
        they are; None when ``text`` has no name key. For a query that reads the rows of
        each branch itself: the API's search page sorts them by the public name and then
        reads whole rows for its page only (``people.api.search_page``)."""
        found = _name_matches(text, reveal_protected=False)
        if found is None:
            return None
        real, alias, pseudonym, named = found
        aliases = PersonAlias.objects.order_by().filter(alias).values("person_id")
        persons = self.order_by()
        return [
            persons.filter(real, **named),
            persons.filter(pk__in=aliases, **named),
            persons.filter(pseudonym, identity_protected=True),
        ]

    def _search_rank(self, key: str, named: dict) -> models.Case:
        """0: a name equals ``key``; 1: a name starts with it; 2: a word in a name starts
        with it; 3: it occurs inside a name. Real names and aliases of a protected person
        rank only when ``reveal_protected`` (``named`` is empty), so the order of results
        never tells anything the pseudonym does not."""
        aliases = PersonAlias.objects.filter(person=models.OuterRef("pk"))
        real_exact = whole_name(key)
        real_starts = Q(name_key__startswith=key) | Q(name_key__contains=f"| {key}")
        real_word = Q(name_key__contains=f" {key}")
        alias_exact = models.Exists(aliases.filter(name_key=key))
        alias_starts = models.Exists(aliases.filter(name_key__startswith=key))
        alias_word = models.Exists(aliases.filter(name_key__contains=f" {key}"))
        pseudonym = Q(identity_protected=True)
        real = Q(**named)
        return models.Case(
            models.When((real & (real_exact | alias_exact)) | (pseudonym & Q(pseudonym_key=key)), then=0),
            models.When((real & (real_starts | alias_starts)) | (pseudonym & Q(pseudonym_key__startswith=key)), then=1),
            models.When((real & (real_word | alias_word)) | (pseudonym & Q(pseudonym_key__contains=f" {key}")), then=2),
            default=3,
            output_field=models.IntegerField(),
        )


def public_name_order(path: str = "") -> models.Case:
    """What lists sort persons by: the name the public sees (the pseudonym of a protected
    person, else the Latin name, else the name as written). ``path`` leads from the
    listed model to the person (``"person__"``). Sorting by the real name would give
    away where it falls in the alphabet, and a cursor would carry it."""
    return models.Case(
        models.When(**{f"{path}identity_protected": True}, then=F(f"{path}pseudonym")),
        default=Coalesce(NullIf(F(f"{path}name_latin"), models.Value("")), F(f"{path}name")),
    )


def public_created_order(path: str = "") -> models.Case:
    """The creation time the public sees: for a protected person the moment protection
    began (the pseudonymous record's own), else ``created_at``. The real one, which
    protection does not change, would let a mirror that saw the person before protection
    match the pseudonym to the real name by the time, or by place in a list sorted by it.
    Never NULL (``person_protected_has_protected_at``)."""
    return models.Case(
        models.When(**{f"{path}identity_protected": True}, then=F(f"{path}protected_at")),
        default=F(f"{path}created_at"),
    )


def whole_name(key: str) -> Q:
    """``name_key`` (names joined by " | ": a person's "<name as written> | <Latin name>")
    has ``key`` as its first or last name."""
    return Q(name_key=key) | Q(name_key__startswith=f"{key} |") | Q(name_key__endswith=f"| {key}")


class Person(Translatable, Documented):
    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")
        UNKNOWN = "", _("unknown")

    name = models.CharField(_("name as written"), max_length=300, help_text=_("In any script, e.g. Жанболат Мамай."))
    name_latin = models.CharField(
        _("name in Latin script"), max_length=300, blank=True, help_text=_("e.g. Zhanbolat Mamai")
    )
    slug = models.SlugField(unique=True, max_length=200, help_text=_("Used in public URLs."))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    roles = models.ManyToManyField(Role, blank=True, verbose_name=_("roles"))
    location = models.ForeignKey(
        "kazmonitor.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("home region or city"),
    )
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    biography = models.TextField(_("public biography"), blank=True)
    biography_en, biography_ru, biography_kk = translations(models.TextField(_("public biography"), blank=True))
    identity_protected = models.BooleanField(
        _("identity protected"),
        default=False,
        help_text=_("Show only the pseudonym outside the admin: real name, aliases and photo stay internal."),
    )
    pseudonym = models.CharField(
        _("pseudonym"), max_length=200, blank=True, help_text=_('e.g. "Activist from Shymkent"')
    )
    protected_at = models.DateTimeField(
        _("protected since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the identity becomes protected: the creation time shown with the pseudonym."),
    )
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    contacts = models.TextField(_("contacts (confidential)"), blank=True, help_text=_("Phone, messenger, relatives."))
    name_key = models.CharField(max_length=700, blank=True, editable=False, db_index=True)
    pseudonym_key = models.CharField(max_length=300, blank=True, editable=False)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="persons", verbose_name=_("sources"))

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_key", "pseudonym_key"])

    translated_fields = ("biography",)

    class Meta:
        ordering = ["name_latin", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["name_latin", "name", "id"], name="person_name_order_idx")]  # admin order
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="person_visibility_valid"),
            models.CheckConstraint(
                condition=Q(identity_protected=False) | ~Q(pseudonym=""), name="person_protected_has_pseudonym"
            ),
            models.CheckConstraint(
                condition=Q(identity_protected=False) | Q(protected_at__isnull=False),
                name="person_protected_has_protected_at",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_plausible",
            ),
        ]

    def __str__(self):
        if self.name_latin and self.name_latin != self.name:
            return f"{self.name} ({self.name_latin})"
        return self.name

    def clean(self):
        super().clean()
        if self.identity_protected and not self.pseudonym.strip():
            raise ValidationError({"pseudonym": _("A protected identity needs a pseudonym to be shown instead.")})
        self.stamp_protection()  # before full_clean() checks person_protected_has_protected_at

    def stamp_protection(self) -> None:
        """Protection starts a pseudonymous record with a creation time of its own
        (``public_created_at``); lifting it shows the real record again."""
        if not self.identity_protected:
            self.protected_at = None
        elif self.protected_at is None:
            self.protected_at = timezone.now()

    def save(self, *args, **kwargs):
        # Transliteration can lengthen a name several times (Щ → shch): each part is cut
        # to fit its column rather than failing the save.
        self.name_key = f"{name_key(self.name)[:348]} | {name_key(self.name_latin)[:348]}"
        self.pseudonym_key = name_key(self.pseudonym)[:300]
        self.stamp_protection()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_key", "pseudonym_key", "protected_at"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """The only name that may appear outside the admin."""
        if self.identity_protected:
            return self.pseudonym
        return self.name_latin or self.name

    @property
    def public_name_local(self) -> str:
        return self.pseudonym if self.identity_protected else self.name

    @property
    def public_created_at(self):
        """The only creation time that may appear outside the admin (``public_created_order``)."""
        return self.protected_at if self.identity_protected else self.created_at

    def get_absolute_url(self):
        # A protected person's slug may embed the real name, and the real uuid was the API
        # id before protection: their page lives at the masked API id.
        if self.identity_protected:
            return reverse("person_protected_detail", kwargs={"uuid": api_id(self)})
        return reverse("person_detail", kwargs={"slug": self.slug})


class PersonAlias(models.Model):
    class Kind(models.TextChoices):
        TRANSLITERATION = "transliteration", _("transliteration")
        MAIDEN = "maiden", _("maiden name")
        NICKNAME = "nickname", _("nickname")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRANSLITERATION)
    name_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="alias_unique_per_person")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)[:300]
        super().save(*args, **kwargs)


class PublicNameWord(models.Model):
    """A word the public may find a person by, with the name the public sees: one row per
    distinct word of the person's name and aliases, or of the pseudonym alone for a
    protected person (never a word of a protected person's real name or aliases).

    PostgreSQL only: statement triggers on persons and aliases rewrite a person's rows
    whenever a name, alias, pseudonym, protection or visibility changes (people 0009);
    on other databases the table stays empty and nothing reads it. Words are written as
    ``kz_search_words`` writes them (upper case; a word of more than 200 letters as the
    empty word), like the name lexicon's; words of one or two letters are left out. With
    a B-tree on (word, public name, person) that includes the visibility, the API's name
    search reads the first page of a one-word text in public-name order, whatever the
    number of persons the word finds (``people.api._page_ids_by_word``,
    docs/performance.md)."""

    word = models.CharField(max_length=200)
    public_name = models.CharField(max_length=300)  # public_name_order(): what the API sorts by
    # Deleted with the person by the database (ON DELETE CASCADE, people 0009): Django's
    # delete never reads these rows, so the admin's confirmation page never lists them.
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, related_name="+")
    visibility = models.PositiveSmallIntegerField()

    def __str__(self):
        return self.word


class Organization(Translatable, Documented):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        PARTY = "party", _("political party")
        MOVEMENT = "movement", _("movement")
        MEDIA = "media", _("media outlet")
        UNION = "union", _("trade union")
        RELIGIOUS = "religious", _("religious community")
        STATE_BODY = "state_body", _("state body")
        COURT = "court", _("court")
        INTERNATIONAL = "international", _("international body")
        OTHER = "other", _("other")

    class LegalStatus(models.TextChoices):
        REGISTERED = "registered", _("registered")
        UNREGISTERED = "unregistered", _("unregistered")
        BANNED = "banned", _('banned as "extremist"')
        LIQUIDATED = "liquidated", _("liquidated")
        NOT_APPLICABLE = "n/a", _("not applicable")

    name = models.CharField(_("name"), max_length=300)
    name_local = models.CharField(_("name in Russian or Kazakh"), max_length=300, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=50, blank=True, help_text=_("e.g. DVK, KNB"))
    slug = models.SlugField(unique=True, max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.NOT_APPLICABLE
    )
    banned_on = models.DateField(_("banned on"), null=True, blank=True)
    banned_on_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    banned_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "court"},
        verbose_name=_("banned by court"),
    )
    location = models.ForeignKey(
        "kazmonitor.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="organizations"
    )
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(_("written in"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    description = models.TextField(_("public description"), blank=True)
    description_en, description_ru, description_kk = translations(models.TextField(_("public description"), blank=True))
    internal_notes = models.TextField(_("internal notes (confidential)"), blank=True)
    name_key = models.CharField(max_length=700, blank=True, editable=False, db_index=True)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="organizations")

    objects = VisibilityQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_key"])

    translated_fields = ("description",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="organization_visibility_valid"),
            models.CheckConstraint(
                condition=Q(banned_on__isnull=True) | Q(legal_status="banned"),
                name="organization_banned_date_needs_ban",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def save(self, *args, **kwargs):
        self.name_key = " | ".join(name_key(v)[:230] for v in (self.name, self.name_local, self.abbreviation) if v)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def banned_display(self) -> str:
        return format_partial_date(self.banned_on, self.banned_on_precision)

    def get_absolute_url(self):
        return reverse("organization_detail", kwargs={"slug": self.slug})


class Membership(Documented):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("e.g. leader, member, lawyer"))
    since = models.DateField(_("since"), null=True, blank=True)
    since_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    until = models.DateField(_("until"), null=True, blank=True)
    until_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="memberships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="membership_visibility_valid"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="membership_until_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.organization}" + (f" ({self.role})" if self.role else "")

    def clean(self):
        super().clean()
        require_order(self, "since", "until", _("A membership cannot end before it began."))


class RecognitionQuerySet(VisibilityQuerySet):
    def current(self, on=None) -> "RecognitionQuerySet":
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on))


class Recognition(Documented):
    """A person recognised as a political prisoner by an organization."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recognitions")
    recognised_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("recognised by")
    )
    since = models.DateField(_("since"))
    since_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while the recognition stands."))
    until_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices, default=Certainty.CONFIRMED)
    note = models.TextField(_("public note"), blank=True)
    sources = models.ManyToManyField("kazmonitor.Source", blank=True, related_name="recognitions")

    objects = RecognitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since"]
        verbose_name = _("political-prisoner recognition")
        verbose_name_plural = _("political-prisoner recognitions")
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=VISIBILITY_VALUES), name="recognition_visibility_valid"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="recognition_until_after_since"
            ),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="recognition_certainty_valid"),
        ]

    def __str__(self):
        return f"{self.person} — {self.recognised_by} ({self.since_display})"

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)

    def clean(self):
        super().clean()
        require_order(self, "since", "until", _("A recognition cannot end before it began."))


class ApiKey(models.Model):
    """A partner organization's key to the read-only API. Only a hash is stored."""

    class Level(models.IntegerChoices):
        PARTNERS = 10, _("partners")
        PUBLIC = 20, _("public")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("name"), max_length=200, help_text=_("What the key is for, e.g. 'UN SR mirror'."))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.PUBLIC)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    hashed_key = models.CharField(max_length=128, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True, help_text=_("Empty: the default for the key's level.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[10, 20]), name="apikey_level_valid"),
            models.CheckConstraint(
                condition=Q(rate_limit__isnull=True) | Q(rate_limit__gt=0), name="apikey_rate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
