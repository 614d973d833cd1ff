"""Model instances for exports, built without Django's per-row overhead.

``rows(queryset, chunk_size)`` (and ``fetch_all(queryset)``) yields the same instances, in the same order and with
the same ``select_related`` and ``prefetch_related`` data, as
``queryset.iterator(chunk_size)`` (``list(queryset)``), but:

- an instance is made by filling its ``__dict__`` (what ``Model.__init__`` ends up
  doing for database rows) when nothing can tell the difference: the model keeps
  Django's ``__init__`` and ``from_db``, no ``pre_init``/``post_init`` receiver is
  connected and every column is a plain attribute;
- a plain forward many-to-many prefetch (``prefetch_related("tags")``) is one query
  per chunk over the link table joined to its target, ordered by the target's
  ``Meta.ordering`` in the database as ``prefetch_related`` orders it, kept as a
  plain list (no related manager and queryset per row), each target built once.

Anything else (``Prefetch`` objects, reverse or nested lookups) goes through
``prefetch_related_objects`` per chunk, as ``QuerySet.iterator`` does."""

from functools import cache
from itertools import islice

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import F, Lookup, ManyToManyField, Model, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.manager import BaseManager
from django.db.models.query import ModelIterable, _get_from_db, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


def _plain(model_cls) -> bool:
    if model_cls.__init__ is not Model.__init__ or model_cls.from_db.__func__ is not Model.from_db.__func__:
        return False
    if pre_init.has_listeners(model_cls) or post_init.has_listeners(model_cls):
        return False
    return all(type(model_cls.__dict__.get(f.attname)) in _PLAIN_ATTRIBUTES for f in model_cls._meta.concrete_fields)


def model_maker(model_cls, fetch_mode):
    """``model_cls.from_db`` for this fetch mode, fast when the model is plain."""
    if not _plain(model_cls):
        return _get_from_db(model_cls, fetch_mode)  # Django's own (an override may predate fetch modes)
    new_object = model_cls.__new__

    def from_db(db, field_names, values):
        obj = new_object(model_cls)
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        obj.__dict__.update(zip(field_names, values, strict=True))
        return obj

    return from_db


class FastModelIterable(ModelIterable):
    """``ModelIterable`` with instances made by ``model_maker``; no known related objects
    or peer tracking (the export querysets use neither: then Django's own is used)."""

    def __iter__(self):
        queryset = self.queryset
        fetch_mode = queryset._fetch_mode
        if queryset._known_related_objects or fetch_mode.track_peers:
            yield from ModelIterable(queryset, self.chunked_fetch, self.chunk_size)
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        from_db = model_maker(model_cls, fetch_mode)
        populators = get_related_populators(klass_info, select, db, fetch_mode)
        _speed_up(populators, fetch_mode)
        annotations = list((annotation_col_map or {}).items())
        for row in compiler.results_iter(results):
            obj = from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr_name, col_pos in annotations:
                setattr(obj, attr_name, row[col_pos])
            yield obj


def _speed_up(populators, fetch_mode):
    for populator in populators:
        populator.from_db = model_maker(populator.model_cls, fetch_mode)
        _speed_up(populator.related_populators, fetch_mode)


def rows(queryset, chunk_size: int):
    """``queryset.iterator(chunk_size)``, faster (see the module docstring)."""
    iterator = _fast(queryset).iterator(chunk_size=chunk_size)
    prefetch = _prefetcher(queryset)
    if prefetch is None:
        yield from iterator
        return
    while chunk := list(islice(iterator, chunk_size)):
        prefetch(chunk)
        yield from chunk


def fetch_all(queryset) -> list:
    """``list(queryset)``, faster (see the module docstring)."""
    result = list(_fast(queryset))
    prefetch = _prefetcher(queryset)
    if prefetch is not None and result:
        prefetch(result)
    return result


def _fast(queryset):
    plain = queryset.prefetch_related(None)
    if plain._iterable_class is ModelIterable:
        plain._iterable_class = FastModelIterable
    return plain


def _prefetcher(queryset):
    """A function prefetching ``queryset``'s lookups for a list of its instances."""
    lookups = queryset._prefetch_related_lookups
    if not lookups:
        return None
    names = [lookup if isinstance(lookup, str) else lookup.prefetch_to for lookup in lookups]
    fast, others = [], []
    for lookup in lookups:
        nested = isinstance(lookup, str) and any(name.startswith(f"{lookup}__") for name in names)
        prefetcher = None if nested else _m2m_prefetcher(queryset.model, lookup)
        if prefetcher is None:
            others.append(lookup)
        else:
            fast.append(prefetcher)

    def prefetch(instances):
        for prefetcher in fast:
            prefetcher(instances)
        if others:
            prefetch_related_objects(instances, *others)

    return prefetch


def _m2m_prefetcher(model, lookup):
    """One query per chunk for a plain forward many-to-many ``lookup`` (the link rows
    with their targets, ordered by the target's ``Meta.ordering`` as
    ``prefetch_related`` orders them), or ``None`` for anything else."""
    if not isinstance(lookup, str) or "__" in lookup:
        return None
    try:
        field = model._meta.get_field(lookup)
    except FieldDoesNotExist:
        return None
    if not isinstance(field, ManyToManyField) or not field.remote_field.through._meta.auto_created:
        return None
    target, through = field.related_model, field.remote_field.through
    ordering = target._meta.ordering
    if not all(isinstance(term, str) and term != "?" for term in ordering):
        return None
    if type(target._default_manager).get_queryset is not BaseManager.get_queryset:
        return None  # a manager that filters: leave it to prefetch_related
    source_name, target_name = field.m2m_field_name(), field.m2m_reverse_field_name()
    source_field = through._meta.get_field(source_name)
    if source_field.target_field != model._meta.pk:
        return None
    source_attname = source_field.attname
    order = [f"-{target_name}__{t[1:]}" if t.startswith("-") else f"{target_name}__{t}" for t in ordering]
    target_fields = target._meta.concrete_fields
    columns = [source_attname, *(f"{target_name}__{f.name}" for f in target_fields)]
    attnames = [f.attname for f in target_fields]
    pk_index = 1 + target_fields.index(target._meta.pk)
    make = model_maker(target, None)
    known: dict = {}  # each target is built once, however many rows it is linked to

    def prefetch(instances):
        db = instances[0]._state.db
        found: dict = {obj.pk: [] for obj in instances}
        connection = connections[db]
        if connection.vendor == "postgresql":  # one array parameter: the same SQL every time
            rows = _links_query(through, source_attname, tuple(order), tuple(columns)).rows(connection, list(found))
        else:
            links = through._default_manager.using(db).filter(**{f"{source_attname}__in": list(found)})
            rows = links.order_by(*order, "pk").values_list(*columns)
        for row in rows:
            item = known.get(row[pk_index])
            if item is None:
                item = known[row[pk_index]] = make(db, attnames, row[1:])
            found[row[0]].append(item)
        for obj in instances:
            obj.__dict__.setdefault("_prefetched_objects_cache", {})[lookup] = found[obj.pk]

    return prefetch


@cache
def _links_query(through, source_attname: str, order: tuple, columns: tuple) -> "PreparedQuery":
    """The link rows of ``_m2m_prefetcher`` for a list of ids, compiled once (PostgreSQL)."""
    return PreparedQuery(
        lambda ids: (
            through._default_manager.filter(AnyOfValues(F(source_attname), ids))
            .order_by(*order, "pk")
            .values_list(*columns)
        ),
        markers=([-918_273_645], [-918_273_646]),
    )


class AnyOfValues(Lookup):
    """``column = ANY(%s)`` with the values as one array parameter (PostgreSQL): one SQL
    text whatever the number of values, so a query using it compiles once (``IN`` writes a
    placeholder per value). For ids computed by a subquery use ``kazmonitor.search.among``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class PreparedQuery:
    """A queryset compiled to SQL once and run again with another value in the place of
    its marker: ``PreparedQuery(build)`` where ``build(marker)`` returns the queryset
    with the marker where the value goes (``filter(case_id=marker)``).

    ``run(connection, value)`` answers what ``list(build(value))`` answers (the same
    instances with the same ``select_related`` and annotations; no prefetches) without
    building and compiling the query again: an API detail reads a handful of small
    querysets whose SQL never changes, and compiling them costs more than running them.
    The SQL is kept per database connection (its vendor decides it). The marker's
    places are found by compiling the query with two markers (``markers``: two integers
    unless given; ``prepare(value, connection)`` turns a value into what the query's
    parameter holds, e.g. a UUID field's ``get_db_prep_value``)."""

    def __init__(self, build, markers=(-918_273_645, -918_273_646), prepare=None, cursor=None):
        self.build, self.markers, self.prepare = build, markers, prepare
        self.cursor = cursor or (lambda connection: connection.cursor())  # kazmonitor.prepared.cursor: planned once
        self.attribute = f"_prepared_query_{id(self)}"

    def compiled(self, connection):
        found = connection.__dict__.get(self.attribute)
        if found is None:
            found = connection.__dict__[self.attribute] = self._compile(connection)
        return found

    def _compile(self, connection):
        first, second = self.markers
        queryset = self.build(first)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = self.build(second).query.get_compiler(connection=connection).as_sql()
        slots = [i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b]
        if other_sql != sql or not slots:
            raise ValueError("The marker is not a parameter of the query.")
        return sql, list(params), slots, RowReader(queryset, compiler, connection)

    def rows(self, connection, value) -> list:
        """The rows (with Django's converters applied) for ``value``."""
        sql, params, slots, reader = self.compiled(connection)
        if self.prepare is not None:
            value = self.prepare(value, connection)
        params = list(params)
        for slot in slots:
            params[slot] = value
        with self.cursor(connection) as cursor:
            cursor.execute(sql, params)
            return reader.converted(cursor.fetchall())

    def run(self, connection, value) -> list:
        """The model instances for ``value``."""
        return self.compiled(connection)[-1].instances(self.rows(connection, value), connection.alias)


class RowReader:
    """What iterating a compiled queryset makes of its rows, without the queryset: Django's
    converters, then (for a model query) the instances with their ``select_related``
    objects and annotations, as ``FastModelIterable`` makes them. Made once from the
    queryset's compiler (``PreparedQuery`` keeps one per connection); no prefetches."""

    def __init__(self, queryset, compiler, connection):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("A prepared query cannot prefetch.")
        fetch_mode = queryset._fetch_mode
        if fetch_mode.track_peers:
            raise ValueError("A prepared query does not track peers.")
        if not compiler.select:
            compiler.setup_query()
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("A prepared query does not read composite fields.")
        self.compiler, self.converters = compiler, compiler.get_converters(fields)
        klass_info, select, self.layout = compiler.klass_info, compiler.select, None
        if klass_info is not None:  # model instances (not values)
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [f[0].target.attname for f in select[start:end]]
            populators = get_related_populators(klass_info, select, connection.alias, fetch_mode)
            _speed_up(populators, fetch_mode)
            annotations = list((compiler.annotation_col_map or {}).items())
            self.layout = (start, end, init_list, populators, annotations, model_maker(klass_info["model"], fetch_mode))

    def converted(self, rows) -> list:
        """``rows`` as fetched, with Django's converters applied."""
        return list(self.compiler.apply_converters(rows, self.converters)) if self.converters else rows

    def instances(self, rows, db: str) -> list:
        """The model instances of converted ``rows``."""
        start, end, init_list, populators, annotations, make = self.layout
        result = []
        for row in rows:
            obj = make(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr_name, col_pos in annotations:
                setattr(obj, attr_name, row[col_pos])
            result.append(obj)
        return result
