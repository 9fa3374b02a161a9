"""Optimistic locking: a stale edit is refused, never silently written over."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from jiuzhu.errors import StaleEdit

STALE_MESSAGE = _("Someone else saved this record after you opened it. Reload it and make your change again.")


def save_versioned(instance: models.Model, *, expected_version: int | None, fields: list[str]) -> None:
    """Save ``fields`` only if the row still has ``expected_version``; bump the version.

    One conditional UPDATE: two users who opened version 3 cannot both save it.
    """
    if expected_version is None:
        expected_version = instance.version
    values = {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        from django.utils import timezone

        values["updated_at"] = instance.updated_at = timezone.now()
    updated = (
        type(instance)
        ._base_manager.filter(pk=instance.pk, version=expected_version)
        .update(version=F("version") + 1, **{instance._meta.get_field(k).attname: v for k, v in values.items()})
    )
    if updated != 1:
        raise StaleEdit(str(STALE_MESSAGE), field="version")
    instance.version = expected_version + 1
    # A save by UPDATE sends no signal of its own: listeners (the menu's task badge) hear it as
    # any other save of these fields.
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=False,
        raw=False,
        using=instance._state.db,
        update_fields=frozenset(fields),
    )
