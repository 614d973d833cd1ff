"""Spreadsheet columns for persons and organizations (import and export in the admin).

A person row is matched by its stable id (``uuid``), else its ``slug``, else its
name and birth year, compared across scripts: "Мамай" in the sheet finds "Mamai" in
the database. A name that fits several persons is a row error that asks for the slug.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from import_export import fields

from kazmonitor.models import Location, Source
from kazmonitor.search import name_key
from kazmonitor.spreadsheets import (
    KeepIfBlankField,
    RecordResource,
    TextWidget,
    bool_field,
    choice_field,
    int_field,
    key_field,
    list_field,
    sources_field,
    text_field,
)

from .models import Organization, Person, PersonAlias, Role


class AliasesField(fields.Field):
    """Aliases as a ``;``-separated list; the sheet's list replaces the person's."""

    prefetch = True  # read with the rows on export

    def __init__(self):
        super().__init__(attribute="aliases", column_name="aliases", widget=TextWidget())

    @staticmethod
    def parse(value) -> list[str]:
        return sorted({part.strip() for part in TextWidget().clean(value).split(";") if part.strip()})

    def get_value(self, instance):
        if instance.pk is None:
            return []
        return sorted(alias.name for alias in instance.aliases.all())

    def export(self, instance, **kwargs):
        return "; ".join(self.get_value(instance))

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._sheet_aliases = self.parse(row[self.column_name])


def persons_named(name: str, *, birth_year: int | None = None):
    """Persons whose name, Latin name, an alias or pseudonym has the same
    transliteration key (staff only: this finds protected persons by real name)."""
    key = name_key(name)
    if not key:
        return Person.objects.none()
    query = (
        Q(name_key__startswith=f"{key} |")
        | Q(name_key__endswith=f"| {key}")
        | Q(aliases__name_key=key)
        | Q(pseudonym_key=key)
    )
    persons = Person.objects.filter(query).distinct()
    if birth_year:
        persons = persons.filter(Q(birth_year=birth_year) | Q(birth_year__isnull=True))
    return persons


class PersonResource(RecordResource):
    required_columns = ("name",)
    slug = KeepIfBlankField(attribute="slug", column_name="slug", widget=TextWidget())
    name = text_field("name")
    name_latin = text_field("name_latin")
    aliases = AliasesField()
    gender = choice_field("gender", Person)
    birth_year = int_field("birth_year")
    roles = list_field("roles", Role)
    location = key_field("location", Location, lookups=("slug", "name", "name_local"))
    biography = text_field("biography")
    identity_protected = bool_field("identity_protected")
    pseudonym = text_field("pseudonym")
    internal_notes = text_field("internal_notes")
    contacts = text_field("contacts")
    sources = sources_field(Source)

    class Meta(RecordResource.Meta):
        model = Person
        name = "Persons"
        fields = [
            "uuid",
            "slug",
            "name",
            "name_latin",
            "aliases",
            "gender",
            "birth_year",
            "roles",
            "location",
            "biography",
            "identity_protected",
            "pseudonym",
            "internal_notes",
            "contacts",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        slug = TextWidget().clean(row.get("slug"))
        if slug:
            found = Person.objects.filter(slug=slug).first()
            if found:
                return found
        try:
            birth_year = self.fields["birth_year"].clean(row) if "birth_year" in row else None
        except ValueError:
            birth_year = None  # reported as the birth_year column's error
        candidates = set()
        for column in ("name", "name_latin"):
            text = TextWidget().clean(row.get(column))
            if text:
                candidates |= set(persons_named(text, birth_year=birth_year))
        if len(candidates) > 1:
            names = ", ".join(sorted(p.slug for p in candidates))
            raise ValidationError({"name": f"The name matches several persons ({names}); give the slug or stable id."})
        return candidates.pop() if candidates else None

    def slug_text(self, instance):
        return instance.name_latin or instance.name

    def skip_row(self, instance, original, row, import_validation_errors=None):
        sheet_aliases = getattr(instance, "_sheet_aliases", None)
        if sheet_aliases is not None and sheet_aliases != self.fields["aliases"].get_value(original):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        sheet_aliases = getattr(instance, "_sheet_aliases", None)
        if sheet_aliases is None:
            return
        instance.aliases.exclude(name__in=sheet_aliases).delete()
        existing = set(instance.aliases.values_list("name", flat=True))
        for alias in sheet_aliases:
            if alias not in existing:
                PersonAlias.objects.create(person=instance, name=alias)


class OrganizationResource(RecordResource):
    required_columns = ("name",)
    slug = KeepIfBlankField(attribute="slug", column_name="slug", widget=TextWidget())
    name = text_field("name")
    name_local = text_field("name_local")
    abbreviation = text_field("abbreviation")
    kind = choice_field("kind", Organization)
    legal_status = choice_field("legal_status", Organization)
    location = key_field("location", Location, lookups=("slug", "name", "name_local"))
    website = text_field("website")
    description = text_field("description")
    internal_notes = text_field("internal_notes")
    sources = sources_field(Source)

    class Meta(RecordResource.Meta):
        model = Organization
        name = "Organizations"
        fields = [
            "uuid",
            "slug",
            "name",
            "name_local",
            "abbreviation",
            "kind",
            "legal_status",
            "location",
            "website",
            "description",
            "internal_notes",
            "sources",
            "visibility",
        ]
        export_order = fields
        import_order = fields

    def find_existing(self, row):
        return self.find_by_slug_or_name(row, "name")
