"""What a reader at a visibility level may see of a case, fetched in a constant
number of queries, and the timeline derived from it.

Visibility is transitive: a fact is shown only if the fact itself and every person
it names are visible at the reader's level. Sources are filtered the same way.
Organizations named on a fact (court, authority) are shown only when visible
(``visible_org``). Views and serializers of the public site and the API use
``Case.objects.visible_to(level).prefetch_related(*case_fact_prefetches(level))``
and then read the ``visible_*`` attributes, never the raw related managers.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from kazmonitor.dates import format_partial_date
from kazmonitor.models import Source
from people.models import Organization, Person

from .models import Charge, Detention, Event, Extension, Participant, Sentence
from .templatetags.choice_labels import labels  # what get_kind_display answers, from a table kept per language


def visible_sources(level: int, to_attr: str = "visible_sources") -> Prefetch:
    return Prefetch(
        "sources", queryset=Source.objects.visible_to(level).order_by("published_on", "pk"), to_attr=to_attr
    )


def visible_org(org: Organization | None, level: int) -> Organization | None:
    return org if org is not None and org.visibility >= int(level) else None


def case_fact_prefetches(level: int) -> list[Prefetch]:
    """Prefetches that put the visible facts of each case on ``visible_participants``,
    ``visible_charges``, ``visible_sentences``, ``visible_detentions`` (each with
    ``visible_extensions``), ``visible_events``, ``visible_sources`` and ``visible_tags``."""
    level = int(level)
    return [
        Prefetch(
            "participants",
            queryset=Participant.objects.visible_to(level)
            .filter(person__visibility__gte=level)
            .select_related("person")
            .order_by("role", "pk"),  # never by real name: it would hint at a pseudonym's identity
            to_attr="visible_participants",
        ),
        Prefetch(
            "charges",
            queryset=Charge.objects.visible_to(level)
            .filter(defendant__visibility__gte=level)
            .select_related("defendant", "article__code")
            .prefetch_related(visible_sources(level))
            .order_by("filed_on", "pk"),
            to_attr="visible_charges",
        ),
        Prefetch(
            "sentences",
            queryset=Sentence.objects.visible_to(level)
            .filter(defendant__visibility__gte=level)
            .select_related("defendant", "court")
            .prefetch_related(visible_sources(level))
            .order_by("sentenced_on", "pk"),
            to_attr="visible_sentences",
        ),
        Prefetch(
            "detentions",
            queryset=Detention.objects.visible_to(level)
            .filter(person__visibility__gte=level)
            .select_related("person", "facility__location", "authority")
            .prefetch_related(
                Prefetch(
                    "extensions",
                    queryset=Extension.objects.select_related("court").order_by("decided_on", "pk"),
                    to_attr="visible_extensions",
                ),
                visible_sources(level),
            )
            .order_by("started_on", "pk"),
            to_attr="visible_detentions",
        ),
        Prefetch(
            "events",
            queryset=Event.objects.visible_to(level)
            .exclude(person__visibility__lt=level)
            .select_related("person")
            .prefetch_related(visible_sources(level))
            .order_by("occurred_on", "pk"),
            to_attr="visible_events",
        ),
        visible_sources(level),
        "tags",
    ]


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    precision: str
    kind: str
    text: str
    certainty: str = ""
    sources: list = field(default_factory=list, compare=False)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.precision)


def _person(person: Person) -> str:
    return person.public_name


def case_timeline(case, level: int) -> list[TimelineEntry]:
    """The case's history in date order, derived from its visible charges, detentions,
    extensions, sentences and events (nothing is typed twice). Needs the prefetches
    of ``case_fact_prefetches(level)``. Each sentence and label is translated once per
    call (a mass trial has hundreds of entries)."""
    entries: list[TimelineEntry] = []
    add = entries.append
    if case.visible_charges:
        charged = _("%(person)s charged under %(code)s art. %(article)s (%(title)s)")
    for charge in case.visible_charges:
        if charge.filed_on:
            article = charge.article
            text = charged % {
                "person": _person(charge.defendant),
                "code": article.code.short_name,
                "article": article.label,
                "title": article.translated("title"),
            }
            add(
                TimelineEntry(
                    charge.filed_on, charge.filed_on_precision, "charge", text, charge.certainty, charge.visible_sources
                )
            )
    if case.visible_detentions:
        detention_kinds = labels(Detention, "kind")
        began, extended, by, released = (
            _("%(person)s: %(kind)s began"),
            _("%(person)s: detention extended until %(until)s"),
            _(" by %(court)s"),
            _("%(person)s released"),
        )
    for detention in case.visible_detentions:
        person = _person(detention.person)
        text = began % {"person": person, "kind": detention_kinds.get(detention.kind, detention.kind)}
        add(
            TimelineEntry(
                detention.started_on,
                detention.started_on_precision,
                "detention",
                text,
                detention.certainty,
                detention.visible_sources,
            )
        )
        for extension in detention.visible_extensions:
            court = visible_org(extension.court, level)
            text = extended % {"person": person, "until": format_partial_date(extension.extended_until)}
            if court:
                text += by % {"court": court.name}
            add(
                TimelineEntry(
                    extension.decided_on, extension.decided_on_precision, "extension", text, detention.certainty
                )
            )
        if detention.ended_on:
            text = released % {"person": person}
            if detention.release_reason:
                text += f" ({detention.release_reason})"
            add(TimelineEntry(detention.ended_on, detention.ended_on_precision, "release", text, detention.certainty))
    if case.visible_sentences:
        sentenced, sentence_kinds = _("%(person)s sentenced: %(kind)s"), labels(Sentence, "kind")
    for sentence in case.visible_sentences:
        if sentence.sentenced_on:
            text = sentenced % {
                "person": _person(sentence.defendant),
                "kind": sentence_kinds.get(sentence.kind, sentence.kind),
            }
            if sentence.term_display:
                text += f", {sentence.term_display}"
            add(
                TimelineEntry(
                    sentence.sentenced_on,
                    sentence.sentenced_on_precision,
                    "sentence",
                    text,
                    sentence.certainty,
                    sentence.visible_sources,
                )
            )
    for event in case.visible_events:
        add(
            TimelineEntry(
                event.occurred_on,
                event.occurred_on_precision,
                event.kind,
                event.description,
                event.certainty,
                event.visible_sources,
            )
        )
    order = {"charge": 0, "detention": 1, "extension": 2, "sentence": 3, "release": 4}
    entries.sort(key=lambda e: (e.date, order.get(e.kind, 5)))
    return entries
