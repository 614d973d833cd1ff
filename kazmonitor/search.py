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

import datetime
import json
import re
import unicodedata
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import orjson
from anyascii import anyascii
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from psycopg.types.json import JsonLoader

from kazmonitor import prepared

_FOLDS = (("kh", "h"), ("q", "k"), ("y", "i"), ("w", "v"), ("x", "ks"), ("ph", "f"), ("c", "ts"))
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_DOUBLES = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"\s+")

INSIDE = 3  # pg_trgm's trigram: the shortest key a trigram index can look up inside a text

# What separates words: every character Python's str.split() splits on, written out so that
# PostgreSQL splits texts on exactly the same ones (cases 0015).
WORD_BREAKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# Joins the columns one trigram index covers (``joined``); never part of a searched text
# (``search_text``), so a text found in the joined value lies inside one column.
SEPARATOR = "\x1f"


def is_short(key: str) -> bool:
    """Too short to be looked for inside names and texts (whole names and words only)."""
    return len(key) < INSIDE


def search_text(text: str) -> str:
    """The searched text as every search uses it: control characters (tab, newline, the
    column ``SEPARATOR`` …) count as spaces, as they do in name keys; stripped."""
    if text.isprintable():
        return text.strip()
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text).strip()


class Joined(Func):
    """Text columns (NOT NULL) joined by ``SEPARATOR``: one trigram index answers
    ``Joined(...)__icontains`` for all of them (``UPPER(a || E'\\x1f' || b …) LIKE``), and
    ``search_text`` keeps the separator out of the text, so a match never spans two
    columns. The SQL must stay the expression of its index (cases 0011)."""

    output_field = TextField()

    def __init__(self, *fields: str):
        super().__init__(*(Cast(field, TextField()) for field in fields))

    def as_sql(self, compiler, connection, **extra):
        code = ord(SEPARATOR)
        separator = f"E'\\x{code:02x}'" if connection.vendor == "postgresql" else f"char({code})"
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=f" || {separator} || ")


def has_word(text: str) -> bool:
    """Whether ``text`` holds a word (a run between ``WORD_BREAKS``) of ``INSIDE`` letters
    or more: what a word index can look up (``WordsMatch``)."""
    return any(len(word) >= INSIDE for word in search_text(text).split())


# A ``WordsMatch``'s lookup: the lexicon's words containing the text's ``rank``-th longest
# word. The lexicon is a table name of the code's; the searched text is only a parameter.
_LOOKUP = "ARRAY(SELECT word FROM {lexicon} WHERE word LIKE (SELECT kz_search_word_like({text}, {rank})))"
_LOOKUP_PATTERN = re.escape(_LOOKUP).replace(r"\{lexicon\}", r"\w+").replace(r"\{text\}", "%s")
# A lookup, else a parameter's placeholder, else an escaped "%" (Django's SQL).
_TOKENS = re.compile("(?P<lookup>{})|%s|%%".format(_LOOKUP_PATTERN.replace(r"\{rank\}", r"\d+")))


def lexicon_lookup(lexicon: str) -> str:
    """The SQL of an array of the words of ``lexicon`` (a table name of the code's) that
    contain the longest word of the text given as its one parameter, as ``WordsMatch``
    looks them up: computed once per statement, by the lexicon's trigram index, whatever
    the planner estimates of the rest (``shared_lookups`` recognises it)."""
    return _LOOKUP.format(lexicon=lexicon, text="%s", rank=1)


class WordsMatch(Func):
    """``text`` may lie inside ``fields`` (PostgreSQL, with the word indexes of cases 0015
    and people 0008): their words include one that contains the longest word of ``text``
    and one that contains the second longest, or they hold a word too long to index.

    If ``text`` lies inside a column, each of its words (runs between ``WORD_BREAKS``) lies
    inside one word of that column: so every match passes, and a few texts that hold the
    words elsewhere or apart also pass; ``Contains`` then tells them apart. The words
    containing a word of ``text`` come from ``lexicon`` (every word ever written in those
    fields, by trigram index); ``kz_search_words(fields…) && ARRAY[…]`` is then answered by
    a GIN index of each row's words: a few short posting lists where a trigram index reads
    one long list per trigram of ``text`` (docs/performance.md, "Searched by words").
    ``kz_search_words`` writes a word of more than 200 letters (too long for an index
    entry) as the empty word, which no real word is: such rows always pass."""

    output_field = BooleanField()

    def __init__(self, fields: tuple[str, ...], text: str, *, lexicon: str):
        self.lexicon = lexicon
        super().__init__(*(Cast(field, TextField()) for field in fields), Value(text))

    def as_sql(self, compiler, connection, **extra):
        *fields, text = self.get_source_expressions()
        compiled = [compiler.compile(part) for part in fields]
        words = f"kz_search_words({', '.join(sql for sql, _params in compiled)})"
        words_params = [param for _sql, params in compiled for param in params]
        text_sql, text_params = compiler.compile(text)
        sql, params = [], []
        for rank in (1, 2):
            lookup = _LOOKUP.format(lexicon=self.lexicon, text=text_sql, rank=rank)
            sql.append(f"{words} && {lookup}")
            params += [*words_params, *text_params]
        return f"(({sql[0]} AND {sql[1]}) OR {words} @> ARRAY['']::text[])", [*params, *words_params]


class Contains(Func):
    """``strpos(UPPER(field), UPPER(text)) > 0``: ``field__icontains=text`` (the same
    literal, case-blind substring test), in a form no trigram index answers, for rows a
    ``WordsMatch`` has found."""

    output_field = BooleanField()
    template = "strpos(UPPER(%(expressions)s)) > 0"
    arg_joiner = "), UPPER("

    def __init__(self, field, text: str):
        super().__init__(field, Value(text))


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


def among(field: str, ids: QuerySet, *, shared: bool = False) -> Q:
    """``field IN (ids)`` for a subquery of ids (a search's union of indexed lookups).

    On PostgreSQL it is written ``field = ANY(ARRAY(ids))``: the ids are computed once
    and each row is fetched by index. With ``IN (subquery)`` the planner estimates the
    subquery's size and, from a few hundred ids up (a common first name), hash-joins
    the whole table instead: a sequential scan of 100,000 persons, 50–90 ms
    (docs/performance.md). ``shared``: the ids' SQL is written the same wherever the
    subquery stands, so that a statement holding it twice runs it once
    (``shared_subqueries``)."""
    ids = ids.order_by()
    if ids.query.is_empty():  # nothing to look for ("%": no name key): ARRAY(NULL) is an error
        return Q(**{f"{field}__in": []})
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return Q(_AnyOfArray(F(field), SharedSubquery(ids) if shared else Subquery(ids)))


# Around a ``SharedSubquery``'s SQL: comments, so the SQL runs as it is where it is not shared.
_SHARED_START, _SHARED_END = "/*kz shared*/ ", " /*kz end*/"
_SHARED = re.compile(r"\(" + re.escape(_SHARED_START) + r"(.*?)" + re.escape(_SHARED_END) + r"\)", re.DOTALL)


class SharedSubquery(Subquery):
    """A subquery (uncorrelated) written as if it stood alone, between markers. Django
    names a subquery's tables by how deep it stands (``U0``, ``V0`` …), so the same
    search inside two queries was two texts; written alone it is one, and
    ``shared_subqueries`` runs it once per statement."""

    def __init__(self, queryset, **extra):
        self.alone = queryset
        super().__init__(queryset, **extra)

    def as_sql(self, compiler, connection, template=None, **extra):
        sql, params = self.alone.query.get_compiler(connection=connection).as_sql()
        return f"({_SHARED_START}{sql}{_SHARED_END})", list(params)


def shared_subqueries(sql: str, params: list) -> tuple[str, list]:
    """``sql`` with each ``SharedSubquery`` that occurs more than once (the same SQL and
    parameters) run once, in a ``MATERIALIZED`` CTE, and read from it wherever it
    occurred. The search page matched the persons twice: for the person group and for
    the cases that name them (docs/performance.md, "The person match run once"). Where
    the subqueries stand is worked out once per SQL text, the rewritten text once per
    pattern of equal ones; a request only compares parameters."""
    spans = _shared_spans(sql)
    if len(spans) < 2:
        return sql, params
    pattern = []  # for each subquery, the first one equal to it
    for place, (_start, _end, same_sql, first, last) in enumerate(spans):
        earlier = (
            other
            for other, (_s, _e, other_sql, other_first, other_last) in enumerate(spans[:place])
            if other_sql == same_sql and params[other_first:other_last] == params[first:last]
        )
        pattern.append(next(earlier, place))
    if pattern == list(range(len(spans))):
        return sql, params
    rewritten, order = _rewritten(sql, tuple(pattern))
    return rewritten, [params[index] for index in order]


@lru_cache(maxsize=64)
def _shared_spans(sql: str) -> tuple[tuple[int, int, int, int, int], ...]:
    """Each ``SharedSubquery`` in ``sql``: (start, end, which SQL it is (the first span
    with its text), its first parameter, its last + 1)."""
    places = [start for start, _end, _lookup in _placeholders(sql)]
    spans, texts = [], {}
    for found in _SHARED.finditer(sql):
        first = sum(1 for place in places if place < found.start())
        last = first + sum(1 for place in places if found.start() <= place < found.end())
        spans.append((found.start(), found.end(), texts.setdefault(found.group(1), len(texts)), first, last))
    return tuple(spans)


@lru_cache(maxsize=64)
def _rewritten(sql: str, pattern: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """``sql`` with the subqueries ``pattern`` says are equal (each the index of the first
    equal one) in CTEs, and the indices of the parameters it takes, in order."""
    spans = _shared_spans(sql)
    parameters = len(_placeholders(sql))
    shared = {same for place, same in enumerate(pattern) if same != place}
    names = {same: f"kz_shared{number}" for number, same in enumerate(sorted(shared))}  # names of the code's
    ctes, first_params, pieces, kept, position, taken = [], [], [], [], 0, 0
    for place, (start, end, _sql, first, last) in enumerate(spans):
        same = pattern[place]
        if same not in shared:
            continue
        if same == place:
            inner = _SHARED.fullmatch(sql, start, end).group(1)
            ctes.append(f"{names[same]} AS MATERIALIZED ({inner})")
            first_params += range(first, last)
        pieces += [sql[position:start], f"(SELECT * FROM {names[same]})"]  # noqa: S608
        kept += range(taken, first)
        position, taken = end, last
    pieces.append(sql[position:])
    kept += range(taken, parameters)
    return with_ctes(ctes, "".join(pieces)), (*first_params, *kept)


def with_ctes(ctes: list[str], sql: str) -> str:
    """``sql`` with ``ctes`` (``name AS (…)``) first in its ``WITH``."""
    if sql.startswith("WITH "):
        return f"WITH {', '.join(ctes)}, {sql.removeprefix('WITH ')}"
    return f"WITH {', '.join(ctes)} {sql}"


# Stand-ins for the searched text while a search query is compiled once (``search_rows``).
# "_" shows whether Django used the text as written or LIKE-escaped; the probe, full of
# characters LIKE escapes, checks that the mapping reproduces Django's parameters.
_STAND_IN, _PROBE = "zq_xz", "Jwort%y\\v_q x"


class Compiled(NamedTuple):
    """A search compiled once (``_compile``)."""

    sql: str
    slots: list  # one function per parameter: its value for a text's forms
    names: list[str]  # the columns, in the order of the SELECT
    converted: bool  # a column only Django's converters read: rows go through the ORM
    json_columns: list | None  # how each column is read back from JSON; None: not from JSON


_COMPILED: dict[str, Compiled | None] = {}


def search_rows(shape: str, build: Callable[[str], QuerySet], text: str) -> list[dict]:
    """The rows of ``build(text)``, a ``values()`` query, as dicts; on PostgreSQL from
    SQL compiled once per ``shape`` (``compiled``)."""
    found = compiled(shape, build, text)
    if found is None or _COMPILED[shape].converted:
        return list(build(text))
    names = _COMPILED[shape].names
    with prepared.cursor(connection) as cursor:  # planned once per connection
        cursor.execute(*found)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def search_groups(searches: dict[str, tuple[str, Callable[[str], QuerySet]]], text: str) -> dict[str, list[dict]]:
    """``{name: search_rows(shape, build, text)}`` for ``searches`` (name → (shape,
    build)); on PostgreSQL the compiled ones in one statement, each as one JSON array.

    The search page's five text searches, run one by one, cost more around them than in
    them: a statement's round trip, transaction and executor start, its cursor and rows in
    Python came to ~0.2 ms each on either side, where three of them find nothing in
    0.02–0.05 ms. As ``SELECT (SELECT json_agg(q) FROM (…) q), …`` they are one statement,
    prepared once per connection like the rest (docs/performance.md, "One statement for
    five searches"). Each subquery keeps its own ``ORDER BY`` and ``LIMIT``, and
    ``json_agg`` of a subquery's rows takes them in its order. JSON carries numbers, text,
    booleans and nulls as they are; dates and uuids come back as text and are read back
    (``Compiled.json_columns``). A search that is not compiled (``compiled``) runs on its own."""
    values = _values(text) if connection.vendor == "postgresql" else None  # the text's forms, once
    found = {name: compiled(shape, build, text, values) for name, (shape, build) in searches.items()}
    together = [
        name for name, sql in found.items() if sql is not None and _COMPILED[searches[name][0]].json_columns is not None
    ]
    rows = {}
    if len(together) > 1:
        parts, params = [], []
        for name in together:
            sql, values = found[name]
            # compiled SQL of the code's own queries; the searched text is only ever a parameter
            parts.append(f"(SELECT json_agg(q) FROM ({sql}) AS q)")  # noqa: S608
            params += values
        sql, params = shared_lookups(*shared_subqueries(f"SELECT {', '.join(parts)}", params))  # noqa: S608
        with prepared.cursor(connection) as cursor:
            cursor.execute(sql, params)
            arrays = cursor.fetchone()
        for name, array in zip(together, arrays, strict=True):
            rows[name] = _from_json(searches[name][0], array)
    for name, (shape, build) in searches.items():
        if name not in rows:
            rows[name] = search_rows(shape, build, text)
    return {name: rows[name] for name in searches}


def shared_lookups(sql: str, params: list) -> tuple[str, list]:
    """``sql`` with each distinct ``WordsMatch`` lookup (lexicon, rank, text) run once, in a
    ``MATERIALIZED`` CTE, and read from it wherever it occurred. PostgreSQL runs equal
    subqueries once each: the search page asked the name lexicon the same two questions
    six times in its person search and six more in its case search's persons, ~0.35 ms
    of a 1.7 ms statement (docs/performance.md, "Searches in one statement")."""
    shared, pieces, kept, position = {}, [], [], 0
    for (start, end, lookup), value in zip(_placeholders(sql), params, strict=True):
        if lookup is None:
            kept.append(value)
            continue
        name = shared.setdefault((lookup, value), f"w{len(shared)}")  # a name of the code's
        pieces += [sql[position:start], f"(SELECT {name} FROM kz_lookups)"]  # noqa: S608
        position = end
    if not shared:
        return sql, params
    pieces.append(sql[position:])
    columns = ", ".join(f"{lookup} AS {name}" for (lookup, _text), name in shared.items())
    first = [text for _lookup, text in shared]
    return with_ctes([f"kz_lookups AS MATERIALIZED (SELECT {columns})"], "".join(pieces)), [*first, *kept]


@lru_cache(maxsize=64)
def _placeholders(sql: str) -> tuple[tuple[int, int, str | None], ...]:
    """Each parameter's place in ``sql``: (start, end, the ``WordsMatch`` lookup around
    it, else None). Read once per text (the code's compiled SQL, a few texts)."""
    return tuple(
        (token.start(), token.end(), token.group("lookup")) for token in _TOKENS.finditer(sql) if token.group() != "%%"
    )


# Columns JSON gives back as text, by Django's field type, and how each is read back.
_FROM_TEXT = {"UUIDField": uuid.UUID, "DateField": datetime.date.fromisoformat}
_AS_IS = {"AutoField", "BigAutoField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"}
_AS_IS |= {"SmallIntegerField", "BigIntegerField", "CharField", "TextField", "SlugField", "BooleanField"}


def _read_back(compiler, names: list[str]) -> list[tuple[str, Callable | None]] | None:
    """Each column with the function that reads it back from JSON (None: as it is), or
    None when a column has a type JSON would change otherwise. ``names`` are the columns
    in the order of the ``SELECT`` (``_names``). A field that makes something of the
    database's value (``from_db_value``: only the ORM's converters apply it) is not read
    from JSON, unless it is JSON itself."""
    if len(compiler.select) != len(names):
        return None
    columns = []
    for name, (expression, _sql, _alias) in zip(names, compiler.select, strict=True):
        field = expression.output_field
        kind = field.get_internal_type()
        base = field.base_field if kind == "ArrayField" else field
        if base.get_internal_type() == "JSONField" and base.decoder is None:
            kind = "JSONField"  # JSON in either case (an array's objects: read back by the caller)
        elif hasattr(field, "from_db_value"):
            return None
        if kind not in _AS_IS and kind != "JSONField" and kind not in _FROM_TEXT:
            return None
        columns.append((name, _FROM_TEXT.get(kind)))
    return columns


class _OrjsonLoader(JsonLoader):
    """psycopg's ``json`` loader, reading with ``orjson.loads`` (bytes or memoryview)."""

    def load(self, data):
        return orjson.loads(data)


def read_json_fast(sender, connection, **kwargs) -> None:
    """On a new PostgreSQL connection: ``json`` values (the search page's groups,
    ``search_groups``) read by ``orjson.loads`` in less than half the time of
    ``json.loads`` (~150 → ~65 µs for a page's rows). For those rows (strings, small
    integers, booleans, nulls) the values are the same; orjson differs only on numbers
    they never hold (an integer beyond 64 bits reads as a float, ``1e400`` is refused).
    Only ``json``: Django reads ``jsonb`` (its JSON fields) as text and decodes it
    itself."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_loader("json", _OrjsonLoader)


def _from_json(shape: str, array) -> list[dict]:
    if isinstance(array, str):  # a connection that leaves json as text
        array = json.loads(array)
    columns = _COMPILED[shape].json_columns
    return [{name: _read(read, row[name]) for name, read in columns} for row in array or ()]


def _read(read: Callable | None, value):
    return value if read is None or value is None else read(value)


def among_sql(field: str, sql: str, params: list) -> Q:
    """``among`` for ids selected by ``sql`` (PostgreSQL): the code's own SQL, compiled
    from its queries; the searched text only ever one of ``params``."""
    return Q(_AnyOfArray(F(field), RawSQL(sql, params)))  # noqa: S611


def among_search(field: str, shape: str, build: Callable[[str], QuerySet | None], text: str) -> Q:
    """``among(field, build(text))`` (no match when ``build`` gives None), on PostgreSQL
    with the ids' SQL compiled once per ``shape`` (``compiled``)."""

    def ids(text):
        found = build(text)
        return None if found is None else found.order_by()  # a union gets its model's order

    found = compiled(shape, ids, text)
    if found is not None:  # Django's own SQL; the searched text is only ever a parameter
        return among_sql(field, *found)
    ids = build(text)
    return among(field, ids) if ids is not None else Q(**{f"{field}__in": []})


def compiled(
    shape: str, build: Callable[[str], QuerySet], text: str, values: dict[str, str] | None = None
) -> tuple[str, list] | None:
    """The SQL and parameters of ``build(text)`` on PostgreSQL, compiled once per process
    and ``shape`` (whatever else the query depends on); None where it must be built.

    Building and compiling the searches (unions of indexed lookups, a rank, subqueries)
    cost ~5 ms of Python each, more than running them, and only the searched text
    changes between requests. ``build`` is compiled once with a stand-in text, and each
    search runs that SQL with its own text in the stand-in's place: as written where
    the query used it as written, LIKE-escaped where Django escaped it, its ``name_key``
    where the query used that. The mapping is checked once against a second compilation;
    a query it does not reproduce, a text too short to be searched inside names or
    without a word of ``INSIDE`` letters (another query: ``has_word``) and other
    databases are built every time (docs/performance.md). ``values`` are ``text``'s forms
    (``_values``) when the caller has them already."""
    if connection.vendor != "postgresql":
        return None
    values = values or _values(text)
    if is_short(values["key"]) or is_short(values["text"]):
        return None
    if not (has_word(values["key"]) and has_word(values["text"])):  # the query has another shape
        return None
    if shape not in _COMPILED:
        _COMPILED[shape] = _compile(build)
    if _COMPILED[shape] is None:
        return None
    found = _COMPILED[shape]
    return found.sql, [slot(values) for slot in found.slots]


def _values(text: str) -> dict[str, str]:
    text = search_text(text)
    return {"text": text, "like": connection.ops.prep_for_like_query(text), "key": name_key(text)}


def _compile(build: Callable[[str], QuerySet]) -> Compiled | None:
    """``build`` compiled, or None if the stand-in cannot be told apart from the rest of
    the parameters or the probe is not reproduced."""
    query = build(_STAND_IN).query
    sql, params = query.sql_with_params()
    names = _names(query)
    forms = {value: name for name, value in _values(_STAND_IN).items()}
    if len(forms) != 3:
        return None
    pattern = re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))
    slots = [_slot(param, pattern, forms) for param in params]
    probe_sql, probe_params = build(_PROBE).query.sql_with_params()
    probe = _values(_PROBE)
    if probe_sql != sql or [slot(probe) for slot in slots] != list(probe_params):
        return None
    compiler = query.get_compiler(connection=connection)
    compiler.setup_query()
    converted = bool(compiler.get_converters([column[0] for column in compiler.select]))
    return Compiled(sql, slots, names, converted, _read_back(compiler, names))


def _names(query) -> list[str]:
    """The names of a ``values()`` query's columns in the order of its ``SELECT``, as
    Django's ``ValuesIterable`` reads them: in the order ``values()`` names them (an
    annotation may come before a field), else extra columns, fields, annotations."""
    if query.selected:
        return list(query.selected)
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def _slot(param, pattern: re.Pattern, forms: dict[str, str]) -> Callable[[dict], object]:
    if not isinstance(param, str) or not pattern.search(param):
        return lambda values: param
    return lambda values: pattern.sub(lambda match: values[forms[match.group()]], param)
