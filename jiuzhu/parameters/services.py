"""Enter and change a policy row: one transaction each, the floors checked by the model's
``clean`` (jiuzhu.policy.weaker_figures), a stale edit refused, old → new in the audit trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu import audit
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel, PolicyParameters
from jiuzhu.parameters.selectors import may_write
from jiuzhu.parameters.signals import policy_changed
from jiuzhu.policy import POLICY_FIELDS

FIGURES = tuple(name for name in POLICY_FIELDS if name != "year") + ("note",)


def _require_writer(actor) -> None:
    if not may_write(actor):
        raise RuleViolation(_("Only the city civil-affairs bureau enters and changes policy parameters."))


def _check(row: PolicyParameters) -> None:
    """The model's own checks (area level, floors) as a rule violation per field."""
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise RuleViolation(
            [message for messages in error.message_dict.values() for message in messages],
            field=next(iter(error.message_dict), None),
        ) from error


def _announce(row: PolicyParameters) -> None:
    transaction.on_commit(lambda: policy_changed.send_robust(sender=PolicyParameters, row=row))


@transaction.atomic
def policy_create(*, actor, area: Area, year: int, **figures) -> PolicyParameters:
    """A new row for ``area`` (the city or a county) and ``year``; one per area and year."""
    _require_writer(actor)
    if area.level not in (AreaLevel.CITY, AreaLevel.COUNTY):
        raise RuleViolation(_("Policy parameters belong to a county-level unit or the city."), field="area")
    if PolicyParameters.objects.filter(area=area, year=year).exists():
        raise RuleViolation(
            _("%(area)s already has policy parameters for %(year)s: change that row instead.")
            % {"area": area.name, "year": year},
            field="year",
        )
    row = PolicyParameters(area=area, year=year, **figures)
    _check(row)
    row.save()
    audit.record_change(actor=actor, instance=row, before={})
    _announce(row)
    return row


@transaction.atomic
def policy_update(*, actor, row: PolicyParameters, expected_version: int | None, **figures) -> PolicyParameters:
    """Change a row's figures (its area and year stay); refused if someone saved it meanwhile."""
    _require_writer(actor)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = audit.snapshot(PolicyParameters.objects.get(pk=row.pk))
    for name, value in figures.items():
        setattr(row, name, value)
    _check(row)
    save_versioned(row, expected_version=expected_version, fields=list(figures))
    audit.record_change(actor=actor, instance=row, before=before)
    _announce(row)
    return row
