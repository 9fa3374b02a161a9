"""Use cases that change a household's dossier: one transaction each, audited."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.models import DossierSequence, Household, Member, Relation
from jiuzhu import audit, crypto
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel


def next_dossier_number(township: Area) -> str:
    """``<township code>-<5-digit sequence>``; the sequence row is locked, so numbers are
    unique and never reused, even after a household is removed."""
    sequence, _created = DossierSequence.objects.select_for_update().get_or_create(township=township)
    DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{township.code}-{sequence.last:05d}"


@transaction.atomic
def household_create(*, actor, township: Area, registered_on: date | None = None, **fields) -> Household:
    if township.level != AreaLevel.TOWNSHIP:
        raise RuleViolation(_("A household belongs to a township or street."), field="township")
    household = Household(township=township, county_id=township.county_id,
                          registered_on=registered_on or timezone.localdate(), **fields)
    household.dossier_no = next_dossier_number(township)
    household.save()
    audit.record_change(actor=actor, instance=household, before={})
    return household


def holder_of(id_number: str) -> Member | None:
    return (Member.objects.filter(id_number_digest=crypto.blind_index(id_number), active=True)
            .select_related("household").first())


@transaction.atomic
def member_add(*, actor, household: Household, name: str, id_number: str, relation_to_head: str,
               today: date | None = None, **fields) -> Member:
    check = rules.check_id_number(id_number, today=today or timezone.localdate())
    if not check.valid:
        raise RuleViolation(check.reasons, field="id_number")
    holder = holder_of(check.normal)
    if holder is not None:
        raise RuleViolation(_("This person is already an active member of household %(dossier)s.") % {"dossier": holder.household.dossier_no}, field="id_number")
    member = Member(household=household, name=name, relation_to_head=relation_to_head,
                    birth_date=check.birth_date, sex=check.sex, joined_on=today or timezone.localdate(), **fields)
    member.set_id_number(check.normal)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:  # a concurrent insert of the same person
        raise RuleViolation(_("This person is already an active member of another household."), field="id_number") from error
    Household.objects.filter(pk=household.pk).update(member_count=F("member_count") + 1)
    if relation_to_head == Relation.HEAD:
        Household.objects.filter(pk=household.pk).update(head=member)
    audit.record_change(actor=actor, instance=member, before={})
    return member
