"""The duplicate check of an ID number: is this person already an active member somewhere?

Anyone who may add a member could type any ID number and learn from the answer whether that
person is on assistance, and in which file. So the answer depends on the asker's scope: a
household they may see is named by its dossier number; any other is only "registered in a
household elsewhere", with the county-level civil affairs bureau to ask, and the attempt is
audited (action "denied", on the holder's household, so that county sees who asked).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.utils.translation import gettext as _

from households.models import Household, Member
from jiuzhu import audit, crypto
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, AuditEvent


class HeldOutOfScope(RuleViolation):
    """The person is an active member of a household outside the asker's scope."""

    def __init__(self, holder: Member, **kwargs) -> None:
        super().__init__(elsewhere_message(holder), **kwargs)
        self.holder = holder


def holder_of(id_number: str) -> Member | None:
    return (
        Member.objects.filter(id_number_digest=crypto.blind_index(id_number), active=True)
        .select_related("household__county")
        .first()
    )


def visible_household_ids(user, ids: Iterable[int]) -> set[int]:
    """Which of these households the user may see (one query)."""
    return set(Household.objects.in_scope(user).filter(pk__in=set(ids)).values_list("pk", flat=True))


def elsewhere_message(holder: Member) -> str:
    return _(
        "This person is already registered in a household elsewhere, outside your area. Ask the civil "
        "affairs bureau of %(county)s, which keeps that file."
    ) % {"county": holder.household.county.name}


def refusal(holder: Member, *, actor) -> RuleViolation:
    """Why the person cannot be added: the holder's dossier if the actor may see it."""
    if holder.household_id in visible_household_ids(actor, [holder.household_id]):
        return RuleViolation(
            _("This person is already an active member of household %(dossier)s.")
            % {"dossier": holder.household.dossier_no},
            field="id_number",
        )
    return HeldOutOfScope(holder, field="id_number")


def _denied(actor, holder: Member) -> AuditEvent:
    return AuditEvent(
        **audit._actor_fields(actor),
        action=AuditAction.DENIED,
        target_type="households.member",
        target_id=str(holder.pk),
        household_id=holder.household_id,
        area_code=holder.household.county.code,
        summary=_("Duplicate check: an ID number held in a household outside the user's area")[:300],
    )


def record_attempts(actor, holders: Iterable[Member]) -> None:
    """Audit each look-up of a person outside the actor's scope (one INSERT)."""
    AuditEvent.objects.bulk_create([_denied(actor, holder) for holder in holders])


def audits_out_of_scope(service):
    """Write the audit row of an out-of-scope look-up after ``service``'s transaction has
    rolled back (inside it, the refusal would roll the audit row back too)."""

    @functools.wraps(service)
    def wrapper(*args, actor, **kwargs):
        try:
            return service(*args, actor=actor, **kwargs)
        except HeldOutOfScope as refused:
            record_attempts(actor, [refused.holder])
            raise

    return wrapper
