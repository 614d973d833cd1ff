"""Finding and deleting synthetic data.

Synthetic root records (persons, organizations, cases, assemblies, sources) carry
``[synthetic]`` at the start of their internal notes; everything hanging off them
goes with them. Deletion is set-based SQL (``DELETE … WHERE id IN (SELECT …)``),
because the ORM's ``delete()`` would load every row to send history signals; so no
history rows are written for it either. Reference data (places, codes, articles,
tags, roles, facilities) stays."""

import time
from collections.abc import Callable

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q

from cases.models import Assembly, Case, Charge, Detention, Event, Extension, Participant, Sentence
from kazmonitor.models import Source
from people.models import Membership, Organization, Person, PersonAlias, Recognition

from .reference import MARK


def _marked(prefix: str = "") -> Q:
    return Q(**{f"{prefix}internal_notes__startswith": MARK})


_PERSON, _CASE, _ORG, _ASSEMBLY = "person__", "case__", "organization__", "assembly__"

# Children first, then the roots they point at.
DOOMED: list[tuple[type[models.Model], Q]] = [
    (Extension, _marked("detention__person__") | _marked("detention__case__") | _marked("detention__assembly__")),
    (Sentence, _marked("case__") | _marked("defendant__")),
    (Recognition, _marked(_PERSON) | _marked("recognised_by__")),
    (Event, _marked(_CASE) | _marked(_PERSON)),
    (Charge, _marked(_CASE) | _marked("defendant__")),
    (Participant, _marked(_CASE) | _marked(_PERSON)),
    (Detention, _marked(_PERSON) | _marked(_CASE) | _marked(_ASSEMBLY)),
    (Membership, _marked(_PERSON) | _marked(_ORG)),
    (PersonAlias, _marked(_PERSON)),
    (Case, _marked()),
    (Assembly, _marked()),
    (Person, _marked()),
    (Organization, _marked()),
    (Source, Q(provenance_notes__startswith=MARK)),
]

ROOTS = (Person, Organization, Case, Assembly)


def existing_records() -> dict[str, dict[str, int]]:
    """Synthetic and other records of the root tables: ``{"synthetic": {...}, "other": {...}}``."""
    found: dict[str, dict[str, int]] = {"synthetic": {}, "other": {}}
    for model in (Case, Person, Assembly):
        name = str(model._meta.verbose_name_plural)
        found["synthetic"][name] = model.objects.filter(_marked()).count()
        found["other"][name] = model.objects.exclude(_marked()).count()
    return found


def _delete(queryset: models.QuerySet) -> int:
    model = queryset.model
    quote = connection.ops.quote_name
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({sql})",  # noqa: S608
            params,
        )
        return cursor.rowcount


def _links(doomed: dict[type[models.Model], Q]) -> list[models.QuerySet]:
    """Many-to-many rows whose either end is about to be deleted."""
    found = []
    for model, condition in doomed.items():
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            for fk in through._meta.concrete_fields:
                related = getattr(fk, "related_model", None)
                if related is model:
                    found.append(
                        through.objects.filter(**{f"{fk.name}__in": model.objects.filter(condition).values("pk")})
                    )
                elif related in doomed:
                    found.append(
                        through.objects.filter(
                            **{f"{fk.name}__in": related.objects.filter(doomed[related]).values("pk")}
                        )
                    )
    return found


def clear_synthetic(write: Callable[[str], None] = print) -> int:
    """Deletes every synthetic record; returns the number of rows deleted."""
    started = time.perf_counter()
    doomed = dict(DOOMED)
    deleted = 0
    try:
        with transaction.atomic():
            for queryset in _links(doomed):
                deleted += _delete(queryset)
            for model, condition in DOOMED:
                count = _delete(model.objects.filter(condition))
                deleted += count
                if count:
                    write(f"  deleted {count:,} {model._meta.verbose_name_plural}")
    except IntegrityError as error:
        raise IntegrityError(
            f"Synthetic records are still referred to by other records, so nothing was deleted: {error}"
        ) from error
    write(f"Cleared {deleted:,} synthetic rows in {time.perf_counter() - started:,.1f} s.")
    return deleted
