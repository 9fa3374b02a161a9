"""The audit trail: who changed what, when, old → new; who viewed or exported personal data.

Services call these functions inside their transaction, so a change and its audit
row are saved together or not at all. Bulk writes (imports, the nightly review) call
``record_many`` with one row per changed record. Personal fields listed in a model's
``AUDIT_MASKED`` are written masked: the trail proves a change without copying the
secret into a second table.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable, Iterable
from functools import cache

from django.db import connection, models
from django.utils import timezone

from jiuzhu import bulk
from jiuzhu.models import AuditAction, AuditEvent

MASK = "******"


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # One instant, one text: a form's value in local time equals the stored UTC one.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, memoryview)):
        return MASK
    return value


@cache
def _audited_names(model: type[models.Model]) -> tuple[str, ...]:
    # Per model class, once: snapshots and bulk audit rows are taken per record.
    skip = set(getattr(model, "AUDIT_SKIP", ()))
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip and not f.primary_key)


def audited_fields(instance: models.Model) -> list[str]:
    return list(_audited_names(type(instance)))


def snapshot(instance: models.Model | None) -> dict:
    """The audited values of a record, to compare after a change."""
    if instance is None or instance.pk is None:
        return {}
    return {name: _plain(getattr(instance, name)) for name in audited_fields(instance)}


def diff(before: dict, after: dict, masked: Iterable[str] = ()) -> dict:
    masked = set(masked)
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [MASK, MASK] if name in masked else [old, new]
    return changes


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": getattr(actor, "username", "") or ""}
    return {"actor": actor, "actor_name": actor.username}


def client_ip(request) -> str | None:
    if request is None:
        return None
    from jiuzhu.client_ip import client_ip as address

    return address(request)


def _household_id(instance: models.Model | None):
    if instance is None:
        return None
    if instance._meta.label_lower == "households.household":
        return instance.pk
    return getattr(instance, "household_id", None)


def record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    changes: dict | None = None,
    summary: str = "",
    request=None,
    household_id: int | None = None,
    area_code: str = "",
    target_type: str = "",
    target_id: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        target_type=instance._meta.label_lower if instance is not None else target_type,
        target_id=str(instance.pk) if instance is not None else target_id,
        household_id=household_id if household_id is not None else _household_id(instance),
        area_code=area_code,
        changes=changes or {},
        summary=summary[:300],
        ip=client_ip(request),
    )


def record_change(
    *, actor, instance: models.Model, before: dict, action: str | None = None, summary: str = "", request=None
) -> AuditEvent | None:
    """Write the change of ``instance`` since ``before`` (a ``snapshot``); nothing if unchanged."""
    changes = diff(before, snapshot(instance), getattr(instance, "AUDIT_MASKED", ()))
    if before and not changes:
        return None
    return record(
        actor=actor,
        action=action or (AuditAction.UPDATE if before else AuditAction.CREATE),
        instance=instance,
        changes=changes,
        summary=summary,
        request=request,
    )


def record_delete(*, actor, instance: models.Model, summary: str = "", request=None) -> AuditEvent:
    return record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes=diff(snapshot(instance), {}, getattr(instance, "AUDIT_MASKED", ())),
        summary=summary,
        request=request,
    )


def _creation_changes(model: type[models.Model]):
    """A function giving what ``diff({}, snapshot(obj), AUDIT_MASKED)`` gives for a new record
    of ``model``, with the field list and masking worked out once per bulk write, not per row."""
    masked = set(getattr(model, "AUDIT_MASKED", ()))
    names = sorted(_audited_names(model))  # diff() lists the fields in name order
    plain_types = (str, int, bool, float)

    def changes(obj: models.Model) -> dict:
        out = {}
        for name in names:
            value = getattr(obj, name)
            if value is None:
                continue  # diff() leaves out what is None before and after
            out[name] = (
                [MASK, MASK] if name in masked else [None, value if type(value) in plain_types else _plain(value)]
            )
        return out

    return changes


def record_many(
    *,
    actor,
    action: str,
    instances: Iterable[models.Model],
    summary: str = "",
    changes: Callable[[models.Model], dict] | None = None,
) -> int:
    """One audit row per record for bulk writes (the full masked snapshot for a creation,
    else what ``changes(record)`` gives: ``{field: [old, new]}``), inserted by COPY on
    PostgreSQL (``jiuzhu.bulk``), else in one statement per thousand rows."""
    fields = _actor_fields(actor)
    actor_id = fields["actor"].pk if fields["actor"] is not None else None
    at = timezone.now()
    summary = summary[:300]
    rows = []
    changes_by_model: dict[type, Callable[[models.Model], dict]] = {}
    for obj in instances:
        model = type(obj)
        if model not in changes_by_model:
            changes_by_model[model] = (
                changes
                if changes is not None
                else _creation_changes(model)
                if action == AuditAction.CREATE
                else (lambda _obj: {})
            )
        rows.append(
            (
                at,
                actor_id,
                fields["actor_name"],
                action,
                obj._meta.label_lower,
                str(obj.pk),
                _household_id(obj),
                "",
                changes_by_model[model](obj),
                summary,
                None,
            )
        )
    if not rows:
        return 0
    if not bulk.copy_rows(AuditEvent._meta.db_table, EVENT_COLUMNS, rows):
        AuditEvent.objects.bulk_create(
            [AuditEvent(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in rows], batch_size=1000
        )
    return len(rows)


EVENT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "household_id",
    "area_code",
    "changes",
    "summary",
    "ip",
)


def record_select(
    *,
    actor,
    action: str,
    model: type[models.Model],
    select_sql: str,
    params: Iterable = (),
    changes: dict | None = None,
    summary: str = "",
) -> int:
    """One audit row per row of ``select_sql`` (columns: the record's id, its household id),
    written by one ``INSERT … SELECT``: what ``record_many`` writes, for a bulk change made in
    SQL (the nightly review), without loading the records. Run it in the change's transaction,
    before the change if the SELECT's condition is what the change alters."""
    fields = _actor_fields(actor)
    actor_id = fields["actor"].pk if fields["actor"] is not None else None
    columns = ", ".join(EVENT_COLUMNS)
    # The caller's SELECT is SQL of its own (table and column names of our models); values are parameters.
    sql = (
        f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) SELECT %s, %s, %s, %s, %s, "  # noqa: S608
        f"CAST(s.id AS VARCHAR(64)), s.household_id, '', %s, %s, NULL FROM ({select_sql}) s"
    )
    head = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        actor_id,
        fields["actor_name"],
        action,
        model._meta.label_lower,
        json.dumps(changes or {}, ensure_ascii=False),
        summary[:300],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params])
        return max(cursor.rowcount, 0)


def record_view(*, actor, instance: models.Model, what: str, request=None) -> AuditEvent:
    """Log a full view of personal data (an unmasked ID number, a health record)."""
    return record(actor=actor, action=AuditAction.VIEW, instance=instance, summary=what, request=request)
