"""Batched inserts for synthetic data: rows of several tables buffered together and
written in dependency order, one transaction per batch, with progress and rates.

Rows are written with ``bulk_create`` — on PostgreSQL with ``COPY``, several times
faster for the same rows — so ``save()``, signals and history are bypassed on
purpose: synthetic data has no history entries."""

import contextlib
import time
from collections.abc import Callable, Iterable

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max


class Inserter:
    """Buffers rows (column values by attribute name; ``pk`` for an explicit id) per
    table; ``flush()`` writes all buffers in the order the tables were given (parents
    first), in one transaction."""

    def __init__(self, tables: Iterable[type[models.Model]], stats: "Stats", batch_size: int = 5000):
        self.order = list(tables)
        self.buffers: dict[type[models.Model], list] = {model: [] for model in self.order}
        self.stats = stats
        self.batch_size = batch_size

    def add(self, model: type[models.Model], **values) -> None:
        self.buffers[model].append(values)

    def pending(self, model: type[models.Model]) -> int:
        return len(self.buffers[model])

    def flush(self) -> None:
        committing = None
        with transaction.atomic():
            for model in self.order:
                rows = self.buffers[model]
                if not rows:
                    continue
                started = time.perf_counter()
                if connection.vendor == "postgresql":
                    copy_rows(model, rows)
                else:
                    model.objects.bulk_create([model(**row) for row in rows], batch_size=self.batch_size)
                self.stats.record(model, len(rows), time.perf_counter() - started)
                rows.clear()
            committing = time.perf_counter()
        self.stats.commit_seconds += time.perf_counter() - committing


def copy_rows(model: type[models.Model], rows: list[dict]) -> None:
    """``COPY … FROM STDIN`` the rows (PostgreSQL), without building model instances:
    absent columns get the field's default; the primary key is copied when given,
    else left to its sequence. Values must be plain (str, int, date …), not enums."""
    explicit_pk = "pk" in rows[0]
    fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
    defaults = [None if f.primary_key else f.get_default() for f in fields]
    names = ["pk" if f.primary_key else f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(name, default) for name, default in zip(names, defaults, strict=True)])


def table_name(model: type[models.Model]) -> str:
    return model._meta.label if not model._meta.auto_created else model._meta.db_table


class Stats:
    """Rows written and seconds spent inserting them, per table; prints progress."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.rows: dict[str, int] = {}
        self.commit_seconds = 0.0
        self.seconds: dict[str, float] = {}
        self.started = self.stage_started = time.perf_counter()
        self._last_report = self.started

    def record(self, model: type[models.Model], rows: int, seconds: float) -> None:
        name = table_name(model)
        self.rows[name] = self.rows.get(name, 0) + rows
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def progress(self, label: str, done: int, total: int, every: float = 10.0, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_report < every:
            return
        self._last_report = now
        share = done / total if total else 1.0
        rate = done / max(now - self.stage_started, 1e-9)
        elapsed = now - self.started
        self.write(f"  {label}: {done:,} / {total:,} ({share:.0%}) · {rate:,.0f} {label}/s · {elapsed:,.0f} s elapsed")

    def mark(self) -> tuple[dict[str, int], dict[str, float]]:
        """Starts a stage: the counts so far, to report the stage's own rows later."""
        self.stage_started = time.perf_counter()
        return dict(self.rows), dict(self.seconds)

    def table_report(self, since: tuple[dict[str, int], dict[str, float]]) -> None:
        """Rows written per table since ``since`` (a ``mark()``), with insert rates."""
        rows_before, seconds_before = since
        for name in self.rows:
            rows = self.rows[name] - rows_before.get(name, 0)
            seconds = self.seconds[name] - seconds_before.get(name, 0.0)
            if not rows:
                continue
            rate = rows / seconds if seconds else 0.0
            self.write(f"    {name:<32} {rows:>10,} rows  {seconds:7.1f} s inserting  {rate:>10,.0f} rows/s")


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: synthetic rows get explicit ids so later tables can
    refer to them by arithmetic, without keeping the rows or fetching their ids."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(tables: Iterable[type[models.Model]]) -> None:
    """After explicit ids, move PostgreSQL's id sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextlib.contextmanager
def explicit_timestamps(tables: Iterable[type[models.Model]]):
    """Let the generator set ``created_at``/``updated_at`` itself (realistic, and the
    same for the same seed) instead of ``auto_now``/``auto_now_add`` stamping "now"."""
    switched = []
    for model in tables:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
