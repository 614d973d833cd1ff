"""The visible facts of one case for the API detail, in a few queries compiled once.

``load_case_facts(case, level)`` puts on ``case`` exactly what
``prefetch_related(*case_fact_prefetches(level))`` puts there (``visible_participants``,
``visible_charges``, ``visible_sentences``, ``visible_detentions`` with
``visible_extensions``, ``visible_events``, ``visible_sources`` on the case and on each
fact, and the tags), from the same filters and in the same order, but:

- the sources of the case and of all its facts are one query (``UNION ALL``) instead of
  five, and the extensions are read by the case, so a case takes at most 9 queries
  (13 before) and never more than before;
- each query's SQL is compiled once per level and connection
  (``kazmonitor.api.fast_rows.PreparedQuery``): building and compiling these querysets
  cost more than running them.

The querysets are those of ``case_fact_prefetches`` (the same filters and order);
a fact's sources and extensions are attached only to facts that passed them."""

from functools import cache

from django.db import connections
from django.db.models import F, Prefetch, Value

from kazmonitor.api.fast_rows import PreparedQuery
from kazmonitor.models import Tag

from .facts import case_fact_prefetches

# Which list a source row belongs to (``owner_kind``) and through which relation.
_CASE, _CHARGE, _SENTENCE, _DETENTION, _EVENT = range(5)
_SOURCE_OWNERS = ((_CASE, "cases", "id"), (_CHARGE, "charges", "case_id"), (_SENTENCE, "sentences", "case_id"))
_SOURCE_OWNERS += ((_DETENTION, "detentions", "case_id"), (_EVENT, "events", "case_id"))
_FACTS = ("participants", "charges", "sentences", "detentions", "events")


def _prefetched(lookups, to_attr: str):
    """The queryset of the ``Prefetch`` to ``to_attr``."""
    (found,) = [lookup.queryset for lookup in lookups if isinstance(lookup, Prefetch) and lookup.to_attr == to_attr]
    return found


@cache
def _queries(level: int) -> dict[str, PreparedQuery]:
    """The querysets of ``case_fact_prefetches(level)`` (one definition of what is
    visible), each for one case."""
    lookups = case_fact_prefetches(level)
    built = {}
    for name in _FACTS:
        queryset = _prefetched(lookups, f"visible_{name}").prefetch_related(None)
        built[name] = lambda case, queryset=queryset: queryset.filter(case_id=case)
    detentions = _prefetched(lookups, "visible_detentions")
    extensions = _prefetched(detentions._prefetch_related_lookups, "visible_extensions")
    built["extensions"] = lambda case: extensions.filter(detention__case_id=case)
    sources = _prefetched(lookups, "visible_sources")

    def all_sources(case):
        parts = [
            sources.filter(**{f"{relation}__{case_column}": case})
            .annotate(owner_kind=Value(kind), owner_id=F(f"{relation}__id"))
            .order_by()
            for kind, relation, case_column in _SOURCE_OWNERS
        ]
        return parts[0].union(*parts[1:], all=True).order_by(*sources.query.order_by)

    built["sources"] = all_sources
    built["tags"] = lambda case: Tag.objects.filter(cases__id=case)  # in Tag's order, as prefetch_related("tags")
    return {name: PreparedQuery(build) for name, build in built.items()}


def load_case_facts(case, level: int) -> None:
    """Put the facts of ``case`` a reader at ``level`` may see on it (module docstring)."""
    queries = _queries(int(level))
    connection = connections[case._state.db]
    pk = case.pk
    found = {name: queries[name].run(connection, pk) for name in _FACTS}
    for facts in found.values():
        for fact in facts:
            fact._state.fields_cache["case"] = case
    detentions = found["detentions"]
    if detentions:
        by_detention = {detention.pk: [] for detention in detentions}
        for extension in queries["extensions"].run(connection, pk):
            kept = by_detention.get(extension.detention_id)
            if kept is not None:
                kept.append(extension)
        for detention in detentions:
            extensions = detention.visible_extensions = by_detention[detention.pk]
            for extension in extensions:
                extension._state.fields_cache["detention"] = detention

    owners = {(_CASE, pk): case}
    for kind, relation, _case_column in _SOURCE_OWNERS[1:]:  # each fact list is named as its relation
        owners |= {(kind, fact.pk): fact for fact in found[relation]}
    by_owner = {key: [] for key in owners}
    for source in queries["sources"].run(connection, pk):
        kept = by_owner.get((source.owner_kind, source.owner_id))
        if kept is not None:
            del source.owner_kind, source.owner_id
            kept.append(source)
    for key, owner in owners.items():
        owner.visible_sources = by_owner[key]

    case.visible_participants = found["participants"]
    case.visible_charges = found["charges"]
    case.visible_sentences = found["sentences"]
    case.visible_detentions = detentions
    case.visible_events = found["events"]
    case.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = queries["tags"].run(connection, pk)
