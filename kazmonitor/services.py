"""Restoring deleted records from their history.

simple-history keeps each record's last state in a deletion entry (``history_type
"-"``). A deleted case is restored with everything its deletion took along (the rows
that pointed at it with ``on_delete=CASCADE``: participants, charges, sentences,
detentions with their extensions, events), under the same ids, so links and history
stay continuous. Many-to-many links (tags, sources) are not in simple-history; the
admin records them in its deletion log entry (``deletion_snapshot``) and the restore
puts back the ones whose targets still exist."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, router, transaction
from django.db.models import CASCADE, Model
from django.db.models.deletion import Collector

from kazmonitor.models import Documented

RECORD_APPS = ("kazmonitor", "people", "cases")
# Rows deleted by one cascade get their history entries (same user) just before the
# record that took them along, within the same request.
CASCADE_WINDOW = timedelta(seconds=5)
M2M_KEY = "kazmonitor_m2m"


class RestoreError(Exception):
    """The record cannot be restored; the message says why, in staff terms."""


def _label(obj_or_model) -> str:
    return obj_or_model._meta.label_lower


def _m2m(obj: Model) -> dict[str, list]:
    return {
        f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True))
        for f in obj._meta.many_to_many
        if f.remote_field.through._meta.auto_created
    }


def deletion_snapshot(obj: Model) -> dict[str, dict[str, list]]:
    """The many-to-many links of ``obj`` and of everything deleting it takes along,
    keyed ``"app.model:pk"`` — taken just before a deletion."""
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    snapshot = {}
    for model, instances in collector.data.items():
        for instance in instances:
            links = {name: ids for name, ids in _m2m(instance).items() if ids}
            if links:
                snapshot[f"{_label(model)}:{instance.pk}"] = links
    return snapshot


def deletion_log_message(obj: Model) -> str:
    """A LogEntry change message that Django's admin displays as usual and that also
    carries the many-to-many snapshot."""
    deleted = {"name": str(obj._meta.verbose_name), "object": str(obj), M2M_KEY: deletion_snapshot(obj)}
    return json.dumps([{"deleted": deleted}])


def documented_models() -> list[type[Model]]:
    return [
        model
        for app in RECORD_APPS
        for model in apps.get_app_config(app).get_models()
        if issubclass(model, Documented) and hasattr(model, "history")
    ]


def history_model(label: str):
    """``"cases.case"`` → the historical model of Case (only for documented records)."""
    for model in documented_models():
        if _label(model) == label:
            return model.history.model
    raise RestoreError(f"Unknown record type {label!r}.")


def _exists(model, pk) -> bool:
    return model._default_manager.filter(pk=pk).exists()


def _original_pk(record):
    return getattr(record, record.instance_type._meta.pk.attname)


def _cascaded_deletions(record) -> list:
    """Deletion entries of rows that the deletion of ``record`` took along, recursively."""
    model, pk = record.instance_type, _original_pk(record)
    found = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.on_delete is not CASCADE:
            continue
        child_model = relation.related_model
        if not hasattr(child_model, "history"):
            continue
        window = (record.history_date - CASCADE_WINDOW, record.history_date + timedelta(seconds=1))
        children = child_model.history.filter(
            history_type="-",
            history_date__range=window,
            history_user_id=record.history_user_id,
            **{relation.field.attname: pk},
        ).order_by("history_date", "history_id")
        for child in children:
            if not _exists(child_model, _original_pk(child)):
                found.append(child)
                found.extend(_cascaded_deletions(child))
    return found


def is_restorable_alone(record) -> bool:
    """A deleted charge whose case was deleted with it comes back with its case,
    not alone: every parent it cascades from must still exist."""
    model = record.instance_type
    for f in model._meta.concrete_fields:
        if f.is_relation and f.remote_field.on_delete is CASCADE:
            parent_pk = getattr(record, f.attname)
            if parent_pk is not None and not _exists(f.related_model, parent_pk):
                return False
    return True


def _m2m_snapshot_for(record) -> dict:
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(record.instance_type),
            object_id=str(_original_pk(record)),
            action_flag=DELETION,
            action_time__gte=record.history_date - CASCADE_WINDOW,
        )
        .order_by("-action_time")
        .first()
    )
    if entry is None:
        return {}
    try:
        return json.loads(entry.change_message)[0]["deleted"].get(M2M_KEY, {})
    except (ValueError, LookupError, TypeError, AttributeError):
        return {}


def _insert(record, user):
    obj = record.instance
    obj._state.adding = True
    obj._history_user = user
    obj._change_reason = "restored after deletion"
    if isinstance(obj, Documented):
        obj.version = record.version + 1
    name = f"{obj._meta.verbose_name} “{obj}”"
    try:
        with transaction.atomic():
            obj.save(force_insert=True)
    except IntegrityError as error:
        raise RestoreError(
            f"Could not restore {name}: a record it refers to is gone, or its unique name (slug) "
            f"is now used by another record. ({error.__class__.__name__})"
        ) from error
    return obj


@dataclass
class Restored:
    record: Model
    related: list[Model] = field(default_factory=list)

    @property
    def count(self) -> int:
        return 1 + len(self.related)


@transaction.atomic
def record_restore(*, model_label: str, history_id: int, user) -> Restored:
    """Bring back a deleted record and the rows deleted with it, as they were."""
    historical = history_model(model_label)
    record = historical.objects.filter(history_id=history_id, history_type="-").first()
    if record is None:
        raise RestoreError("There is no such deletion in the history.")
    model = record.instance_type
    if _exists(model, _original_pk(record)):
        raise RestoreError(f"This {model._meta.verbose_name} exists already; it was restored before.")
    if not is_restorable_alone(record):
        raise RestoreError(
            f"This {model._meta.verbose_name} was deleted together with the record it belongs to; restore that one."
        )
    restored = Restored(record=_insert(record, user))
    for child in _cascaded_deletions(record):
        restored.related.append(_insert(child, user))

    snapshot = _m2m_snapshot_for(record)
    for obj in [restored.record, *restored.related]:
        for name, ids in snapshot.get(f"{_label(obj)}:{obj.pk}", {}).items():
            target = obj._meta.get_field(name).related_model
            getattr(obj, name).set(target._default_manager.filter(pk__in=ids))
    # Foreign keys are checked at commit; check now, to answer with a message.
    connection = transaction.get_connection(router.db_for_write(model))
    try:
        with transaction.atomic():
            connection.check_constraints()
    except IntegrityError as error:
        raise RestoreError(
            "Could not restore: a record it refers to (a person, article, court …) no longer exists."
        ) from error
    return restored


def recently_deleted(days: int = 90, limit: int = 200) -> list:
    """Deletion entries of documented records that can be restored on their own,
    newest first."""
    from django.utils import timezone

    since = timezone.now() - timedelta(days=days)
    entries, seen = [], set()
    for model in documented_models():
        history = model.history.filter(history_type="-", history_date__gte=since).select_related("history_user")
        for record in history.order_by("-history_date", "-history_id")[:limit]:
            key = (model, _original_pk(record))
            if key in seen:
                continue  # deleted, restored and deleted again: the latest deletion counts
            seen.add(key)
            if not _exists(model, key[1]) and is_restorable_alone(record):
                entries.append(record)
    entries.sort(key=lambda r: r.history_date, reverse=True)
    return entries[:limit]
