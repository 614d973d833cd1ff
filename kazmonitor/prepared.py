"""The public search's queries as server-side prepared statements with generic plans
(PostgreSQL, ``SEARCH_PREPARED_PLANS``, on by default).

The search page runs six queries whose SQL never changes (compiled once per process:
``kazmonitor.search.search_rows``, the first participants' ``PreparedQuery``); only the
searched text does. PostgreSQL planned each of them on every request: 1.2–1.8 ms for
the person and case searches (unions of trigram lookups, a rank), ~4 ms a page, as much
as a whole ``/healthz``. Prepared once per connection and planned once (a generic plan),
they skip planning.

Django prepares nothing itself: it binds parameters client-side and turns psycopg's
prepared statements off (``prepare_threshold=None``) for the sake of connection poolers.
``cursor()`` prepares explicitly instead, through a server-binding cursor wrapped by
Django's own cursor wrapper (so query logging and counting see it), after lifting the
connection's threshold to "never by itself" and setting the session's
``plan_cache_mode`` to ``force_generic_plan``. That setting only concerns prepared
statements and PL/pgSQL (the content-counter trigger's one statement). PostgreSQL's
default (``auto``) would plan every execution again: the generic plan's estimate for
``LIKE $1`` (a default selectivity) never beats the custom plans' estimate, although it
is the same plan of bitmap index scans (docs/performance.md, "Searches planned once").

Behind PgBouncer in transaction mode, prepared statements need PgBouncer 1.21 or newer
with ``max_prepared_statements`` set, and a session setting stays with the server
connection it was made on; there, set ``SEARCH_PREPARED_PLANS=0`` (or set
``plan_cache_mode`` for the database role). SQLite and other databases get Django's
ordinary cursor."""

import itertools
import re
from functools import lru_cache

from django.conf import settings
from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import RawCursor

# psycopg prepares a statement by itself after ``prepare_threshold`` runs (never with None,
# which also refuses explicit preparing). Either of these numbers means "never by itself" and
# tells whether the session's ``plan_cache_mode`` is known to be set: set in autocommit it
# stays; set inside a transaction a rollback undoes it, so it is set again next time.
_NEVER_BY_ITSELF = 2**31 - 1  # and the session is set up
_NEVER_UNSURE = 2**31 - 2  # and the session was set up inside a transaction


def cursor(connection):
    """A cursor of ``connection`` whose statements are prepared and planned once per
    connection (PostgreSQL with ``SEARCH_PREPARED_PLANS``), else ``connection.cursor()``.
    Only for SQL that is the same text on every run, the values all parameters."""
    if connection.vendor != "postgresql" or not settings.SEARCH_PREPARED_PLANS:
        return connection.cursor()
    connection.validate_thread_sharing()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold != _NEVER_BY_ITSELF:
        with raw.cursor() as session:
            session.execute("SET plan_cache_mode = force_generic_plan")
        raw.prepare_threshold = _NEVER_BY_ITSELF if raw.autocommit else _NEVER_UNSURE
    preparing = PreparingCursor(raw)
    return connection.make_debug_cursor(preparing) if connection.queries_logged else connection.make_cursor(preparing)


class PreparingCursor(ServerBindingCursor, RawCursor):
    """Django's server-binding cursor, preparing every statement it runs, given in
    PostgreSQL's own placeholders (``native``)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(native(query) if params is not None else query, params, prepare=True, binary=binary)


_PLACEHOLDER = re.compile(r"%[s%]")


@lru_cache(maxsize=256)
def native(sql: str) -> str:
    """``sql`` as Django writes it (``%s`` for each parameter, ``%%`` for ``%``) in
    PostgreSQL's own placeholders (``$1``, ``$2`` …), kept per text. psycopg converts a
    text itself once, but only under 4,096 bytes and 50 parameters: the search page's
    one statement (~15 kB, ~60 parameters) was split again on every request, ~0.2 ms.
    What runs here is the same few texts every time (the code's compiled queries)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda found: "%" if found.group() == "%%" else f"${next(numbers)}", sql)
