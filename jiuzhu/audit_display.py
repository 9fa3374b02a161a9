"""The audit trail as a page shows it: in the page's language, never in internals.

``readable(events)`` turns stored events (``{attname: [old, new]}`` in ``changes``) into
rows a caseworker reads: the field's verbose name, a choice's label, yes/no, a date or a
local time (2026-11-29 14:05), a related record by its name, the actor by their name. Fields
a user never sees are left out: ``*_cipher`` and ``*_digest`` (the ID number shows as its
masked field), ``version``, the automatic timestamps and a model's ``AUDIT_HIDDEN``; values
written masked (``AUDIT_MASKED``) stay masked. Related records are named in one query per
related model on the page, whatever the number of events.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiuzhu.audit import MASK
from jiuzhu.models import AuditEvent, User

ACTOR_FIELDS = ("actor__id", "actor__username", "actor__first_name", "actor__last_name")
HIDDEN_SUFFIXES = ("_cipher", "_digest", "_hash", "sha256")
HIDDEN_NAMES = {"version", "id"}
CREATIONS = ("create", "import")
# Fields of the models whose verbose name is Django's default (their name with spaces).
UNNAMED = {
    "recorded_by": gettext_lazy("recorded by"),
    "assessed_by": gettext_lazy("assessed by"),
    "uploaded_by": gettext_lazy("uploaded by"),
    "created_by": gettext_lazy("created by"),
    "reviewed_by": gettext_lazy("reviewed by"),
    "assigned_by": gettext_lazy("assigned by"),
    "by": gettext_lazy("by"),
}
NAMING_FIELDS = ("name", "dossier_no", "title")  # what names a related record, in this order


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ReadableEvent:
    at: str  # local time, 2026-11-29 14:05
    who: str
    what: str
    changes: tuple[ChangeLine, ...]


def events_for_household(household_id: int, *, changes_only: bool = False) -> models.QuerySet[AuditEvent]:
    """The household's events, newest first, with the actor's name (one query per slice).
    ``changes_only``: what changed the file, not who viewed or exported it."""
    qs = (
        AuditEvent.objects.for_household(household_id)
        .select_related("actor")
        .only(
            "at", "action", "target_type", "target_id", "changes", "summary", "actor_name", "actor", *ACTOR_FIELDS[1:]
        )
    )
    if changes_only:
        qs = qs.exclude(action__in=["view", "export"])
    return qs


def local_time(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _hidden(model: type[models.Model] | None, name: str, field: models.Field | None) -> bool:
    if name.endswith(HIDDEN_SUFFIXES) or name in HIDDEN_NAMES:
        return True
    if name in getattr(model, "AUDIT_HIDDEN", ()):
        return True
    return bool(field is not None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)))


def _related_names(events: list[AuditEvent], omit: frozenset[str]) -> dict[tuple[type[models.Model], str], str]:
    """Name every related record the events mention: one query per related model."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        fields = _fields(_model(event.target_type))
        for name, pair in (event.changes or {}).items():
            field = fields.get(name)
            related = field.related_model if field is not None and field.is_relation else None
            if name in omit or not isinstance(related, type) or not isinstance(pair, list):
                continue
            for value in pair:
                if value not in (None, "", MASK):
                    wanted[related].add(str(value))
    names: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        if related is User:
            rows = User.objects.filter(pk__in=ids).only("username", "first_name", "last_name")
            names.update(((User, str(u.pk)), u.display_name) for u in rows)
            continue
        naming = next((n for n in NAMING_FIELDS if any(f.name == n for f in related._meta.concrete_fields)), None)
        if naming is None:
            continue
        for pk, label in related._default_manager.filter(pk__in=ids).values_list("pk", naming):
            names[(related, str(pk))] = str(label)
    return names


def _label(field: models.Field | None, name: str) -> str:
    """The field's verbose name; for one left to Django's default (its name with spaces),
    the label of ``UNNAMED``."""
    if field is None:
        return name
    label = str(field.verbose_name)
    if label == field.name.replace("_", " "):
        return str(UNNAMED.get(field.name, label))
    return label


def _value(field: models.Field | None, value, names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value == MASK:
        return MASK
    if isinstance(value, list):
        return "、".join(_value(field, v, names) for v in value)
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, str(value)), f"#{value}")
    if field.flatchoices:
        return str(dict((str(k), v) for k, v in field.flatchoices).get(str(value), value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(str(value))
        return local_time(parsed) if parsed is not None and timezone.is_aware(parsed) else str(value)
    return str(value)


def readable(events: Iterable[AuditEvent], *, omit: Iterable[str] = ()) -> list[ReadableEvent]:
    """The events as rows of the page (see the module's docstring); ``omit``: fields the page
    says already (``household_id`` on a household's trail)."""
    events = list(events)
    omit = frozenset(omit)
    names = _related_names(events, omit)
    rows = []
    for event in events:
        model = _model(event.target_type)
        fields = _fields(model)
        lines = []
        for name, pair in sorted((event.changes or {}).items()):
            field = fields.get(name)
            if name in omit or _hidden(model, name, field):
                continue
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            new_text = _value(field, new, names)
            if event.action in CREATIONS:
                if new_text != "—":  # a new record: what it holds, not "— → value" for each field
                    lines.append(ChangeLine(_label(field, name), "", new_text))
                continue
            lines.append(ChangeLine(_label(field, name), _value(field, old, names), new_text))
        what = event.get_action_display()
        if model is not None:
            what = f"{what} · {model._meta.verbose_name}"
        if event.summary:
            what = f"{what} · {event.summary}"
        who = event.actor.display_name if event.actor_id and event.actor else (event.actor_name or _("system"))
        rows.append(ReadableEvent(local_time(event.at), who, what, tuple(lines)))
    return rows
