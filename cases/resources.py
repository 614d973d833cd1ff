"""Spreadsheet columns for cases, charges, detentions and assemblies (import and
export in the admin). Rows are matched by stable id, else slug, else a natural key,
so importing the same sheet twice changes nothing."""

import re

from import_export import fields

from kazmonitor.dates import DatePrecision, normalize_partial_date
from kazmonitor.models import Location, Source, Tag
from kazmonitor.spreadsheets import (
    KeepIfBlankField,
    KeyWidget,
    PartialDateField,
    RecordResource,
    TextWidget,
    bool_field,
    choice_field,
    format_partial_date,
    int_field,
    key_field,
    list_field,
    parse_partial_date,
    sources_field,
    text_field,
)
from people.models import Organization, Person
from people.resources import persons_named

from .models import Assembly, Case, Charge, Detention, Extension, LegalArticle, Participant

ORGANIZATION_LOOKUPS = ("uuid", "slug", "name", "abbreviation")


class PersonKeyWidget(KeyWidget):
    """A person by stable id, slug, or a name in any script ("Мамай" = "Mamai")."""

    def __init__(self):
        super().__init__(Person, lookups=("uuid", "slug"))

    def find(self, text):
        try:
            return super().find(text)
        except ValueError:
            found = list(persons_named(text)[:2])
            if len(found) == 1:
                return found[0]
            if found:
                raise ValueError(f"“{text}” matches several persons; give the slug or stable id.") from None
            raise ValueError(f"No person “{text}” (import the persons sheet first, or give the slug).") from None


class ArticleWidget(KeyWidget):
    """A legal article as ``CC 274.4`` (code short name, article, part) or ``274.4``
    when only one code has it; exported as ``CC 274.4``."""

    def __init__(self):
        super().__init__(LegalArticle, lookups=("slug",))

    def find(self, text):
        code, _space, label = text.rpartition(" ")
        number, _dot, part = label.partition(".")
        articles = LegalArticle.objects.filter(number=number, part=part)
        if code:
            articles = articles.filter(code__short_name__iexact=code.strip())
        found = list(articles.select_related("code")[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(f"Article “{text}” exists in several codes; write it as e.g. “CC {label}”.")
        try:
            return super().find(text)
        except ValueError:
            raise ValueError(
                f"Unknown article “{text}” (write e.g. “CC 274.4”; add new articles in the admin)."
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value.code.short_name} {value.label}"


class ExtensionsField(fields.Field):
    """Court extensions of a detention as ``06.05.2022 until 12.06.2022; …`` (the
    decision date may be partial). The sheet's list is added to the detention's;
    extensions no longer listed are removed, listed ones are kept as they are."""

    prefetch = True  # read with the rows on export

    def __init__(self):
        super().__init__(attribute="extensions", column_name="extensions", widget=TextWidget())

    @staticmethod
    def parse(value, started_on=None) -> list[tuple]:
        found = set()
        for part in TextWidget().clean(value).split(";"):
            if not part.strip():
                continue
            pieces = re.split(r"\s+(?:until|to|->|→)\s+", part.strip(), maxsplit=1)
            decided, until = (pieces + [""])[:2]
            try:
                decided_on, extended_until = parse_partial_date(decided), parse_partial_date(until)
            except ValueError:
                decided_on = extended_until = None
            if decided_on is None or extended_until is None or extended_until[1] != DatePrecision.DAY:
                raise ValueError(f"“{part.strip()}”: write an extension as “06.05.2022 until 12.06.2022”.")
            (day, precision), until_day = decided_on, extended_until[0]
            day = normalize_partial_date(day, precision)
            if until_day < day:
                raise ValueError(f"“{part.strip()}”: extended until a date before the decision.")
            if started_on and day < started_on:
                raise ValueError(f"“{part.strip()}”: decided before the detention began.")
            found.add((day, precision, until_day))
        return sorted(found)

    def get_value(self, instance):
        if instance.pk is None:
            return []
        return sorted((e.decided_on, e.decided_on_precision, e.extended_until) for e in instance.extensions.all())

    def export(self, instance, **kwargs):
        return "; ".join(
            f"{format_partial_date(day, precision)} until {until.isoformat()}"
            for day, precision, until in self.get_value(instance)
        )

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._sheet_extensions = self.parse(row[self.column_name], instance.started_on)


class CaseResource(RecordResource):
    required_columns = ("title",)
    slug = KeepIfBlankField(attribute="slug", column_name="slug", widget=TextWidget())
    title = text_field("title")
    kind = choice_field("kind", Case)
    status = choice_field("status", Case)
    opened_on = PartialDateField("opened_on")
    affects_expression = bool_field("affects_expression")
    affects_association = bool_field("affects_association")
    affects_assembly = bool_field("affects_assembly")
    tags = list_field("tags", Tag)
    location = key_field("location", Location, lookups=("slug", "name", "name_local"))
    court = key_field("court", Organization, lookups=ORGANIZATION_LOOKUPS)
    case_number = text_field("case_number")
    summary = text_field("summary")
    internal_notes = text_field("internal_notes")
    sources = sources_field(Source)

    class Meta(RecordResource.Meta):
        model = Case
        name = "Cases"
        fields = [
            "uuid",
            "slug",
            "title",
            "kind",
            "status",
            "opened_on",
            "affects_expression",
            "affects_association",
            "affects_assembly",
            "tags",
            "location",
            "court",
            "case_number",
            "summary",
            "internal_notes",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        return self.find_by_slug_or_name(row, "title")


class ChargeResource(RecordResource):
    required_columns = ("case", "defendant", "article")
    case = fields.Field(attribute="case", column_name="case", widget=KeyWidget(Case, lookups=("uuid", "slug", "title")))
    defendant = fields.Field(attribute="defendant", column_name="defendant", widget=PersonKeyWidget())
    article = fields.Field(attribute="article", column_name="article", widget=ArticleWidget())
    filed_on = PartialDateField("filed_on")
    status = choice_field("status", Charge)
    certainty = choice_field("certainty", Charge)
    description = text_field("description")
    internal_notes = text_field("internal_notes")
    sources = sources_field(Source)

    export_related = ("article__code",)

    class Meta(RecordResource.Meta):
        model = Charge
        name = "Charges"
        fields = [
            "uuid",
            "case",
            "defendant",
            "article",
            "filed_on",
            "status",
            "certainty",
            "description",
            "internal_notes",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        keys = {}
        for name in ("case", "defendant", "article"):
            try:
                keys[name] = self.fields[name].clean(row)
            except ValueError:
                return None  # reported as that column's error
        if not all(keys.values()):
            return None
        return Charge.objects.filter(**keys).order_by("pk").first()

    def after_save_instance(self, instance, row, **kwargs):
        # A defendant charged in a case is a participant of it.
        Participant.objects.get_or_create(
            case=instance.case, person=instance.defendant, role=Participant.Role.DEFENDANT
        )


class DetentionResource(RecordResource):
    required_columns = ("person", "started_on")
    person = fields.Field(attribute="person", column_name="person", widget=PersonKeyWidget())
    case = fields.Field(attribute="case", column_name="case", widget=KeyWidget(Case, lookups=("uuid", "slug", "title")))
    assembly = fields.Field(
        attribute="assembly",
        column_name="assembly",
        widget=KeyWidget(Assembly, lookups=("uuid", "slug", "title")),
    )
    kind = choice_field("kind", Detention)
    started_on = PartialDateField("started_on")
    ended_on = PartialDateField("ended_on")
    extensions = ExtensionsField()
    facility = fields.Field(
        attribute="facility",
        column_name="facility",
        widget=KeyWidget(Detention._meta.get_field("facility").related_model, lookups=("name",), render_field="name"),
    )
    authority = key_field("authority", Organization, lookups=ORGANIZATION_LOOKUPS)
    release_reason = text_field("release_reason")
    ill_treatment_alleged = bool_field("ill_treatment_alleged")
    certainty = choice_field("certainty", Detention)
    description = text_field("description")
    internal_notes = text_field("internal_notes")
    sources = sources_field(Source)

    class Meta(RecordResource.Meta):
        model = Detention
        name = "Detentions"
        fields = [
            "uuid",
            "person",
            "case",
            "assembly",
            "kind",
            "started_on",
            "ended_on",
            "extensions",
            "facility",
            "authority",
            "release_reason",
            "ill_treatment_alleged",
            "certainty",
            "description",
            "internal_notes",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        try:
            person = self.fields["person"].clean(row)
            case = self.fields["case"].clean(row) if "case" in row else None
        except ValueError:
            return None
        if person is None or not row.get("started_on"):
            return None
        probe = Detention(person=person)
        try:
            self.fields["started_on"].save(probe, row)
        except ValueError:
            return None
        try:
            kind = self.fields["kind"].clean(row) if "kind" in row else Detention.Kind.PRETRIAL
        except ValueError:
            return None
        found = Detention.objects.filter(person=person, kind=kind, started_on=probe.started_on)
        found = found.filter(case=case) if case else found.filter(case__isnull=True)
        return found.order_by("pk").first()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        sheet = getattr(instance, "_sheet_extensions", None)
        if sheet is not None and sheet != self.fields["extensions"].get_value(original):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        sheet = getattr(instance, "_sheet_extensions", None)
        if sheet is not None:
            kept = set()
            for extension in instance.extensions.all():
                key = (extension.decided_on, extension.decided_on_precision, extension.extended_until)
                if key in sheet:
                    kept.add(key)
                else:
                    extension.delete()
            for day, precision, until in sheet:
                if (day, precision, until) not in kept:
                    Extension.objects.create(
                        detention=instance, decided_on=day, decided_on_precision=precision, extended_until=until
                    )
        if instance.case_id:
            Participant.objects.get_or_create(
                case_id=instance.case_id, person=instance.person, role=Participant.Role.DEFENDANT
            )


class AssemblyResource(RecordResource):
    required_columns = ("title", "held_on")
    slug = KeepIfBlankField(attribute="slug", column_name="slug", widget=TextWidget())
    title = text_field("title")
    held_on = PartialDateField("held_on")
    location = key_field("location", Location, lookups=("slug", "name", "name_local"))
    place = text_field("place")
    topic = text_field("topic")
    organizers = list_field("organizers", Organization, lookups=("slug", "name", "abbreviation"))
    permission = choice_field("permission", Assembly)
    outcome = choice_field("outcome", Assembly)
    participants_estimate = int_field("participants_estimate")
    detained_count = int_field("detained_count")
    summary = text_field("summary")
    internal_notes = text_field("internal_notes")
    tags = list_field("tags", Tag)
    sources = sources_field(Source)

    class Meta(RecordResource.Meta):
        model = Assembly
        name = "Assemblies"
        fields = [
            "uuid",
            "slug",
            "title",
            "held_on",
            "location",
            "place",
            "topic",
            "organizers",
            "permission",
            "outcome",
            "participants_estimate",
            "detained_count",
            "summary",
            "internal_notes",
            "tags",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        probe = Assembly()
        try:
            self.fields["held_on"].save(probe, row)
        except ValueError:
            return None  # reported as the held_on column's error
        return self.find_by_slug_or_name(row, "title", held_on=probe.held_on)
