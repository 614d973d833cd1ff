"""Drafted monitoring updates: everything documented in a period, at a visibility
level, organised like a CIVICUS Monitor update.

``build_update(start, end, level)`` gathers the facts in a fixed number of
queries and arranges them in three sections — peaceful assembly, expression,
association — each with its parts (new cases, new charges by article, detentions
and extensions, verdicts and sentences, assemblies dispersed and people detained,
NGOs and defenders harassed, political-prisoner recognitions, other developments).
Every item is one sentence built from the data, with its date as written, its
articles and its source links. ``render_markdown`` and ``render_html`` write it.

A fact belongs to the period when its (possibly partial) date can fall in it: "May
2022" and "2022" both count for March–May 2022, and are written as such. A case is
placed under one freedom: expression if it affects expression, else association,
else peaceful assembly; assemblies are always under peaceful assembly.

Only what a reader at ``level`` may see is used: every record through
``visible_to``, transitively (a fact whose case or person is hidden is left out),
organizations and sources only when visible, protected persons only by pseudonym.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from kazmonitor.dates import DatePrecision, format_partial_date
from kazmonitor.models import Visibility
from people.models import Membership, Organization, Recognition

from .facts import visible_org, visible_sources
from .models import Assembly, Case, Charge, Detention, Event, Extension, Participant, Sentence
from .update_render import html_links, render_html, render_markdown

__all__ = ["Update", "build_update", "in_period", "render_html", "render_markdown"]

SECTIONS = {
    "assembly": "Peaceful assembly",
    "expression": "Expression",
    "association": "Association",
    "other": "Other developments",
}
PARTS = {
    "new_cases": "New cases",
    "new_charges": "New charges, by article",
    "detentions": "Detentions and their extensions",
    "verdicts": "Verdicts and sentences",
    "assemblies": "Assemblies dispersed and people detained",
    "harassment": "NGOs and defenders harassed",
    "recognitions": "Political-prisoner recognitions",
    "other": "Other developments on cases",
}
SUMMARY_LABELS = {
    "new_cases": ("new case", "new cases"),
    "new_charges": ("new charge", "new charges"),
    "detentions": ("detention", "detentions"),
    "extensions": ("detention extension", "detention extensions"),
    "verdicts": ("verdict or sentence", "verdicts and sentences"),
    "assemblies_dispersed": ("assembly dispersed or prevented", "assemblies dispersed or prevented"),
    "reported_detained": ("person reported detained at assemblies", "people reported detained at assemblies"),
    "harassment": ("incident of harassment of NGOs and defenders", "incidents of harassment of NGOs and defenders"),
    "recognitions": ("political-prisoner recognition", "political-prisoner recognitions"),
}


@dataclass
class Link:
    title: str
    url: str


@dataclass
class Item:
    date: datetime.date | None
    precision: str
    text: str
    sources: list[Link] = field(default_factory=list)
    group: str = ""  # e.g. the article, for "new charges by article"

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.precision)

    @property
    def sources_html(self) -> str:
        return html_links(self.sources)


@dataclass
class Part:
    key: str
    title: str
    items: list[Item]

    def groups(self) -> list[tuple[str, list[Item]]]:
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.group, []).append(item)
        return list(grouped.items())


@dataclass
class Section:
    key: str
    title: str
    parts: list[Part]


@dataclass
class Update:
    start: datetime.date
    end: datetime.date
    level: int
    sections: list[Section]
    counts: dict[str, int]

    @property
    def title(self) -> str:
        return f"Monitoring update: {period_display(self.start, self.end)}"

    @property
    def level_name(self) -> str:
        return Visibility(self.level).label

    @property
    def summary(self) -> list[str]:
        return [
            f"{self.counts[key]} {one if self.counts[key] == 1 else many}"
            for key, (one, many) in SUMMARY_LABELS.items()
            if self.counts.get(key)
        ]


def period_display(start: datetime.date, end: datetime.date) -> str:
    return f"{format_partial_date(start)} – {format_partial_date(end)}"


def in_period(name: str, start: datetime.date, end: datetime.date) -> Q:
    """Records whose partial date ``name`` (with ``name_precision``) can fall in the
    period. Partial dates are stored as the first day of their month or year."""
    precision = f"{name}_precision"
    return Q(**{f"{name}__lte": end}) & (
        Q(**{precision: DatePrecision.DAY, f"{name}__gte": start})
        | Q(**{precision: DatePrecision.MONTH, f"{name}__gte": start.replace(day=1)})
        | Q(**{precision: DatePrecision.YEAR, f"{name}__gte": start.replace(month=1, day=1)})
    )


def freedom_of(case: Case | None) -> str:
    if case is None:
        return "other"
    if case.affects_expression:
        return "expression"
    if case.affects_association:
        return "association"
    if case.affects_assembly:
        return "assembly"
    return "other"


def _links(obj) -> list[Link]:
    return [Link(s.title, s.url) for s in getattr(obj, "visible_sources", []) if s.url]


def _on(date, precision) -> str:
    """ "on 6 May 2022", "in May 2022", "in 2022"."""
    text = format_partial_date(date, precision)
    return f"on {text}" if precision == DatePrecision.DAY else f"in {text}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _article(article) -> str:
    return f"{article.code.short_name} art. {article.label} ({article.translated('title')})"


class _Gatherer:
    def __init__(self, start: datetime.date, end: datetime.date, level: int):
        self.start, self.end, self.level = start, end, int(level)
        self.parts: dict[tuple[str, str], list[Item]] = {}
        self.counts: Counter = Counter()

    def add(self, section: str, part: str, item: Item) -> None:
        self.parts.setdefault((section, part), []).append(item)

    def period(self, name: str) -> Q:
        return in_period(name, self.start, self.end)

    def visible(self, model, *required: str, optional: tuple[str, ...] = ()):
        queryset = model.objects.visible_to(self.level)
        for lookup in required:
            queryset = queryset.filter(**{f"{lookup}__visibility__gte": self.level})
        for lookup in optional:
            queryset = queryset.exclude(**{f"{lookup}__visibility__lt": self.level})
        return queryset

    def sources(self):
        return visible_sources(self.level)

    # --- the parts -------------------------------------------------------------

    def new_cases(self) -> None:
        cases = self.visible(Case).filter(self.period("opened_on")).select_related("location")
        for case in cases.prefetch_related(self.sources()).order_by("opened_on", "pk"):
            place = f", {case.location.name}" if case.location else ""
            text = f"{case.translated('title')} ({case.get_kind_display()} case{place}), opened {case.opened_display}"
            self.add(
                freedom_of(case),
                "new_cases",
                Item(case.opened_on, case.opened_on_precision, _sentence(text), _links(case)),
            )
            self.counts["new_cases"] += 1

    def new_charges(self) -> None:
        charges = (
            self.visible(Charge, "case", "defendant")
            .filter(self.period("filed_on"))
            .select_related("case", "defendant", "article__code")
            .prefetch_related(self.sources())
            .order_by("article__code__short_name", "article__number", "article__part", "filed_on", "pk")
        )
        for charge in charges:
            text = f"{charge.defendant.public_name} charged {_on(charge.filed_on, charge.filed_on_precision)}"
            if charge.description:
                text += f" with {charge.description}"
            text += f" (case: {charge.case.translated('title')}; status: {charge.get_status_display()})"
            item = Item(
                charge.filed_on, charge.filed_on_precision, _sentence(text), _links(charge), _article(charge.article)
            )
            self.add(freedom_of(charge.case), "new_charges", item)
            self.counts["new_charges"] += 1

    def detentions(self) -> None:
        detentions = (
            self.visible(Detention, "person", optional=("case",))
            .filter(self.period("started_on"))
            .select_related("person", "case", "assembly", "facility", "authority")
            .prefetch_related(self.sources())
            .order_by("started_on", "pk")
        )
        for detention in detentions:
            text = f"{detention.person.public_name}: {detention.get_kind_display()} from {detention.started_display}"
            if detention.ended_on:
                text += f" until {detention.ended_display}"
                if detention.release_reason:
                    text += f" ({detention.release_reason})"
            authority = visible_org(detention.authority, self.level)
            if authority:
                text += f", by {authority.name}"
            if detention.facility:
                text += f", held at {detention.facility.name}"
            if detention.ill_treatment_alleged:
                text += "; ill-treatment alleged"
            item = Item(detention.started_on, detention.started_on_precision, _sentence(text), _links(detention))
            assembly = detention.assembly
            if assembly is not None and assembly.visibility >= self.level:
                item.text = _sentence(f"{text} (at “{assembly.translated('title')}”)")
                self.add("assembly", "assemblies", item)
            else:
                self.add(freedom_of(detention.case), "detentions", item)
            self.counts["detentions"] += 1

    def extensions(self) -> None:
        detentions = self.visible(Detention, "person", optional=("case",))
        extensions = (
            Extension.objects.filter(detention__in=detentions)
            .filter(self.period("decided_on"))
            .select_related("detention__person", "detention__case", "court")
            .prefetch_related(self.sources())
            .order_by("decided_on", "pk")
        )
        for extension in extensions:
            detention = extension.detention
            court = visible_org(extension.court, self.level)
            text = (
                f"{_cap(_on(extension.decided_on, extension.decided_on_precision))}, "
                f"{court.name if court else 'a court'} extended the {detention.get_kind_display()} of "
                f"{detention.person.public_name} (held since {detention.started_display}) until "
                f"{format_partial_date(extension.extended_until)}"
            )
            item = Item(extension.decided_on, extension.decided_on_precision, _sentence(text), _links(extension))
            self.add(freedom_of(detention.case), "detentions", item)
            self.counts["extensions"] += 1

    def sentences(self) -> None:
        sentences = (
            self.visible(Sentence, "case", "defendant")
            .filter(self.period("sentenced_on"))
            .select_related("case", "defendant", "court", "replaces")
            .prefetch_related(self.sources())
            .order_by("sentenced_on", "pk")
        )
        for sentence in sentences:
            when = _on(sentence.sentenced_on, sentence.sentenced_on_precision)
            text = f"{sentence.defendant.public_name} sentenced {when} to {sentence.get_kind_display()}"
            if sentence.term_display:
                text += f" ({sentence.term_display})"
            court = visible_org(sentence.court, self.level)
            if court:
                text += f" by {court.name}"
            replaced = sentence.replaces
            if replaced is not None and replaced.visibility >= self.level:
                text += f", replacing the {replaced.get_kind_display()} sentence of {replaced.sentenced_display}"
            text += f" (case: {sentence.case.translated('title')})"
            if sentence.description:
                text += f". {sentence.description}"
            item = Item(sentence.sentenced_on, sentence.sentenced_on_precision, _sentence(text), _links(sentence))
            self.add(freedom_of(sentence.case), "verdicts", item)
            self.counts["verdicts"] += 1

    def events(self) -> None:
        convicted = Prefetch(
            "case__charges",
            queryset=self.visible(Charge, "defendant").select_related("article__code"),
            to_attr="visible_charges",
        )
        events = (
            self.visible(Event, "case", optional=("person",))
            .filter(self.period("occurred_on"))
            .select_related("case", "person")
            .prefetch_related(self.sources(), convicted)
            .order_by("occurred_on", "pk")
        )
        affiliations = self._affiliations({event.person_id for event in events if event.person_id})
        for event in events:
            case = event.case
            who = event.person.public_name if event.person else ""
            if event.person_id in affiliations:
                who += f" ({affiliations[event.person_id]})"
            date = format_partial_date(event.occurred_on, event.occurred_on_precision)
            text = f"{date}: " + (f"{who} — " if who else "") + _sentence(event.description)
            if event.kind == Event.Kind.VERDICT:
                articles = sorted(
                    {_article(c.article) for c in case.visible_charges if event.person_id in (None, c.defendant_id)}
                )
                if articles:
                    text += f" Charges: {'; '.join(articles)}."
                part, count = "verdicts", "verdicts"
            elif case.kind == Case.Kind.EXTRAJUDICIAL or event.kind == Event.Kind.HARASSMENT:
                part, count = "harassment", "harassment"
            else:
                part, count = "other", ""
            text = f"{case.translated('title')}: {text}"
            self.add(freedom_of(case), part, Item(event.occurred_on, event.occurred_on_precision, text, _links(event)))
            if count:
                self.counts[count] += 1

    def _affiliations(self, person_ids: set[int]) -> dict[int, str]:
        """person id → "lawyer of Ar.Rukh.Khak", from visible NGO memberships."""
        memberships = self.visible(Membership, "organization").filter(
            person_id__in=person_ids, organization__kind="ngo"
        )
        affiliations = {}
        for membership in memberships.select_related("organization").order_by("pk"):
            role = f"{membership.role} of " if membership.role else ""
            affiliations.setdefault(membership.person_id, f"{role}{membership.organization.name}")
        return affiliations

    def assemblies(self) -> None:
        detentions = Prefetch(
            "detentions",
            queryset=self.visible(Detention, "person").select_related("person").order_by("pk"),
            to_attr="visible_detentions",
        )
        organizers = Prefetch("organizers", queryset=self.visible(Organization), to_attr="visible_organizers")
        assemblies = (
            self.visible(Assembly)
            .filter(self.period("held_on"))
            .exclude(outcome=Assembly.Outcome.HELD, detained_count__isnull=True)
            .select_related("location")
            .prefetch_related(self.sources(), detentions, organizers)
            .order_by("held_on", "pk")
        )
        for assembly in assemblies:
            where = ", ".join(p for p in (assembly.location.name if assembly.location else "", assembly.place) if p)
            text = f"{assembly.translated('title')} ({assembly.held_display}"
            text += f", {where})" if where else ")"
            if assembly.visible_organizers:
                text += f", organised by {', '.join(o.name for o in assembly.visible_organizers)}"
            if assembly.permission != Assembly.Permission.UNKNOWN:
                text += f"; permission: {assembly.get_permission_display()}"
            text += f": {assembly.get_outcome_display()}"
            if assembly.detained_count:
                text += f"; {assembly.detained_count} reported detained"
                self.counts["reported_detained"] += assembly.detained_count
            if assembly.visible_detentions:
                names = ", ".join(d.person.public_name for d in assembly.visible_detentions)
                text += f"; detained: {names}"
            if assembly.outcome != Assembly.Outcome.HELD:
                self.counts["assemblies_dispersed"] += 1
            self.add(
                "assembly",
                "assemblies",
                Item(assembly.held_on, assembly.held_on_precision, _sentence(text), _links(assembly)),
            )

    def recognitions(self) -> None:
        recognitions = (
            self.visible(Recognition, "person", "recognised_by")
            .filter(self.period("since"))
            .select_related("person", "recognised_by")
            .prefetch_related(self.sources(), Prefetch("person__participations", queryset=self._case_links()))
            .order_by("since", "pk")
        )
        for recognition in recognitions:
            person = recognition.person
            text = (
                f"{_cap(_on(recognition.since, recognition.since_precision))}, {recognition.recognised_by.name} "
                f"recognised {person.public_name} as a political prisoner"
            )
            if recognition.note:
                text += f" ({recognition.note})"
            cases = [p.case for p in person.participations.all()]
            item = Item(recognition.since, recognition.since_precision, _sentence(text), _links(recognition))
            self.add(freedom_of(cases[0]) if cases else "expression", "recognitions", item)
            self.counts["recognitions"] += 1

    def _case_links(self):
        return self.visible(Participant, "case").select_related("case").order_by("pk")

    def update(self) -> Update:
        for gather in (
            self.new_cases,
            self.new_charges,
            self.detentions,
            self.extensions,
            self.sentences,
            self.events,
            self.assemblies,
            self.recognitions,
        ):
            gather()
        sections = []
        for key, title in SECTIONS.items():
            parts = []
            for part_key, part_title in PARTS.items():
                items = self.parts.get((key, part_key))
                if items:
                    items.sort(key=lambda i: (i.group, i.date or datetime.date.min))
                    parts.append(Part(part_key, part_title, items))
            if parts or key != "other":
                sections.append(Section(key, title, parts))
        return Update(self.start, self.end, self.level, sections, dict(self.counts))


def build_update(start: datetime.date, end: datetime.date, level: int) -> Update:
    """The drafted update for ``start``–``end`` (inclusive) with what ``level`` may see."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    return _Gatherer(start, end, level).update()
