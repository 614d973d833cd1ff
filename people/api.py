"""Read-only API viewsets for persons, organizations, recognitions, sources, tags
and locations. Every queryset starts from ``visible_to(self.level)``; records that
need another record (a recognition needs its person and organization) are shown
only when that record is visible too."""

from functools import cache, partial

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import Case, CharField, F, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import JSONArray
from rest_framework.exceptions import ValidationError

from kazmonitor import prepared, search
from kazmonitor.api.fast_rows import AnyOfValues, PreparedQuery, RowReader, model_maker
from kazmonitor.api.pagination import (
    CURSOR_PARAM,
    PAGE_SIZE_PARAM,
    KeysetPagination,
    NeverNull,
    order_by_keys,
    parse_ordering,
)
from kazmonitor.api.views import SLUG, ApiViewSet
from kazmonitor.models import Location, Source, Tag
from people import filters, serializers
from people.models import (
    Membership,
    Organization,
    Person,
    PersonAlias,
    Recognition,
    Role,
    public_created_order,
    public_name_order,
)

# What a list row (JSON or CSV) shows, and nothing more: not the biographies in other
# languages, the internal notes, the contacts or the search keys.
PERSON_LIST_COLUMNS = (
    *("uuid", "slug", "name", "name_latin", "identity_protected", "pseudonym", "gender", "birth_year"),
    *("language", "biography", "created_at", "protected_at", "updated_at", "location"),
)


def visible_sources(level, to_attr: str = "visible_sources") -> Prefetch:
    return Prefetch(
        "sources", queryset=Source.objects.visible_to(level).order_by("published_on", "pk"), to_attr=to_attr
    )


class PersonViewSet(ApiViewSet):
    """Persons. Protected persons appear only under their pseudonym, with an id of
    their own (not the one they had before protection), no slug or aliases, and the
    time protection began as their ``created_at``."""

    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = {"name": "api_name", "updated_at": "updated_at", "created_at": "api_created_at"}
    ordering = "name"
    csv_name = "persons"

    def get_queryset(self):
        queryset = listed_persons(self.level).prefetch_related("roles", "aliases")
        if self.action == "list":
            queryset = queryset.only(*PERSON_LIST_COLUMNS)
        if self.action == "retrieve":
            memberships = (
                Membership.objects.visible_to(self.level)
                .filter(organization__visibility__gte=self.level)
                .select_related("organization")
                .order_by("organization__name", "pk")
            )
            queryset = queryset.prefetch_related(
                Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"),
                visible_sources(self.level),
            )
        return queryset

    def paginate_queryset(self, queryset):
        """A page of persons with their aliases' names read by ``load_alias_names`` (one
        query compiled once) instead of ``prefetch_related("aliases")`` (a queryset and a
        related manager per person, compiled on every request)."""
        if not fast_aliases:
            return super().paginate_queryset(queryset)
        lookups = [lookup for lookup in queryset._prefetch_related_lookups if lookup != "aliases"]
        page = super().paginate_queryset(queryset.prefetch_related(None).prefetch_related(*lookups))
        if page:
            load_alias_names(page)
        return page

    def fast_list(self, request):
        """A page of a name search (only ``q``, ``page_size`` and ``cursor`` given) from one
        prepared statement (PostgreSQL, ``search_page``); None for any other request."""
        if (
            not fast_page
            or set(request.query_params) - SEARCH_PAGE_PARAMS
            or request.accepted_renderer.format != "json"
        ):
            return None
        try:  # as the filter's form cleans it; an invalid request gets its 400 the ordinary way
            text = filters.PersonFilter.base_filters["q"].field.clean(request.query_params.get("q"))
            keys = parse_ordering(request, self)
            size, position, reverse = self.paginator.read_request(request, _cursor_queryset(), keys)
        except (ValidationError, DjangoValidationError):
            return None
        persons = search_page(self.level, text, keys, size, position, reverse) if text else None
        if persons is None:
            return None
        page = self.paginator.page(persons, size, position, reverse)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def lookup_object(self, queryset, value):
        person = filters.person_by_api_id(queryset, value)
        if person is None and filters.parse_uuid(value) is None and SLUG.match(value):
            person = queryset.filter(slug=value, identity_protected=False).first()
        return person


fast_aliases = True  # tests switch it off to compare with prefetch_related("aliases")
fast_page = True  # tests switch it off to compare with the ordinary list (search_page)
word_pages = True  # tests and measurements switch it off to compare with the sorted matches (_page_ids_by_word)


def listed_persons(level):
    """The persons a reader at ``level`` may see, with what the list orders them by and their place."""
    return (
        Person.objects.visible_to(level)
        # Never the real name of a protected person; never NULL (pseudonym, else the Latin
        # name, else the name, all NOT NULL), so a deep cursor starts an index range.
        .annotate(api_name=NeverNull(public_name_order()))
        # The created_at the API shows (people.models.public_created_order): sorting
        # by the real one would place a pseudonym where the real name stood.
        .annotate(api_created_at=NeverNull(public_created_order()))
        .select_related("location")
    )


SEARCH_PAGE_PARAMS = frozenset({"q", PAGE_SIZE_PARAM, CURSOR_PARAM})
# Stand for a cursor's position while a page's query is compiled (control characters never
# reach a search's parameters: kazmonitor.search.search_text).
_NAME_MARK, _PK_MARK = "\x1fcursor name\x1f", -918_273_647
_SIZE_MARK = -918_273_648  # stands for the number of rows a page reads


def search_page(level, text: str, keys, size: int, position, reverse: bool) -> list | None:
    """The persons of a list page of the search ``text`` (``size + 1`` at most, in the
    order of ``KeysetPagination.positioned``) with their roles and aliases' names, as the
    ordinary list reads them (``get_queryset``, ``filters.search_persons``,
    ``load_alias_names``, ``fast_rows.fetch_all``), from one statement; None where the
    ordinary list must answer (other databases, texts ``kazmonitor.search.compiled``
    does not compile, a cursor on a NULL name).

    The ordinary list built the page's queryset (~1.3 ms of Python), PostgreSQL planned
    it (~0.7 ms), and the roles and aliases were two more queries. Here the page's SQL is
    compiled once per reader level and direction (``search.compiled``: the searched text
    in its stand-in's places, the cursor's name and id in their markers' places, the
    ``LIMIT`` a parameter), run as a prepared statement planned once per connection
    (``kazmonitor.prepared``), and each row carries its roles and its aliases' names
    (never a protected person's) as arrays."""
    connection = connections[Person.objects.db]
    if connection.vendor != "postgresql" or keys != [("api_name", False), ("pk", False)]:
        return None
    variant = "first" if position is None else "back" if reverse else "on"
    if position is not None and position[0] is None:
        return None
    by_word = word_pages and " " not in search.name_key(text)  # one word: its page from people_publicnameword
    build = partial(_page_queryset, int(level), variant, by_word)
    found = search.compiled(f"api person page {int(level)} {variant}{' by word' * by_word}", build, text)
    if found is None:
        return None
    sql, params = found
    reader = _page_reader(connection, build, text, sql)
    if reader is None:
        return None
    marks = {_SIZE_MARK: size + 1}
    if position is not None:
        marks |= {_NAME_MARK: position[0], _PK_MARK: position[1]}
    params = [marks.get(param, param) if isinstance(param, str | int) else param for param in params]
    # each word lookup once (three name columns ask the same two), planned once per connection
    sql, params = search.shared_lookups(f"{sql} LIMIT %s", [*params, size + 1])
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, params)
        persons = reader.instances(reader.converted(cursor.fetchall()), connection.alias)
    _roles_and_aliases(persons, connection.alias)
    return persons


def _page_queryset(level: int, variant: str, by_word: bool, text: str):
    keys = [("api_name", False), ("pk", False)]
    position, reverse = (None if variant == "first" else [_NAME_MARK, _PK_MARK]), variant == "back"
    aliases = PersonAlias.objects.filter(person_id=OuterRef("pk")).order_by("name").values("name")
    links = Person.roles.through.objects.filter(person_id=OuterRef("pk")).order_by("role__name", "pk")
    queryset = (
        listed_persons(level)
        .only(*PERSON_LIST_COLUMNS)
        .filter(
            _page_ids_by_word(level, text, position, reverse)
            if by_word
            else _page_ids(level, text, keys, position, reverse)
        )
        .annotate(role_rows=ArraySubquery(links.values(row=JSONArray("role_id", "role__name", "role__slug"))))
        .annotate(
            alias_names=Case(
                When(identity_protected=False, then=ArraySubquery(aliases)),
                default=Value(None),
                output_field=ArrayField(CharField()),
            )
        )
    )
    return order_by_keys(queryset, keys, reverse=reverse)


def _page_ids(level: int, text: str, keys, position, reverse: bool):
    """The ids of the page's persons, found and sorted before any whole row is read: each
    name column's matches (``PersonQuerySet.matching_branches``) with their public name,
    from after ``position``, united, sorted and cut to ``_SIZE_MARK`` rows.

    Finding a person already reads its row, so its public name costs nothing more there.
    Finding the ids first and then reading every match again to sort the whole rows read
    each matching row twice, and sorted a common surname's 400 wide rows for a page of
    50: a third of the statement (docs/performance.md, "The API person search")."""
    rows = []
    for branch in Person.objects.visible_to(level).matching_branches(text) or ():
        branch = branch.annotate(api_name=NeverNull(public_name_order()))
        rows.append(KeysetPagination.positioned(branch, keys, position, reverse).order_by().values("pk", "api_name"))
    if not rows:  # no name key: a text the compiled search never takes (kazmonitor.search.compiled)
        return Q(pk__in=[])
    sql, params = rows[0].union(*rows[1:]).order_by().query.sql_with_params()
    order = "DESC" if reverse else "ASC"
    # the code's own compiled SQL; the searched text and the cursor are only ever parameters
    page = (
        f"SELECT page.id FROM ({sql}) AS page (id, api_name) ORDER BY page.api_name {order}, page.id {order} LIMIT %s"  # noqa: S608
    )
    return search.among_sql("pk", page, [*params, _SIZE_MARK])


def _page_ids_by_word(level: int, text: str, position, reverse: bool):
    """``_page_ids`` for a text whose name key is one word, from ``people_publicnameword``
    (people 0009): for each word of the name lexicon that contains the key (an array
    computed once: joined as a table, a large lexicon was read whole), the first
    ``_SIZE_MARK`` rows after ``position`` in public-name order, read from the index
    alone; united, sorted and cut to the page. Each word gives no more rows than the page
    holds, so the page costs the same whether the word finds 20 persons or 20,000.

    A one-word key lies inside a name exactly when it lies inside one of its words, and
    the table holds the words the public search matches (the name and aliases, or only
    the pseudonym of a protected person). A word of more than 200 letters is written as
    the empty word there as in the lexicon: such rows are checked against the person's
    names themselves, as ``PersonQuerySet.matching`` checks them."""
    key = search.name_key(text)
    order, after = ("DESC", "<") if reverse else ("ASC", ">")
    start = "" if position is None else f"AND (entry.public_name, entry.person_id) {after} (%s, %s)"
    marks = [] if position is None else [_NAME_MARK, _PK_MARK]
    in_order = f"ORDER BY entry.public_name {order}, entry.person_id {order}"
    # the code's own SQL; the searched text and the cursor are only ever parameters
    sql = f"""SELECT page.person_id FROM (
        SELECT found.person_id, found.public_name
        FROM (SELECT DISTINCT unnest({search.lexicon_lookup("people_nameword")}) AS word) AS lexicon
        CROSS JOIN LATERAL (
            SELECT entry.person_id, entry.public_name FROM people_publicnameword AS entry
            WHERE entry.word = lexicon.word AND entry.visibility >= %s {start} {in_order} LIMIT %s
        ) AS found
        UNION
        SELECT entry.person_id, entry.public_name
        FROM people_publicnameword AS entry JOIN people_person AS person ON person.id = entry.person_id
        WHERE entry.word = '' AND entry.visibility >= %s {start} AND CASE
            WHEN person.identity_protected THEN strpos(person.pseudonym_key, %s) > 0
            ELSE strpos(person.name_key, %s) > 0 OR EXISTS (
                SELECT FROM people_personalias AS alias
                WHERE alias.person_id = person.id AND strpos(alias.name_key, %s) > 0
            ) END
    ) AS page ORDER BY page.public_name {order}, page.person_id {order} LIMIT %s"""  # noqa: S608
    params = [key, int(level), *marks, _SIZE_MARK, int(level), *marks, key, key, key, _SIZE_MARK]
    return search.among_sql("pk", sql, params)


def _page_reader(connection, build, text: str, sql: str) -> RowReader | None:
    """How a page's rows become persons, made once per connection and SQL; None if the
    page's queryset does not compile to ``sql`` (its compiled form would not be its own)."""
    readers = connection.__dict__.setdefault("_api_person_page_readers", {})
    if sql not in readers:
        queryset = build(text)
        compiler = queryset.query.get_compiler(connection=connection)
        own_sql, _params = compiler.as_sql()
        readers[sql] = RowReader(queryset, compiler, connection) if own_sql == sql else None
    return readers[sql]


def _roles_and_aliases(persons, db: str) -> None:
    """The roles as ``prefetch_related("roles")`` leaves them (``fast_rows``: a plain list),
    each role made once; no aliases for protected persons (``load_alias_names``)."""
    make, known = model_maker(Role, None), {}
    attnames = ["id", "name", "slug"]
    for person in persons:
        roles = []
        for row in person.__dict__.pop("role_rows") or ():
            role = known.get(row[0])
            if role is None:
                role = known[row[0]] = make(db, attnames, row)
            roles.append(role)
        person.__dict__.setdefault("_prefetched_objects_cache", {})["roles"] = roles
        if person.identity_protected or person.alias_names is None:
            person.alias_names = []


@cache
def _cursor_queryset():
    """What ``KeysetPagination.decode_cursor`` reads a person list's cursor against."""
    return listed_persons(0)


def load_alias_names(persons) -> None:
    """Put on each person ``alias_names``: the names of its aliases in their model's order
    (``PersonAlias.Meta.ordering``), what ``[a.name for a in person.aliases.all()]`` gives
    after ``prefetch_related("aliases")``. Protected persons get none (their aliases are
    never shown, so never read). One query; on PostgreSQL compiled once per connection."""
    named = {person.pk: [] for person in persons if not person.identity_protected}
    if named:
        connection = connections[persons[0]._state.db]
        if connection.vendor == "postgresql":  # one array parameter: the same SQL every time
            rows = _alias_names_query().rows(connection, list(named))
        else:
            rows = _alias_names(list(named)).using(connection.alias)
        for person_id, name in rows:
            named[person_id].append(name)
    for person in persons:
        person.alias_names = named.get(person.pk, [])


def _alias_names(ids):
    return PersonAlias.objects.filter(person_id__in=ids).order_by("name").values_list("person_id", "name")


@cache
def _alias_names_query() -> PreparedQuery:
    return PreparedQuery(
        lambda ids: (
            PersonAlias.objects.filter(AnyOfValues(F("person_id"), ids))
            .order_by("name")
            .values_list("person_id", "name")
        ),
        markers=([-918_273_645], [-918_273_646]),
    )


class OrganizationViewSet(ApiViewSet):
    serializer_class = serializers.OrganizationSerializer
    detail_serializer_class = serializers.OrganizationDetailSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "name"
    csv_name = "organizations"

    def get_queryset(self):
        queryset = Organization.objects.visible_to(self.level).select_related("location", "banned_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(visible_sources(self.level))
        return queryset


class RecognitionViewSet(ApiViewSet):
    """Persons recognised as political prisoners, by whom and since when."""

    serializer_class = serializers.RecognitionSerializer
    filterset_class = filters.RecognitionFilter
    ordering_fields = {"since": "since", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "-since"
    csv_name = "recognitions"

    def get_queryset(self):
        return (
            Recognition.objects.visible_to(self.level)
            .filter(person__visibility__gte=self.level, recognised_by__visibility__gte=self.level)
            .select_related("person", "recognised_by")
            .prefetch_related(visible_sources(self.level))
        )


class SourceViewSet(ApiViewSet):
    """Sources: where each fact comes from. Confidential provenance notes stay in the admin."""

    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    ordering_fields = {"published_on": "published_on", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "-published_on"
    csv_name = "sources"

    def get_queryset(self):
        return Source.objects.visible_to(self.level)


class TagViewSet(ApiViewSet):
    """The monitor's tags (vocabulary). Identified by slug."""

    serializer_class = serializers.TagSerializer
    filterset_class = filters.TagFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at"}
    ordering = "name"
    csv_name = "tags"

    def get_queryset(self):
        return Tag.objects.all()


class LocationViewSet(ApiViewSet):
    """Countries, regions, cities and districts. Identified by slug."""

    serializer_class = serializers.LocationSerializer
    filterset_class = filters.LocationListFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at"}
    ordering = "name"
    csv_name = "locations"

    def get_queryset(self):
        return Location.objects.select_related("parent")
