"""Legal codes and articles, cases and everything documented on them.

One module per domain: ``legal`` (codes, articles, facilities), ``case`` (cases,
participants, charges, sentences, events), ``assembly``, ``custody`` (detentions and
extensions)."""

from ._common import PRECISIONS, VISIBILITY_VALUES, precision_field
from .assembly import Assembly
from .case import Case, CaseQuerySet, Charge, Event, Participant, Sentence
from .custody import Detention, DetentionQuerySet, Extension
from .legal import Facility, LegalArticle, LegalCode

__all__ = [
    "PRECISIONS",
    "VISIBILITY_VALUES",
    "Assembly",
    "Case",
    "CaseQuerySet",
    "Charge",
    "Detention",
    "DetentionQuerySet",
    "Event",
    "Extension",
    "Facility",
    "LegalArticle",
    "LegalCode",
    "Participant",
    "Sentence",
    "precision_field",
]
