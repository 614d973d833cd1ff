"""Tombstones: what a partner's mirror must drop.

Recorded from model signals (connected in ``KazmonitorConfig.ready``) whenever a
record the API serves is deleted, withdrawn to a lower visibility, or disappears
because a record it needs (its case, its person) was withdrawn; and when a person's
identity becomes protected or unprotected, because the API identifier changes then
(see ``kazmonitor.api.ids``) and a mirror must not keep the old one.

A record's *effective* visibility is the lowest of its own and that of the records
it needs (the API hides a charge whose defendant is hidden). Tombstones carry the
effective levels, so a reader only learns about records it could see.

Models are named by label, so this module imports neither ``people`` nor ``cases``.
Bulk ``QuerySet.update()`` sends no signals: withdraw records with ``save()``.
"""

import contextvars
from contextlib import contextmanager

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from kazmonitor.api.ids import masked_uuid

# model label → (API name, foreign keys to records it needs to be shown)
TRACKED: dict[str, tuple[str, tuple[str, ...]]] = {
    "kazmonitor.Source": ("source", ()),
    "people.Person": ("person", ()),
    "people.Organization": ("organization", ()),
    "people.Recognition": ("recognition", ("person", "recognised_by")),
    "cases.Case": ("case", ()),
    "cases.Assembly": ("assembly", ()),
    "cases.Charge": ("charge", ("case", "defendant")),
    "cases.Sentence": ("sentence", ("case", "defendant")),
    "cases.Detention": ("detention", ("person",)),
    "cases.Event": ("event", ("case", "person")),
}
INTERNAL = 0
# Records shown inside other records (a charge lists its sources and its article, a
# detention its authority and facility, a case its tags and place, a person their
# roles): a change to one marks the records showing it as changed, so that
# ``updated_since`` brings them to mirrors again.
SHOWN_INSIDE_OTHERS = (
    *("kazmonitor.Source", "people.Organization", "kazmonitor.Location", "kazmonitor.Tag"),
    *("people.Role", "cases.LegalArticle", "cases.Facility"),
)
# … and two steps away: a detention shows its facility's place, a charge its article's code.
SHOWN_FURTHER = {
    "kazmonitor.Location": (("cases.Detention", "facility__location"),),
    "cases.LegalCode": (("cases.Charge", "article__code"),),
}
# Parts saved separately from the record they belong to (an owner's own list or detail shows them).
PARTS = {
    "cases.Extension": ("detention",),
    "people.PersonAlias": ("person",),
    "people.Membership": ("person",),
}


# Off while an export is loaded: its records carry their own ``updated_at``.
_touching = contextvars.ContextVar("kazmonitor_api_touching", default=True)


@contextmanager
def timestamps_as_given():
    """Saves and links inside this block mark no other record as changed."""
    token = _touching.set(False)
    try:
        yield
    finally:
        _touching.reset(token)


def api_id(instance, protected: bool | None = None):
    """The identifier the API shows for ``instance`` (masked for protected persons)."""
    if protected is None:
        protected = getattr(instance, "identity_protected", False)
    return masked_uuid(instance.uuid) if protected else instance.uuid


def _name(model) -> str:
    return TRACKED[model._meta.label][0]


def _needs(model) -> tuple[str, ...]:
    return TRACKED[model._meta.label][1]


def _parents_level(instance, skip: str = "") -> int:
    level = 20
    for fk in _needs(type(instance)):
        if fk != skip:
            parent = getattr(instance, fk)
            if parent is not None:
                level = min(level, parent.visibility)
    return level


def _record(model_name: str, uuid, previous: int, new: int | None) -> None:
    if previous <= INTERNAL or (new is not None and new >= previous):
        return
    Tombstone = apps.get_model("kazmonitor", "Tombstone")
    Tombstone.objects.create(model=model_name, uuid=uuid, previous_visibility=previous, new_visibility=new)


def _remember(sender, instance, raw=False, **kwargs):
    instance._api_before = None
    if raw or instance.pk is None:
        return
    fields = ["visibility"] + (["identity_protected"] if hasattr(instance, "identity_protected") else [])
    instance._api_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _dated(model) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def _touch_referrers(instance) -> None:
    if not _touching.get():
        return
    now = timezone.now()
    for relation in instance._meta.related_objects:
        related = relation.related_model
        if _dated(related) and relation.field.model is related:
            related._base_manager.filter(**{relation.field.name: instance}).update(updated_at=now)
    for label, path in SHOWN_FURTHER.get(instance._meta.label, ()):
        apps.get_model(label)._base_manager.filter(**{path: instance}).update(updated_at=now)


def _touch_showing(sender, instance, created=False, raw=False, **kwargs):
    """After a record shown inside others was changed, or before it is deleted: nothing
    shows a record just created."""
    if not raw and not created:
        _touch_referrers(instance)


def _touch_owner(sender, instance, raw=False, **kwargs):
    if raw or not _touching.get():
        return
    for owner in PARTS[sender._meta.label]:
        model = sender._meta.get_field(owner).related_model
        model._base_manager.filter(pk=getattr(instance, f"{owner}_id")).update(updated_at=timezone.now())


def _touch_linked(sender, instance, action, reverse, model, pk_set, **kwargs):
    """``case.tags.add(tag)`` saves neither the case nor the tag: the case's list row
    changed all the same. ``reverse``: ``tag.case_set``-style calls, the owners are ``model``."""
    if action not in ("post_add", "post_remove", "pre_clear") or not _touching.get():
        return
    now = timezone.now()
    if not reverse:
        if _dated(type(instance)):
            type(instance)._base_manager.filter(pk=instance.pk).update(updated_at=now)
        return
    if not _dated(model):
        return
    if action == "pre_clear":
        field = next(f for f in model._meta.many_to_many if f.remote_field.through is sender)
        model._base_manager.filter(**{field.name: instance}).update(updated_at=now)
    elif pk_set:
        model._base_manager.filter(pk__in=pk_set).update(updated_at=now)


def _after_save(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_api_before", None)
    if raw or created or before is None:
        return
    parents = _parents_level(instance)
    old = min(before["visibility"], parents)
    new = min(instance.visibility, parents)
    was_protected = before.get("identity_protected", False)
    if was_protected != getattr(instance, "identity_protected", False):
        _record(_name(sender), api_id(instance, protected=was_protected), old, None)
    else:
        _record(_name(sender), api_id(instance), old, new)
    if instance.visibility < before["visibility"]:
        _cascade(instance, before["visibility"], instance.visibility)


def _cascade(parent, old: int, new: int) -> None:
    """Records that needed ``parent`` vanish with it for readers above ``new``."""
    for label, (_api_name, needs) in TRACKED.items():
        model = apps.get_model(label)
        for fk in needs:
            if model._meta.get_field(fk).related_model is not type(parent):
                continue
            others = [other for other in needs if other != fk]
            children = model._base_manager.filter(**{fk: parent})
            for child in children.select_related(*others) if others else children:
                level = min(child.visibility, _parents_level(child, skip=fk))
                _record(_name(model), api_id(child), min(level, old), min(level, new))


def _before_delete(sender, instance, **kwargs):
    _record(_name(sender), api_id(instance), min(instance.visibility, _parents_level(instance)), None)


def connect() -> None:
    for label in TRACKED:
        model = apps.get_model(label)
        uid = f"api-tombstones-{label}"
        pre_save.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
    for label in PARTS:
        model = apps.get_model(label)
        post_save.connect(_touch_owner, sender=model, dispatch_uid=f"api-touch-{label}")
        post_delete.connect(_touch_owner, sender=model, dispatch_uid=f"api-touch-{label}")
    for label in {*SHOWN_INSIDE_OTHERS, *SHOWN_FURTHER}:
        model = apps.get_model(label)
        post_save.connect(_touch_showing, sender=model, dispatch_uid=f"api-touch-{label}")
        pre_delete.connect(_touch_showing, sender=model, dispatch_uid=f"api-touch-{label}")
    for label in TRACKED:
        for field in apps.get_model(label)._meta.many_to_many:
            m2m_changed.connect(_touch_linked, sender=field.remote_field.through, dispatch_uid=f"api-m2m-{field}")
