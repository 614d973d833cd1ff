"""CSV for every list: flat columns, streamed row by row with the same filters.

Columns come from the list serializer: nested objects become ``parent.child``
columns (``location.id``, ``opened_on.precision``), lists become one column joined
with ``; ``. Cells that a spreadsheet would run as a formula are prefixed with ``'``.
On PostgreSQL, ``kazmonitor.api.csv_copy`` writes some lists with the database's
``COPY`` instead, to the same bytes."""

import csv
import json

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from kazmonitor.api.fast_rows import rows as fast_rows

CSV_CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)
LIST_SEPARATOR = "; "


class CSVRenderer(BaseRenderer):
    """Negotiated by ``?format=csv`` or ``Accept: text/csv``. Lists stream through
    ``stream_csv``; this renders what is left (a single object)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else list(data)
        columns: list[str] = []
        flat_rows = []
        for row in rows:
            flat = flatten(row)
            columns += [c for c in flat if c not in columns]
            flat_rows.append(flat)
        buffer = _Echo()
        writer = csv.writer(buffer)
        out = [writer.writerow(columns)]
        out += [writer.writerow([flat.get(c, "") for c in columns]) for flat in flat_rows]
        return "".join(out).encode("utf-8")


class _Echo:
    def write(self, value):
        return value


def cell(value) -> str:
    """What a CSV cell shows for a representation's ``value``."""
    if type(value) is str:
        if value and value[0] in _FORMULA_CHARS and not _is_number(value):
            return "'" + value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell(_list_item(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _list_item(item):
    if isinstance(item, dict):
        for key in ("id", "name", "label", "text"):
            if key in item:
                return item[key]
    return item


def flatten(data: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not getattr(value, "_csv_as_json", False):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = cell(value)
    return flat


def columns_of(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns += columns_of(field, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _empty_of(serializer: serializers.Serializer, prefix: str = "") -> dict[str, str]:
    return dict.fromkeys(columns_of(serializer, prefix), "")


def _nested(value) -> bool:
    """``flatten`` spreads this value over ``parent.child`` columns."""
    return isinstance(value, dict) and (type(value) is dict or not getattr(value, "_csv_as_json", False))


def spec_of(serializer: serializers.Serializer) -> list[tuple]:
    """``columns_of`` as a tree: ``(name, children or None, width)`` per field."""
    spec = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            children = spec_of(field)
            spec.append((name, children, sum(width for _name, _children, width in children)))
        else:
            spec.append((name, None, 1))
    return spec


def _leaf(value) -> str:
    return "" if _nested(value) else cell(value)


def cells_function(spec: list[tuple]):
    """The cells of a row's ``data`` in ``columns_of`` order: the same as
    ``flatten(data).get(column, "")`` for each column, without the flat dict, the
    walk over ``spec`` unrolled into Python source once per export."""
    lines: list[str] = []

    def emit(spec, data: str, depth: int, indent: str):
        for name, children, width in spec:
            value = f"v{depth}"
            if children is None:
                # A missing key reads as "" (its cell is "" too); plain text skips cell().
                lines.append(f"{indent}{value} = {data}.get({name!r}, '')")
                lines.append(
                    f"{indent}out({value} if {value}.__class__ is str and "
                    f"(not {value} or {value}[0] not in FORMULA) else leaf({value}))"
                )
            else:
                lines.append(f"{indent}{value} = {data}.get({name!r})")
                lines.append(f"{indent}if {value}.__class__ is dict or nested({value}):")
                emit(children, value, depth + 1, indent + "    ")
                lines.append(f"{indent}else:")
                lines.append(f"{indent}    extend({[''] * width!r})")

    emit(spec, "data", 0, "    ")
    source = "def cells(data):\n    row = []\n    out, extend = row.append, row.extend\n"
    source += "\n".join(lines) + "\n    return row\n"
    namespace = {"FORMULA": _FORMULA_CHARS, "leaf": _leaf, "nested": _nested}
    exec(compile(source, "<csv cells>", "exec"), namespace)  # noqa: S102
    return namespace["cells"]


def stream_csv(serializer: serializers.Serializer, queryset, filename: str) -> StreamingHttpResponse:
    """Stream ``queryset`` (already filtered and ordered) as CSV rows of ``serializer``."""
    columns = columns_of(serializer)
    cells = cells_function(spec_of(serializer))
    represent = serializer.to_representation

    def rows():
        writerow = csv.writer(_Echo()).writerow
        yield header_line(columns)
        # One write to the socket per chunk of rows, not per row.
        lines = []
        for instance in fast_rows(queryset, CSV_CHUNK):
            lines.append(writerow(cells(represent(instance))))
            if len(lines) == CSV_CHUNK:
                yield "".join(lines)
                lines.clear()
        if lines:
            yield "".join(lines)

    return csv_response(rows(), filename)


def header_line(columns: list[str]) -> str:
    """The first line of a streamed export: a byte order mark (for spreadsheets) and the columns."""
    return "\ufeff" + csv.writer(_Echo()).writerow(columns)


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
