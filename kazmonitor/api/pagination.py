"""Keyset ("cursor") pagination and the ordering it pages along.

A page is fetched with ``WHERE (field, pk) > (last seen) ORDER BY field, pk LIMIT n``,
so page 10,000 costs what page 1 costs, and rows inserted or removed elsewhere never
shift a partner's position. The cursor is opaque to clients: the last row's ordering
values and database id, sealed (``seal``: encrypted and authenticated under a key drawn
from ``SECRET_KEY``), so a cursor neither shows nor lets anyone change what it holds. A
person's id does not change when their identity is protected; a readable cursor ending
on them before and one after would have linked the real name to the pseudonym, and a
cursor made by hand would find any row's id. A cursor that is not sealed, or does not
open, parse or fit the current ordering, is a 400 naming ``cursor``."""

import base64
import binascii
import datetime
import decimal
import hmac
import json
import uuid
from collections import OrderedDict
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Func, Q
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from kazmonitor.api.fast_rows import fetch_all

ORDERING_PARAM = "ordering"
CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"


def _ordering_choices(view) -> dict[str, str]:
    return dict(getattr(view, "ordering_fields", {}) or {})


def parse_ordering(request, view) -> list[tuple[str, bool]]:
    """``[(model field path, descending), …, ("pk", False)]`` for the request, or 400."""
    choices = _ordering_choices(view)
    raw = request.query_params.get(ORDERING_PARAM) or getattr(view, "ordering", "") or ""
    name = raw.lstrip("-")
    if name not in choices or raw.count("-") > 1 or "," in raw:
        allowed = ", ".join(sorted(choices)) or "none"
        raise ValidationError(
            {ORDERING_PARAM: [f"Unknown ordering {raw[:60]!r}. Use one of: {allowed} (prefix '-' for descending)."]}
        )
    return [(choices[name], raw.startswith("-")), ("pk", False)]


def order_by_keys(queryset, keys: list[tuple[str, bool]], reverse: bool = False):
    """NULL sorts as the largest value (PostgreSQL's own order), so the indexes on
    the ordering fields serve these queries: last going up, first going down."""
    terms = []
    for path, desc in keys:
        desc = desc != reverse
        terms.append(F(path).desc(nulls_first=True) if desc else F(path).asc(nulls_last=True))
    return queryset.order_by(*terms)


class KeysetOrdering(BaseFilterBackend):
    """``?ordering=field`` or ``?ordering=-field`` over ``view.ordering_fields``; ties
    are broken by the primary key so the order is total (keyset pagination needs it)."""

    def filter_queryset(self, request, queryset, view):
        keys = parse_ordering(request, view)
        request.api_ordering = keys
        return order_by_keys(queryset, keys)

    def get_schema_operation_parameters(self, view):
        choices = sorted(_ordering_choices(view))
        if not choices:
            return []
        return [
            {
                "name": ORDERING_PARAM,
                "required": False,
                "in": "query",
                "description": "Sort by this field; prefix '-' for descending. Default: "
                + (getattr(view, "ordering", "") or choices[0]),
                "schema": {"type": "string", "enum": [*choices, *(f"-{c}" for c in choices)]},
            }
        ]


class NeverNull(Func):
    """An ordering expression that is never NULL, declared so (its SQL is unchanged, so an
    index on the expression still serves it). A cursor on it can start an index range
    (``_start``); on another computed value it cannot, for NULL sorts last and has no
    place in a range. Only for expressions that cannot be NULL: e.g. a ``Case`` whose
    every branch is a NOT NULL column or a ``Coalesce`` ending in one."""

    template = "%(expressions)s"


# Sealed cursors: SIV-style deterministic authenticated encryption from HMAC-SHA256.
# The tag is an HMAC of the plain payload and serves as the nonce of an HMAC counter-mode
# keystream; opening recomputes the tag. Deterministic, so one row's cursor is the same
# text on every page that ends on it (answers stay byte-identical and cacheable); a
# change of anything it holds (a protected person's public name) gives an unrelated one.
SEALED = "v1."  # what a sealed cursor starts with ("." is never in base64url)
_TAG = 16


@lru_cache(maxsize=4)
def _cursor_keys(secret: str) -> tuple[bytes, bytes]:
    tag = salted_hmac("kazmonitor.api.cursor", "tag", secret=secret, algorithm="sha256").digest()
    stream = salted_hmac("kazmonitor.api.cursor", "stream", secret=secret, algorithm="sha256").digest()
    return tag, stream


def _keystream(key: bytes, tag: bytes, length: int) -> bytes:
    blocks = (hmac.digest(key, tag + n.to_bytes(4, "big"), "sha256") for n in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data) ^ int.from_bytes(stream)).to_bytes(len(data))


def seal(payload: bytes) -> str:
    tag_key, stream_key = _cursor_keys(settings.SECRET_KEY)
    tag = hmac.digest(tag_key, payload, "sha256")[:_TAG]
    hidden = _xor(payload, _keystream(stream_key, tag, len(payload)))
    return SEALED + base64.urlsafe_b64encode(tag + hidden).decode("ascii").rstrip("=")


def unseal(token: str) -> bytes | None:
    """The payload of a cursor ``seal`` made with this ``SECRET_KEY``, else None."""
    try:
        raw = base64.urlsafe_b64decode(token.removeprefix(SEALED).encode("ascii") + b"==")
    except (ValueError, binascii.Error):
        return None
    tag, hidden = raw[:_TAG], raw[_TAG:]
    tag_key, stream_key = _cursor_keys(settings.SECRET_KEY)
    payload = _xor(hidden, _keystream(stream_key, tag, len(hidden)))
    expected = hmac.digest(tag_key, payload, "sha256")[:_TAG]
    return payload if len(tag) == _TAG and hmac.compare_digest(tag, expected) else None


def _to_json(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _resolve_field(queryset, path: str):
    model = queryset.model
    if path == "pk":
        return model._meta.pk
    if path in queryset.query.annotations:
        return queryset.query.annotations[path].output_field
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def _encodable(text: str) -> bool:
    """Whether ``text`` can be sent to the database: JSON escapes can spell a lone
    surrogate (``"\\ud800"``), which no UTF-8 connection accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _value(instance, path: str):
    value = instance
    for part in ("pk" if path == "pk" else path).split("__"):
        value = getattr(value, part, None) if value is not None else None
    return value


def _after(keys, values, reverse: bool) -> Q:
    """Rows strictly after ``values`` in the (possibly reversed) order of ``keys``:
    a lexicographic comparison in which NULL is the largest value."""
    result = Q(pk__in=[])
    equal_so_far = Q()
    for (path, desc), value in zip(keys, values, strict=True):
        desc = desc != reverse
        if value is None:
            strictly = Q(**{f"{path}__isnull": False}) if desc else Q(pk__in=[])
            same = Q(**{f"{path}__isnull": True})
        else:
            strictly = (
                Q(**{f"{path}__lt": value}) if desc else Q(**{f"{path}__gt": value}) | Q(**{f"{path}__isnull": True})
            )
            same = Q(**{path: value})
        result |= equal_so_far & strictly
        equal_so_far &= same
    return result


def _start(queryset, keys, values, reverse: bool) -> Q:
    """A plain range on the first ordering field that ``_after`` implies, so the database
    starts its index scan at the cursor instead of reading and dropping every earlier row
    (an ``OR`` of comparisons is not an index range): page 1,000 costs what page 1 does."""
    (path, desc), value = keys[0], values[0]
    if path == "pk" or value is None:
        return Q()
    if desc != reverse:  # descending, NULL first: every later row is non-NULL and not larger
        return Q(**{f"{path}__lte": value})
    annotation = queryset.query.annotations.get(path)
    # A computed value may be NULL whatever its field says, unless declared ``NeverNull``.
    computed = "__" in path or (annotation is not None and not isinstance(annotation, NeverNull))
    if computed or (annotation is None and _resolve_field(queryset, path).null):  # ascending, NULL last: no range
        return Q()
    return Q(**{f"{path}__gte": value})


class KeysetPagination(BasePagination):
    """Opaque cursors over the order chosen by ``KeysetOrdering``."""

    def __init__(self):
        self.default_size = getattr(settings, "API_PAGE_SIZE", 50)
        self.max_size = getattr(settings, "API_MAX_PAGE_SIZE", 500)

    # --- parsing ------------------------------------------------------------------
    def get_page_size(self, request) -> int:
        raw = request.query_params.get(PAGE_SIZE_PARAM)
        if raw in (None, ""):
            return self.default_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_size:
            raise ValidationError({PAGE_SIZE_PARAM: [f"Must be a whole number from 1 to {self.max_size}."]})
        return int(raw)

    def decode_cursor(self, request, queryset, keys):
        raw = request.query_params.get(CURSOR_PARAM)
        if not raw:
            return None, False
        error = ValidationError({CURSOR_PARAM: ["Invalid cursor. Use the 'next' or 'previous' link of a page."]})
        try:
            # Only sealed cursors: a readable one (as issued before sealing) could be made
            # by hand, and a made cursor positioned at a chosen database id tells, by which
            # row comes next, the id of any row, a protected person's included.
            payload = unseal(raw) if raw.startswith(SEALED) else None
            if payload is None:
                raise error
            data = json.loads(payload.decode("utf-8"))
            values, reverse, ordering = data["p"], bool(data["r"]), data["o"]
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
            raise error from None
        if ordering != self._ordering_key(keys) or not isinstance(values, list) or len(values) != len(keys):
            raise error
        parsed = []
        for (path, _desc), value in zip(keys, values, strict=True):
            if value is not None and not isinstance(value, str | int | float):
                raise error
            if isinstance(value, str) and ("\x00" in value or len(value) > 1000 or not _encodable(value)):
                raise error
            try:
                parsed.append(None if value is None else _resolve_field(queryset, path).to_python(value))
            except (DjangoValidationError, FieldDoesNotExist, ValueError, TypeError, OverflowError):
                raise error from None
        if parsed[-1] is None:
            raise error
        return parsed, reverse

    @staticmethod
    def _ordering_key(keys) -> str:
        return ",".join(("-" if desc else "") + path for path, desc in keys)

    def encode_cursor(self, instance, keys, reverse: bool) -> str:
        values = [_to_json(_value(instance, path)) for path, _desc in keys]
        payload = {"o": self._ordering_key(keys), "p": values, "r": reverse}
        return seal(json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode("ascii"))

    # --- paging -------------------------------------------------------------------
    def paginate_queryset(self, queryset, request, view=None):
        keys = getattr(request, "api_ordering", None) or [("pk", False)]
        size, position, reverse = self.read_request(request, queryset, keys)
        rows = fetch_all(self.positioned(queryset, keys, position, reverse)[: size + 1])
        return self.page(rows, size, position, reverse)

    def read_request(self, request, queryset, keys) -> tuple[int, list | None, bool]:
        """The page size and the cursor's position and direction (a 400 when invalid); the
        request and ``keys`` are kept for the links."""
        self.request, self.keys = request, keys
        size = self.get_page_size(request)
        position, reverse = self.decode_cursor(request, queryset, keys)
        return size, position, reverse

    @staticmethod
    def positioned(queryset, keys, position, reverse: bool):
        """``queryset`` (in the order of ``keys``) going back if ``reverse``, from after
        ``position`` if there is one: a page's query but its ``LIMIT``."""
        if reverse:
            queryset = order_by_keys(queryset, keys, reverse=True)
        if position is not None:
            queryset = queryset.filter(_after(keys, position, reverse), _start(queryset, keys, position, reverse))
        return queryset

    def page(self, rows: list, size: int, position, reverse: bool) -> list:
        """The page of ``rows`` (at most ``size + 1``, in the order of the ``positioned``
        query), its cursors set."""
        has_more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
        keys = self.keys
        self.next_cursor = self.previous_cursor = None
        if rows:
            if has_more or reverse:
                self.next_cursor = self.encode_cursor(rows[-1], keys, reverse=False)
            if position is not None and (has_more or not reverse):
                self.previous_cursor = self.encode_cursor(rows[0], keys, reverse=True)
        return rows

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, cursor) if cursor else remove_query_param(url, CURSOR_PARAM)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("next", self._link(self.next_cursor)),
                    ("previous", self._link(self.previous_cursor)),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "Opaque position; follow the 'next' and 'previous' links.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_size} (default {self.default_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_size},
            },
        ]
