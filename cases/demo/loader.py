"""Write the declarations of ``reference`` and ``records`` to the database.

Idempotent: every row is found by its natural key (slug, URL, unique fields) and
saved only when a declared value differs, so a second run writes nothing — no new
rows, no history entries, no duplicate many-to-many links. Everything the update
published is public.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from cases.models import (
    Assembly,
    Case,
    Charge,
    Detention,
    Event,
    Extension,
    LegalArticle,
    LegalCode,
    Participant,
    Sentence,
)
from kazmonitor.models import Certainty, Documented, Location, Source, Tag, Visibility
from people.models import Membership, Organization, Person, PersonAlias, Role

from . import records, reference
from .dates import Partial

CHANGE_REASON = "demo data (manage.py load_demo)"
FREEDOM_FIELDS = {
    "expression": "affects_expression",
    "association": "affects_association",
    "assembly": "affects_assembly",
}


@dataclass
class DemoReport:
    """What a run did, per model: the demo rows it touched, and how many it created or updated."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)
    links_added: int = 0

    HEADLINE = (Person, Organization, Case, Charge, Detention, Assembly, Event, Source)

    def summary(self) -> str:
        """One line: the main record counts and what this run changed."""
        shown = ", ".join(f"{self.rows[model]} {model._meta.verbose_name_plural}" for model in self.HEADLINE)
        return (
            f"Demo data loaded: {shown} "
            f"({sum(self.created.values())} rows created, {sum(self.updated.values())} updated, "
            f"{self.links_added} links added)."
        )

    def details(self) -> str:
        """Every model the run touched, with its created and updated counts."""
        return "\n".join(
            f"{model._meta.verbose_name_plural}: {count} (created {self.created[model]}, updated {self.updated[model]})"
            for model, count in self.rows.items()
        )


def _columns(values: dict) -> dict:
    """Declared values as model columns: partial dates become date + precision,
    related objects become their ids (so comparing them needs no queries)."""
    columns = {}
    for name, value in values.items():
        if isinstance(value, Partial):
            columns[name] = value.date
            columns[f"{name}_precision"] = value.precision
        elif isinstance(value, models.Model):
            columns[f"{name}_id"] = value.pk
        else:
            columns[name] = value
    return columns


class _Loader:
    def __init__(self) -> None:
        self.report = DemoReport()
        self.locations: dict[str, Location] = {}
        self.tags: dict[str, Tag] = {}
        self.articles: dict[str, LegalArticle] = {}
        self.organizations: dict[str, Organization] = {}
        self.sources: dict[str, Source] = {}
        self.persons: dict[str, Person] = {}

    # -- the two write primitives ------------------------------------------------

    def upsert(self, model: type[models.Model], lookup: dict, values: dict | None = None) -> models.Model:
        """The row matching ``lookup``, created or brought up to ``values``; saved only on a difference."""
        columns = _columns(values or {})
        if issubclass(model, Documented):
            columns.setdefault("visibility", Visibility.PUBLIC)
        self.report.rows[model] += 1
        try:
            obj = model.objects.get(**lookup)
        except model.DoesNotExist:
            obj = model(**_columns(lookup), **columns)
            obj._change_reason = CHANGE_REASON
            obj.save()
            self.report.created[model] += 1
            return obj
        changed = [name for name, value in columns.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, columns[name])
            obj._change_reason = CHANGE_REASON
            obj.save(update_fields=changed)
            self.report.updated[model] += 1
        return obj

    def link(self, obj: models.Model, relation: str, targets) -> None:
        """Add missing many-to-many links; existing ones (and links staff added) stay."""
        targets = list(targets)
        if not targets:
            return
        manager = getattr(obj, relation)
        present = set(manager.filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True))
        missing = [t for t in targets if t.pk not in present]
        if missing:
            manager.add(*missing)
            self.report.links_added += len(missing)

    def sources_of(self, spec: dict, default: tuple[str, ...] = ("update",)) -> list[Source]:
        return [self.sources[key] for key in spec.get("sources", default)]

    # -- reference data ------------------------------------------------------------

    def load_reference(self) -> None:
        for slug, (name, local, kind, parent) in reference.LOCATIONS.items():
            values = {"name": name, "name_local": local, "kind": kind, "parent_id": self._pk(self.locations, parent)}
            self.locations[slug] = self.upsert(Location, {"slug": slug}, values)
        for slug, name in reference.TAGS.items():
            self.tags[slug] = self.upsert(Tag, {"slug": slug}, {"name": name})
        codes = {
            slug: self.upsert(LegalCode, {"slug": slug}, {"country": country, "short_name": short, "name": name})
            for slug, (country, short, name) in reference.LEGAL_CODES.items()
        }
        for key, (code, number, part, title) in reference.ARTICLES.items():
            slug = f"{code}-{number}" + (f"-{part}" if part else "")
            self.articles[key] = self.upsert(
                LegalArticle,
                {"code": codes[code], "number": number, "part": part},
                {"slug": slug, "title": title, "language": "en"},
            )
        for key, spec in reference.SOURCES.items():
            values = dict(spec)
            lookup = {"url": values.pop("url")}
            if not lookup["url"]:
                lookup["title"] = values.pop("title")
            self.sources[key] = self.upsert(Source, lookup, values | self._dated(values, "published_on"))
        for spec in reference.ORGANIZATIONS:
            values = {k: v for k, v in spec.items() if k not in ("slug", "sources", "location")}
            values.setdefault("abbreviation", "")
            values.setdefault("name_local", "")
            values["location_id"] = self._pk(self.locations, spec.get("location"))
            org = self.upsert(Organization, {"slug": spec["slug"]}, values)
            self.link(org, "sources", self.sources_of(spec))
            self.organizations[spec["slug"]] = org

    # -- persons, assemblies, cases ------------------------------------------------

    def load_persons(self) -> None:
        roles = {role.slug: role for role in Role.objects.all()}
        for spec in records.PERSONS:
            person = self.upsert(
                Person,
                {"slug": spec["slug"]},
                {
                    "name": spec["name"],
                    "name_latin": spec["name_latin"],
                    "gender": spec.get("gender", ""),
                    "biography": spec["biography"],
                    "language": "en",
                    "location_id": self._pk(self.locations, spec.get("location")),
                },
            )
            for alias, kind in spec.get("aliases", ()):
                self.upsert(PersonAlias, {"person": person, "name": alias}, {"kind": kind})
            for slug in spec.get("roles", ()):
                if slug not in roles:
                    roles[slug] = self.upsert(Role, {"slug": slug}, {"name": slug.replace("-", " ")})
            self.link(person, "roles", [roles[slug] for slug in spec.get("roles", ())])
            self.link(person, "sources", self.sources_of(spec))
            for org, role in spec.get("memberships", ()):
                membership = self.upsert(
                    Membership, {"person": person, "organization": self.organizations[org], "role": role}
                )
                self.link(membership, "sources", self.sources_of(spec))
            self.persons[spec["slug"]] = person

    def load_assemblies(self) -> None:
        for spec in records.ASSEMBLIES:
            values = {k: v for k, v in spec.items() if k not in ("slug", "location", "organizers", "tags", "sources")}
            values["location"] = self.locations[spec["location"]]
            assembly = self.upsert(Assembly, {"slug": spec["slug"]}, values)
            self.link(assembly, "organizers", [self.organizations[slug] for slug in spec.get("organizers", ())])
            self.link(assembly, "tags", [self.tags[slug] for slug in spec["tags"]])
            self.link(assembly, "sources", self.sources_of(spec))

    def load_cases(self) -> None:
        for spec in records.CASES:
            values = {
                "title": spec["title"],
                "kind": spec["kind"],
                "status": spec["status"],
                "language": "en",
                "summary": spec["summary"],
                "location_id": self._pk(self.locations, spec.get("location")),
                **self._dated(spec, "opened_on"),
                **{column: name in spec["freedoms"] for name, column in FREEDOM_FIELDS.items()},
            }
            case = self.upsert(Case, {"slug": spec["slug"]}, values)
            if case.published_at is None:  # published by loading, as an editor's publishing would record
                case.published_at = timezone.now()
                case._change_reason = CHANGE_REASON
                case.save(update_fields=["published_at"])
            self.link(case, "tags", [self.tags[slug] for slug in spec["tags"]])
            self.link(case, "sources", self.sources_of(spec))
            self.load_case_facts(case, spec)

    def load_case_facts(self, case: Case, spec: dict) -> None:
        for person, role, note in spec.get("participants", ()):
            self.upsert(Participant, {"case": case, "person": self.persons[person], "role": role}, {"note": note})
        for charge in spec.get("charges", ()):
            row = self.upsert(
                Charge,
                {
                    "case": case,
                    "defendant": self.persons[charge["defendant"]],
                    "article": self.articles[charge["article"]],
                },
                self._dated(charge, "filed_on")
                | {
                    "status": charge.get("status", Charge.Status.PENDING),
                    "certainty": charge.get("certainty", Certainty.REPORTED),
                    "description": charge["description"],
                },
            )
            self.link(row, "sources", self.sources_of(charge))
        sentences: dict[str, Sentence] = {}
        for sentence in spec.get("sentences", ()):
            replaces = sentences.get(sentence.get("replaces"))
            row = self.upsert(
                Sentence,
                {"case": case, "defendant": self.persons[sentence["defendant"]], "kind": sentence["kind"]},
                self._dated(sentence, "sentenced_on")
                | {
                    "replaces_id": replaces.pk if replaces else None,
                    "certainty": sentence.get("certainty", Certainty.REPORTED),
                    "description": sentence["description"],
                },
            )
            self.link(row, "sources", self.sources_of(sentence))
            sentences[sentence["key"]] = row
        for detention in spec.get("detentions", ()):
            self.load_detention(case, detention)
        for event in spec.get("events", ()):
            person = self.persons[event["person"]] if event["person"] else None
            row = self.upsert(
                Event,
                {
                    "case": case,
                    "kind": event["kind"],
                    "occurred_on": event["occurred_on"].date,
                    "person": person,
                },
                {
                    "occurred_on_precision": event["occurred_on"].precision,
                    "description": event["description"],
                    "certainty": event.get("certainty", Certainty.REPORTED),
                },
            )
            self.link(row, "sources", self.sources_of(event))

    def load_detention(self, case: Case, spec: dict) -> None:
        detention = self.upsert(
            Detention,
            {
                "case": case,
                "person": self.persons[spec["person"]],
                "kind": spec["kind"],
                "started_on": spec["started_on"].date,
            },
            {
                "started_on_precision": spec["started_on"].precision,
                "ended_on": None,
                "certainty": spec.get("certainty", Certainty.REPORTED),
                "description": spec["description"],
            },
        )
        self.link(detention, "sources", self.sources_of(spec))
        for extension in spec.get("extensions", ()):
            row = self.upsert(
                Extension,
                {"detention": detention, "decided_on": extension["decided_on"].date},
                {
                    "decided_on_precision": extension["decided_on"].precision,
                    "extended_until": extension["extended_until"],
                    "court": self.organizations[extension["court"]],
                },
            )
            self.link(row, "sources", self.sources_of(extension))

    @staticmethod
    def _pk(rows: dict, key: str | None) -> int | None:
        return rows[key].pk if key else None

    @staticmethod
    def _dated(spec: dict, name: str) -> dict:
        """A possibly unknown partial date: ``None`` clears the date and resets its precision."""
        value = spec.get(name)
        return {name: value} if value is not None else {name: None, f"{name}_precision": "day"}


@transaction.atomic
def load_demo_data() -> DemoReport:
    """Load (or bring up to date) every fact of the update; returns what was done."""
    loader = _Loader()
    loader.load_reference()
    loader.load_persons()
    loader.load_assemblies()
    loader.load_cases()
    return loader.report
