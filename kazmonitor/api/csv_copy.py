"""CSV exports written by PostgreSQL: ``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)``.

The Python writer (``kazmonitor.api.csv``) builds a model instance, a representation
and a row of cells per record (8,400 rows a second for the whole case list); COPY
writes 40,000 (``bench/serialization.py``). For the lists named in ``COPY_COLUMNS``
the database formats every cell itself, byte for byte as ``cell`` does with the
serializer's representation (``tests/test_api_csv_copy.py`` holds the two paths to that):

- the statement is the view's own queryset (its filters, reader level, ordering)
  with the cells as annotations, so what is exported is decided in one place;
- every value reaches SQL as a bound parameter, never spliced into the text;
- text that a spreadsheet would run as a formula gets the leading ``'``, unless
  Python's ``float()`` reads it as a number (``number_pattern()`` is that grammar);
- empty cells are NULL: COPY writes NULL as nothing, as ``csv`` writes ``""``
  (an empty string COPY would write as ``""``, quoted);
- lines end in ``\\r\\n`` as the ``csv`` module writes them (COPY ends them in ``\\n``).

Anything else (SQLite, a serializer not listed, a date format this module cannot
write in SQL) goes through the Python writer."""

import datetime
import functools
import sys
from contextlib import nullcontext

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Expression, F, OuterRef, StringAgg, Subquery, TextField, Value
from django.db.models.manager import BaseManager
from django.utils import formats
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.module_loading import import_string

from kazmonitor.api import csv as python_csv
from kazmonitor.api.fields import api_url
from kazmonitor.dates import DatePrecision

# Serializer class → function(context) returning its ``[(column, expression), ...]``.
COPY_COLUMNS = {"cases.serializers.CaseSerializer": "cases.csv_copy.case_columns"}
BLOCK_BYTES = 64 * 1024  # one write to the socket per block of rows


class Unsupported(Exception):
    """This export cannot be written by the database: use the Python writer."""


def stream_csv(serializer, queryset, filename: str):
    """``kazmonitor.api.csv.stream_csv``, written by PostgreSQL where it can be."""
    statement = copy_statement(serializer, queryset)
    if statement is None:
        return python_csv.stream_csv(serializer, queryset, filename)
    header = python_csv.header_line(python_csv.columns_of(serializer))
    return python_csv.csv_response(_with_header(header, copy_rows(queryset.db, *statement)), filename)


def _with_header(header: str, rows):
    yield header.encode("utf-8")
    yield from rows


def copy_statement(serializer, queryset) -> tuple[str, list] | None:
    """The ``COPY`` statement and its parameters for this export, or ``None``."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    cls = type(serializer)
    path = COPY_COLUMNS.get(f"{cls.__module__}.{cls.__qualname__}")
    if path is None:
        return None
    try:
        columns = import_string(path)(serializer.context)
    except Unsupported:
        return None
    if [name for name, _expression in columns] != python_csv.columns_of(serializer):
        return None  # the serializer changed: its columns are no longer these
    cells = {f"csv_cell_{i}": Sql("NULLIF({}, '')", expression) for i, (_name, expression) in enumerate(columns)}
    query = queryset.annotate(**cells).values_list(*cells).query
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing: no statement to run
        return None
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", list(params)


def copy_rows(db: str, statement: str, params: list):
    """The rows of ``statement`` in blocks of bytes, as they arrive (a savepoint or a
    short transaction around them: closing the generator mid-way cancels the COPY and
    leaves the connection usable)."""
    connection = connections[db]
    with transaction.atomic(using=db), connection.cursor() as cursor, connection.wrap_database_errors:
        # A whole list is estimated costly enough for JIT compilation, which then takes
        # as long as the export itself (5 s of 10 for 160,000 cases): off until this
        # transaction ends (inside a caller's transaction, until that one ends).
        cursor.execute("SELECT set_config('jit', 'off', true)")
        logged = cursor.debug_sql(statement, params) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged, cursor.cursor.copy(statement, params) as copy:
            block = bytearray()
            for row in copy:  # one CopyData message per row, ending in "\n"
                block += row[:-1]
                block += b"\r\n"
                if len(block) >= BLOCK_BYTES:
                    yield bytes(block)
                    block.clear()
            if block:
                yield bytes(block)


class Sql(Expression):
    """``template`` with each ``{}`` replaced by the SQL of the next expression (plain
    values become bound parameters)."""

    def __init__(self, template: str, *expressions):
        super().__init__(output_field=TextField())
        self.template = template
        self.expressions = [e if hasattr(e, "resolve_expression") else Value(e) for e in expressions]
        if template.count("{}") != len(self.expressions):
            raise ValueError("one expression per {}")

    def get_source_expressions(self):
        return self.expressions

    def set_source_expressions(self, exprs):
        self.expressions = list(exprs)

    def as_sql(self, compiler, connection):
        parts = self.template.split("{}")
        sql, params = [parts[0]], []
        for expression, part in zip(self.expressions, parts[1:], strict=True):
            expression_sql, expression_params = compiler.compile(expression)
            sql += [expression_sql, part]
            params += expression_params
        return "".join(sql), params


def _char_class(chars) -> str:
    """A regex bracket expression of ``chars``, as ranges of consecutive code points."""
    codes = sorted(ord(c) for c in chars)
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


@functools.cache
def number_pattern() -> str:
    """What ``float()`` accepts: any Unicode decimal digit, single ``_`` between digits,
    surrounding whitespace (``str.isspace`` but the ASCII separators ``\\x1c``-``\\x1f``),
    ``inf``/``infinity``/``nan`` in any case."""
    every = map(chr, range(sys.maxunicode + 1))
    digits, spaces = [], []
    for c in every:
        if c.isdecimal():
            digits.append(c)
        elif c.isspace() and not "\x1c" <= c <= "\x1f":
            spaces.append(c)
    d, s = _char_class(digits), _char_class(spaces)
    integer = f"{d}(_?{d})*"
    finite = f"({integer}(\\.({integer})?)?|\\.{integer})([eE][-+]?{integer})?"
    special = "[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN]"
    return f"^{s}*[-+]?({finite}|{special}){s}*$"


_FORMULA_CODES = ", ".join(str(ord(c)) for c in sorted(python_csv.FORMULA_START))


def text(expression) -> Sql:
    """A text cell: ``cell()`` of the value (a leading ``'`` on formula-like text)."""
    if isinstance(expression, str):
        expression = F(expression)
    return Sql(
        f"CASE WHEN ascii({{}}) IN ({_FORMULA_CODES}) THEN CASE WHEN {{}} ~ {{}} THEN {{}} ELSE '''' || {{}} END "
        "ELSE {}::text END",
        expression,
        expression,
        number_pattern(),
        expression,
        expression,
        expression,
    )


def safe_text(expression) -> Sql:
    """A cell that never starts with a formula character (a UUID, a date)."""
    return Sql("{}::text", F(expression) if isinstance(expression, str) else expression)


def absolute_url(context: dict, basename: str, lookup) -> Expression:
    """``api_url(context, basename, lookup)``: the list's absolute URL, the lookup, ``/``."""
    lookup = F(lookup) if isinstance(lookup, str) else lookup
    prefix = api_url(context, basename, "")
    if prefix is None:
        return Value(None, output_field=TextField())
    prefix = prefix[:-1]
    if python_csv.cell(prefix + "x") != prefix + "x":
        raise Unsupported  # a URL a spreadsheet would run: leave it to cell()
    return Sql("{} || {} || '/'", prefix, lookup)


def visible(visibility: str, level: int, expression) -> Sql:
    """``expression`` where the referenced record's ``visibility`` is at least ``level``."""
    return Sql("CASE WHEN {} >= {} THEN {} END", F(visibility), int(level), expression)


def flags(names: dict[str, str]) -> Sql:
    """A list of the names whose boolean field is true, joined as ``cell()`` joins lists."""
    terms = ", ".join(["CASE WHEN {} THEN {} END"] * len(names))
    arguments = [x for field, name in names.items() for x in (F(field), python_csv.cell(name))]
    return Sql(f"concat_ws({{}}, {terms})", python_csv.LIST_SEPARATOR, *arguments)


def utc_datetime(field: str) -> Sql:
    """``UtcDateTimeField``: ``2022-06-01T07:00:00Z``, with microseconds when there are any."""
    return Sql(
        "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        "|| CASE WHEN date_trunc('second', {}) = {} THEN '' ELSE to_char({} AT TIME ZONE 'UTC', '.US') END || 'Z'",
        *[F(field)] * 4,
    )


def many_to_many(model, field_name: str, item: str) -> Subquery:
    """A prefetched many-to-many list of references as ``cell()`` writes it: each
    target's ``item`` (its ``id``), in the target's ``Meta.ordering`` then link order
    (as ``prefetch_related`` and ``fast_rows`` order them)."""
    field = model._meta.get_field(field_name)
    through, target = field.remote_field.through, field.related_model
    if type(target._default_manager).get_queryset is not BaseManager.get_queryset:
        raise Unsupported  # prefetch_related reads the targets through a manager that filters
    source, to = field.m2m_field_name(), field.m2m_reverse_field_name()
    order = [f"-{to}__{term[1:]}" if term.startswith("-") else f"{to}__{term}" for term in target._meta.ordering]
    items = StringAgg(text(f"{to}__{item}"), Value(python_csv.LIST_SEPARATOR), order_by=[*order, "pk"])
    links = through._default_manager.filter(**{source: OuterRef("pk")}).order_by()
    return Subquery(links.values(source).annotate(items=items).values("items"))


def partial_date(attr: str, precision_attr: str = "") -> list[tuple[str, Expression]]:
    """``PartialDate(attr)``'s three cells: ``date``, ``precision``, ``display`` (all
    empty without a date); ``display`` in the active language, as ``format_partial_date``."""
    value, precision = F(attr), F(precision_attr or f"{attr}_precision")
    year_month, year_month_safe = date_format(value, formats.get_format("YEAR_MONTH_FORMAT"))
    day, day_safe = date_format(value, formats.get_format("DATE_FORMAT"))
    display = Sql(
        "CASE WHEN {} = {} THEN extract(year FROM {})::int::text WHEN {} = {} THEN {} ELSE {} END",
        precision,
        DatePrecision.YEAR.value,
        value,
        precision,
        DatePrecision.MONTH.value,
        year_month,
        day,
    )
    if not (year_month_safe and day_safe):
        display = text(display)
    return [
        (f"{attr}.date", Sql("to_char({}, 'YYYY-MM-DD')", value)),
        (f"{attr}.precision", Sql("CASE WHEN {} IS NOT NULL THEN {} END", value, text(precision))),
        (f"{attr}.display", Sql("CASE WHEN {} IS NOT NULL THEN {} END", value, display)),
    ]


_MONTHS = [datetime.date(2000, month, 1) for month in range(1, 13)]
_DAYS = [datetime.date(2000, 1, day) for day in range(1, 32)]
_BY_MONTH = set("bEFMNmn")
_BY_DAY = set("djS")
_BY_YEAR = {"Y": "YYYY", "y": "YY"}


def date_format(value: Expression, format_string: str) -> tuple[Sql, bool]:
    """``django.utils.dateformat.format(value, format_string)`` in SQL (names of months
    and days formatted by Django in the active language, passed as arrays), and whether
    its text surely starts with no formula character (else it needs ``text()``)."""
    template, arguments, starts = [], [], []
    for i, piece in enumerate(re_formatchars.split(str(format_string))):
        if not i % 2:
            if piece:
                literal = re_escaped.sub(r"\1", piece)
                template.append("{}")
                arguments.append(literal)
                starts.append([literal])
        elif piece in _BY_MONTH or piece in _BY_DAY:
            dates, part = (_MONTHS, "month") if piece in _BY_MONTH else (_DAYS, "day")
            names = [str(getattr(DateFormat(d), piece)()) for d in dates]
            template.append(f"({{}}::text[])[extract({part} FROM {{}})::int]")
            arguments += [names, value]
            starts.append(names)
        elif piece in _BY_YEAR:
            template.append(f"to_char({{}}, '{_BY_YEAR[piece]}')")
            arguments.append(value)
            starts.append(["0"])
        else:
            raise Unsupported(f"date format character {piece!r}")
    if not template:
        return Sql("''"), False
    safe = all(name and name[0] not in python_csv.FORMULA_START for name in starts[0])
    return Sql(" || ".join(template), *arguments), safe
