"""Name keys for search across scripts.

"Мамай", "Mamai" and "Mamay" all fold to ``mamai``: transliterate to ASCII
(anyascii handles Cyrillic including the Kazakh letters), lower-case, keep letters
and digits, fold spellings that transliteration systems disagree on, and collapse
doubled letters.

``among()`` puts a search's ids into a query so that PostgreSQL looks them up by index.

A key shorter than ``INSIDE`` (one or two letters) is not looked for inside names and
texts: it occurs in most of them, so such a search would read and sort whole tables
(seconds at national scale) to show noise. It finds whole names, words and numbers
(``is_short``; docs/performance.md)."""

import re

from anyascii import anyascii
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

_FOLDS = (("kh", "h"), ("q", "k"), ("y", "i"), ("w", "v"), ("x", "ks"), ("ph", "f"), ("c", "ts"))
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_DOUBLES = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"\s+")

INSIDE = 3  # pg_trgm's trigram: the shortest key a trigram index can look up inside a text


def is_short(key: str) -> bool:
    """Too short to be looked for inside names and texts (whole names and words only)."""
    return len(key) < INSIDE


def name_key(text: str) -> str:
    """A script-independent key for matching names; words separated by single spaces."""
    if not text:
        return ""
    value = anyascii(text).lower().replace("'", "").replace("`", "")
    value = _NON_ALNUM.sub(" ", value)
    for old, new in _FOLDS:
        value = value.replace(old, new)
    value = _DOUBLES.sub(r"\1", value)
    return _SPACES.sub(" ", value).strip()


class _AnyOfArray(Func):
    """``lhs = ANY(ARRAY(subquery))`` (PostgreSQL)."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def among(field: str, ids: QuerySet) -> Q:
    """``field IN (ids)`` for a subquery of ids (a search's union of indexed lookups).

    On PostgreSQL it is written ``field = ANY(ARRAY(ids))``: the ids are computed once
    and each row is fetched by index. With ``IN (subquery)`` the planner estimates the
    subquery's size and, from a few hundred ids up (a common first name), hash-joins
    the whole table instead: a sequential scan of 100,000 persons, 50–90 ms
    (docs/performance.md)."""
    ids = ids.order_by()
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return Q(_AnyOfArray(F(field), Subquery(ids)))
