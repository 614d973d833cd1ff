"""Optimistic locking in the admin: every form of a documented record carries the
version it was opened at; saving over a newer version is refused with a message that
names who changed what since."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.timezone import localtime

IGNORED_IN_DIFF = ["version", "created_at", "updated_at", "uuid"]


def _short(value) -> str:
    return Truncator("" if value is None else str(value)).chars(60)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — a field removed since; show its name
        return name


def describe_conflict(current, opened_version: int) -> str:
    """``Case "Mamai" was saved by editor on 25 Nov 2026 19:50 after you opened it:
    title "Old" → "New". Your changes were not saved …``"""
    history = current.history.order_by("-history_date", "-history_id")
    latest = history.first()
    opened = history.filter(version=opened_version).first()
    name = current._meta.verbose_name
    who = "someone else"
    when = ""
    if latest is not None:
        who = str(latest.history_user) if latest.history_user else "someone else (or an import)"
        when = " on " + date_format(localtime(latest.history_date), "DATETIME_FORMAT")
    changes = []
    if latest is not None and opened is not None and latest.pk != opened.pk:
        delta = latest.diff_against(opened, excluded_fields=IGNORED_IN_DIFF)
        changes = [
            f"{_label(current, c.field)}: “{_short(c.old)}” → “{_short(c.new)}”"
            for c in sorted(delta.changes, key=lambda c: c.field)
        ]
    message = f"This {name} (“{Truncator(str(current)).chars(60)}”) was saved by {who}{when} after you opened it"
    message += (": " + "; ".join(changes) + ".") if changes else "."
    return (
        message + " Your changes were NOT saved, so nothing was overwritten. Open the record again "
        "(in a new tab, to keep your edits in view) and re-apply them to the current version."
    )


class VersionedForm(forms.ModelForm):
    """A record's admin form: refuses to save when the record changed since it was opened."""

    check_unchanged = True  # the main form always writes every field; an inline only if edited

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("loaded_version")
        stale = self.instance.pk is not None and opened is not None and opened != self.instance.version
        if stale and (self.check_unchanged or self.has_changed()):
            raise ValidationError(describe_conflict(self.instance, opened), code="stale")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        opened = self.cleaned_data.get("loaded_version") if hasattr(self, "cleaned_data") else None
        if self.instance.pk is not None and opened is not None:
            # Save against the version the editor saw: if another save lands between
            # this check and our UPDATE, the database refuses it (StaleRecordError).
            self.instance.version = opened


class VersionedInlineForm(VersionedForm):
    check_unchanged = False


def with_version_field(fieldsets, index: int):
    """The fieldsets with the hidden ``loaded_version`` added to one of them (once)."""
    fieldsets = list(fieldsets)
    if not fieldsets or any("loaded_version" in _flatten(opts["fields"]) for _name, opts in fieldsets):
        return fieldsets
    name, options = fieldsets[index]
    fieldsets[index] = (name, {**options, "fields": [*options["fields"], "loaded_version"]})
    return fieldsets


def _flatten(fields):
    for field in fields:
        if isinstance(field, list | tuple):
            yield from field
        else:
            yield field
