"""Use cases that change a household's dossier: one transaction each, audited.

Every service ends with ``completeness_refresh`` so the stored percentage on the
household (used by the list filters) never lags behind the file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from households import access, rules
from households.dossier import duplicates
from households.dossier.documents import inspect_upload
from households.models import (
    Assessment,
    AssessmentNeed,
    Document,
    DossierSequence,
    Enrolment,
    Health,
    Household,
    HouseholdStatus,
    LabourAbility,
    LeaveReason,
    Member,
    MemberMove,
    NeedDomain,
    Relation,
    Survey,
    SurveyMemberCheck,
    Verification,
    VerificationSource,
)
from households.rules import survey as survey_rules
from households.rules.dates import fact_date_reason, planned_date_reason, registration_date_reason
from jiuzhu import audit, crypto
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.i18n import render_reason, render_reasons
from jiuzhu.models import Area, AreaLevel, AuditAction, PolicyParameters, Role, User
from jiuzhu.policy import Policy

HOUSEHOLD_EDITABLE = ("village", "address", "phone", "risk_level", "income_stable", "notes", "caseworkers")
# An edit may also correct the registration date (建档日期), within ``rules.dates``.
HOUSEHOLD_CORRECTABLE = (*HOUSEHOLD_EDITABLE, "registered_on")
MEMBER_EDITABLE = (
    "name",
    "relation_to_head",
    "hukou_place",
    "labour_ability",
    "health",
    "disability_class",
    "disability_kind",
    "school_stage",
    "employment",
    "monthly_income",
    "phone",
)
ACTIVE_ENROLMENT = tuple(sorted(rules.IN_FORCE))  # the rules say which statuses pay


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def next_dossier_number(township: Area) -> str:
    """``<township code>-<5-digit sequence>``; the sequence row is locked, so numbers are
    unique and never reused, even after a household is removed."""
    sequence, _created = DossierSequence.objects.select_for_update().get_or_create(township=township)
    DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{township.code}-{sequence.last:05d}"


def policy_for(household: Household, year: int) -> Policy | None:
    return PolicyParameters.objects.policy_for(household.county, year)


def _require_policy(household: Household, year: int) -> Policy:
    policy = policy_for(household, year)
    if policy is None:
        raise RuleViolation(
            _(
                "No policy parameters (the 低保 standard) are set for %(county)s in %(year)s; ask the county to enter them."
            )
            % {"county": household.county.name, "year": year}
        )
    return policy


def _check_village(township: Area, village: Area | None) -> None:
    if village is not None and village.township_id != township.pk:
        raise RuleViolation(_("The village or community must be in the household's township."), field="village")


# --- household -------------------------------------------------------------------------


def _checked_caseworkers(township: Area, caseworkers) -> list[int]:
    """The ids of ``caseworkers`` (users or ids), all active caseworkers of the township."""
    ids = sorted({getattr(u, "pk", u) for u in caseworkers or ()})
    valid = (
        set(
            User.objects.filter(pk__in=ids, role=Role.CASEWORKER, area_id=township.pk, is_active=True).values_list(
                "pk", flat=True
            )
        )
        if ids
        else set()
    )
    if set(ids) - valid:
        raise RuleViolation(
            _("Only caseworkers of the household's township can be assigned to it."), field="caseworkers"
        )
    return ids


def _assign_caseworkers(household: Household, ids: list[int] | None, changes: dict) -> None:
    """Set the household's caseworkers to ``ids`` (None: unchanged); the old and new ids go
    into the audit ``changes`` when they differ."""
    if ids is None:
        return
    old = sorted(household.caseworkers.values_list("pk", flat=True)) if household.pk else []
    if old != ids:
        household.caseworkers.set(ids)
        changes["caseworkers"] = [old, ids]


def refuse_wrong_fact_date(
    day: date | None,
    *,
    field: str,
    household: Household | None = None,
    born_on: date | None = None,
    today: date | None = None,
) -> None:
    """``rules.dates.fact_date_reason`` for a service: refused with the field it belongs to."""
    reason = fact_date_reason(
        day,
        today=_today(today),
        registered_on=household.registered_on if household is not None else None,
        born_on=born_on,
    )
    if reason is not None:
        raise RuleViolation([reason], field=field)


def refuse_wrong_planned_date(day: date | None, *, after: date | None, field: str, same_day: bool = False) -> None:
    """``rules.dates.planned_date_reason`` for a service: refused with the field it belongs to."""
    reason = planned_date_reason(day, after=after, same_day=same_day)
    if reason is not None:
        raise RuleViolation([reason], field=field)


def first_fact_on(household: Household) -> date | None:
    """The earliest date in the household's file (verifications, surveys, assessments, plan
    consents), which its registration date may not follow: one query per kind (only when
    the date is corrected)."""
    from households.models import Plan

    dates = [
        Verification.objects.filter(household=household).aggregate(d=Min("verified_on"))["d"],
        Survey.objects.filter(household=household).aggregate(d=Min("visited_on"))["d"],
        Assessment.objects.filter(household=household).aggregate(d=Min("assessed_on"))["d"],
        Plan.objects.filter(household=household).aggregate(d=Min("agreed_on"))["d"],
    ]
    found = [d for d in dates if d is not None]
    return min(found) if found else None


@transaction.atomic
def household_create(*, actor, township: Area, registered_on: date | None = None, **fields) -> Household:
    if township.level != AreaLevel.TOWNSHIP:
        raise RuleViolation(_("A household belongs to a township or street."), field="township")
    _check_village(township, fields.get("village"))
    refuse_wrong_fact_date(registered_on, field="registered_on")
    caseworkers = fields.pop("caseworkers", None)
    caseworker_ids = _checked_caseworkers(township, caseworkers) if caseworkers is not None else None
    household = Household(
        township=township, county_id=township.county_id, registered_on=registered_on or timezone.localdate(), **fields
    )
    household.dossier_no = next_dossier_number(township)
    household.save()
    changes = audit.diff({}, audit.snapshot(household), getattr(household, "AUDIT_MASKED", ()))
    _assign_caseworkers(household, caseworker_ids, changes)
    audit.record(actor=actor, action=AuditAction.CREATE, instance=household, changes=changes)
    completeness_refresh(household)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, expected_version: int | None, **fields) -> Household:
    """Edit the household's own fields and its caseworkers (audited with the old and new
    ones); a stale version (someone saved meanwhile) is refused."""
    unknown = set(fields) - set(HOUSEHOLD_CORRECTABLE)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    _check_village(household.township, fields.get("village", household.village))
    if fields.get("registered_on") is None:
        fields.pop("registered_on", None)
    elif fields["registered_on"] != household.registered_on:
        reason = registration_date_reason(
            fields["registered_on"], today=timezone.localdate(), first_fact_on=first_fact_on(household)
        )
        if reason is not None:
            raise RuleViolation([reason], field="registered_on")
    caseworkers = fields.pop("caseworkers", None)
    caseworker_ids = _checked_caseworkers(household.township, caseworkers) if caseworkers is not None else None
    before = audit.snapshot(household)
    for name, value in fields.items():
        setattr(household, name, value)
    save_versioned(household, expected_version=expected_version, fields=list(fields))
    changes = audit.diff(before, audit.snapshot(household), getattr(household, "AUDIT_MASKED", ()))
    _assign_caseworkers(household, caseworker_ids, changes)
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=household, changes=changes)
    completeness_refresh(household)
    return household


# --- status on the register ------------------------------------------------------------


@transaction.atomic
def refresh_household_status(household_ids: Collection[int], *, actor=None) -> int:
    """Set the status of many households from their enrolments (``rules.household_status``),
    audited, in a fixed number of queries whatever their number: the households, locked (1),
    their enrolment statuses (1), then per kind of change (at most two: 待核实/已退出 → 在册,
    在册 → 已退出) one UPDATE and one audit insert. Returns how many households changed."""
    ids = sorted(set(household_ids))
    if not ids:
        return 0
    current = dict(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "status"))
    enrolled: dict[int, set[str]] = {}
    for household_id, status in (
        Enrolment.objects.filter(household_id__in=ids).order_by().values_list("household_id", "status").distinct()
    ):
        enrolled.setdefault(household_id, set()).add(status)
    moves: dict[tuple[str, str], list[int]] = {}
    for pk, status in current.items():
        new = rules.household_status(current=status, enrolment_statuses=enrolled.get(pk, ()))
        if new != status:
            moves.setdefault((status, new), []).append(pk)
    changed = 0
    for (old, new), pks in moves.items():
        changed += Household.objects.filter(pk__in=pks, status=old).update(status=new)
        audit.record_many(
            actor=actor,
            action=AuditAction.TRANSITION,
            instances=[Household(pk=pk) for pk in pks],
            summary=_("Status %(old)s → %(new)s (from the household's assistance)")
            % {"old": HouseholdStatus(old).label, "new": HouseholdStatus(new).label},
            changes=lambda _household, old=old, new=new: {"status": [old, new]},
        )
    return changed


@transaction.atomic
def household_status_set(
    *, actor, household: Household, to: str, reason: str, expected_version: int | None = None
) -> Household:
    """An officer exits a household or registers an exited one again, with the reason, if
    ``rules.manual_status_change`` allows it; a stale version is refused."""
    if not (access.may_set_status(actor)):
        raise PermissionDenied(_("Only the township officer may change a household's status."))
    in_force = Enrolment.objects.filter(household=household, status__in=rules.LIVE).exists()
    decision = rules.manual_status_change(current=household.status, to=to, in_force=in_force, reason=reason or "")
    if not decision.allowed:
        raise RuleViolation(decision.reasons, field="status")
    before = audit.snapshot(household)
    household.status = to
    save_versioned(household, expected_version=expected_version, fields=["status"])
    audit.record_change(
        actor=actor, instance=household, before=before, action=AuditAction.TRANSITION, summary=reason.strip()
    )
    return household


# --- members ---------------------------------------------------------------------------

holder_of = duplicates.holder_of


def checked_id_number(id_number: str, *, today: date) -> rules.IdCheck:
    check = rules.check_id_number(id_number or "", today=today)
    if not check.valid:
        raise RuleViolation(check.reasons, field="id_number")
    return check


MEMBER_DERIVED = ("household", "id_number_cipher", "id_number_digest", "id_number_masked", "sex", "birth_date")


def _validate_member(member: Member) -> None:
    """The model's own checks (choices, the disability class 1–4) and
    ``rules.disability_errors``, all at once, each next to its field."""
    errors: dict[str, list[str]] = {}
    try:
        member.full_clean(exclude=list(MEMBER_DERIVED), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {name: list(messages) for name, messages in error.message_dict.items()}
    for name, reasons in rules.disability_errors(
        health=member.health, disability_class=member.disability_class, disability_kind=member.disability_kind or ""
    ).items():
        errors.setdefault(name, []).extend(render_reason(r) for r in reasons)
    if errors:
        raise MemberInvalid(errors)


def _set_head(household: Household, member: Member) -> None:
    Household.objects.filter(pk=household.pk).update(head=member)
    household.head = member


@duplicates.audits_out_of_scope
@transaction.atomic
def member_add(
    *,
    actor,
    household: Household,
    name: str,
    id_number: str,
    relation_to_head: str,
    today: date | None = None,
    **fields,
) -> Member:
    today = _today(today)
    check = checked_id_number(id_number, today=today)
    holder = holder_of(check.normal)
    if holder is not None:
        raise duplicates.refusal(holder, actor=actor)
    _refuse_second_head(relation_to_head, household)
    member = Member(
        household=household,
        name=name,
        relation_to_head=relation_to_head,
        birth_date=check.birth_date,
        sex=check.sex,
        joined_on=today,
        **fields,
    )
    member.set_id_number(check.normal)
    _validate_member(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:  # a concurrent insert of the same person
        raise RuleViolation(
            _("This person is already an active member of another household."), field="id_number"
        ) from error
    Household.objects.filter(pk=household.pk).update(member_count=F("member_count") + 1)
    household.member_count += 1
    if relation_to_head == Relation.HEAD:
        _set_head(household, member)
    audit.record_change(actor=actor, instance=member, before={})
    completeness_refresh(household)
    return member


def _refuse_second_head(relation: str, household: Household, member: Member | None = None) -> None:
    reason = rules.second_head(
        relation=relation, current_head_id=household.head_id, member_id=member.pk if member else None
    )
    if reason is not None:
        raise RuleViolation(render_reason(reason), field="relation_to_head")


@duplicates.audits_out_of_scope
@transaction.atomic
def member_update(
    *,
    actor,
    member: Member,
    expected_version: int | None,
    id_number: str | None = None,
    today: date | None = None,
    **fields,
) -> Member:
    """Edit a member. A new ID number is checked like a new member's (and re-derives sex
    and birth date); a stale version is refused."""
    unknown = set(fields) - set(MEMBER_EDITABLE)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if not member.active:
        raise RuleViolation(_("This membership has ended; edit the person in their current household."))
    household = member.household
    before = audit.snapshot(member)
    changed = list(fields)
    if id_number:
        check = checked_id_number(id_number, today=_today(today))
        if crypto.blind_index(check.normal) != member.id_number_digest:
            holder = holder_of(check.normal)
            if holder is not None and holder.pk != member.pk:
                raise duplicates.refusal(holder, actor=actor)
            member.set_id_number(check.normal)
            member.sex, member.birth_date = check.sex, check.birth_date
            changed += ["id_number_cipher", "id_number_digest", "id_number_masked", "sex", "birth_date"]
    _refuse_second_head(fields.get("relation_to_head", ""), household, member)
    for name, value in fields.items():
        setattr(member, name, value)
    _validate_member(member)
    try:
        with transaction.atomic():
            save_versioned(member, expected_version=expected_version, fields=changed)
    except IntegrityError as error:
        raise RuleViolation(
            _("This person is already an active member of another household."), field="id_number"
        ) from error
    if fields.get("relation_to_head") == Relation.HEAD:
        _set_head(household, member)
    elif "relation_to_head" in fields and household.head_id == member.pk:
        Household.objects.filter(pk=household.pk).update(head=None)
        household.head = None
    audit.record_change(actor=actor, instance=member, before=before)
    completeness_refresh(household)
    return member


@transaction.atomic
def member_move(
    *,
    actor,
    member: Member,
    to_household: Household,
    relation_to_head: str,
    reason: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Member:
    """Move a person to another household: the old membership ends (kept, inactive) and a
    new one starts; a MemberMove row links the two so the history reads both ways."""
    today = _today(today)
    if not member.active:
        raise RuleViolation(_("This membership has already ended."))
    if to_household.pk == member.household_id:
        raise RuleViolation(_("The person is already a member of this household."), field="to_household")
    _refuse_second_head(relation_to_head, to_household)
    source = member.household
    before = audit.snapshot(member)
    member.active, member.left_on = False, today
    save_versioned(member, expected_version=expected_version, fields=["active", "left_on"])
    audit.record_change(
        actor=actor,
        instance=member,
        before=before,
        summary=_("Moved to %(dossier)s") % {"dossier": to_household.dossier_no},
    )
    copy = Member(
        household=to_household,
        relation_to_head=relation_to_head,
        joined_on=today,
        **{name: getattr(member, name) for name in MEMBER_EDITABLE if name != "relation_to_head"},
        id_number_cipher=member.id_number_cipher,
        id_number_digest=member.id_number_digest,
        id_number_masked=member.id_number_masked,
        sex=member.sex,
        birth_date=member.birth_date,
    )
    copy.save()
    MemberMove.objects.create(member_from=member, member_to=copy, moved_on=today, reason=reason, by=actor)
    _leave_household(source, member)
    Household.objects.filter(pk=to_household.pk).update(member_count=F("member_count") + 1)
    if relation_to_head == Relation.HEAD:
        _set_head(to_household, copy)
    audit.record_change(
        actor=actor, instance=copy, before={}, summary=_("Moved from %(dossier)s") % {"dossier": source.dossier_no}
    )
    completeness_refresh(source)
    completeness_refresh(to_household)
    return copy


def _leave_household(household: Household, member: Member) -> None:
    """The household's side of a membership that ended (a move or a leave): one member
    fewer, and no head if it was the head, in one UPDATE."""
    was_head = household.head_id == member.pk
    Household.objects.filter(pk=household.pk).update(
        member_count=F("member_count") - 1, **({"head": None} if was_head else {})
    )
    household.member_count -= 1
    if was_head:
        household.head = None


@transaction.atomic
def member_leave(
    *,
    actor,
    member: Member,
    reason: str,
    on: date | None = None,
    note: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Member:
    """End a membership for a reason other than a move (death, moved away, married out,
    other): the row is kept, inactive, with the date and reason, so the person can later
    join a household anywhere; a stale version is refused."""
    today = _today(today)
    on = on or today
    if not member.active:
        raise RuleViolation(_("This membership has already ended."))
    if reason not in LeaveReason.values:
        raise RuleViolation(_("Choose why the person left."), field="reason")
    if on > today:
        raise RuleViolation(_("The date cannot be in the future."), field="left_on")
    if member.joined_on and on < member.joined_on:
        raise RuleViolation(
            _("The person cannot leave before joining (%(joined)s).") % {"joined": member.joined_on}, field="left_on"
        )
    household = member.household
    before = audit.snapshot(member)
    member.active, member.left_on, member.left_reason = False, on, reason
    save_versioned(member, expected_version=expected_version, fields=["active", "left_on", "left_reason"])
    _leave_household(household, member)
    summary = LeaveReason(reason).label + (f": {note.strip()}" if note.strip() else "")
    audit.record_change(
        actor=actor, instance=member, before=before, action=AuditAction.TRANSITION, summary=str(summary)
    )
    completeness_refresh(household)
    return member


# --- verification, assessment, survey --------------------------------------------------


def _labour_present(household: Household) -> bool:
    return household.members.filter(active=True).exclude(labour_ability=LabourAbility.NONE).exists()


def _main_category(household: Household) -> str | None:
    return (
        Enrolment.objects.filter(household=household, status__in=ACTIVE_ENROLMENT)
        .order_by("-start_on")
        .values_list("category", flat=True)
        .first()
    )


def _update_review_date(household: Household, on: date, policy: Policy) -> None:
    """After a verification or survey, the next review counts from this one."""
    next_on = rules.next_review_date(
        last_review=on,
        category=_main_category(household) or "",
        labour_ability_present=_labour_present(household),
        income_stable=household.income_stable,
        policy=policy,
    )
    Household.objects.filter(pk=household.pk).update(next_review_on=next_on)
    household.next_review_on = next_on


@transaction.atomic
def verification_record(
    *, actor, household: Household, verified_on: date, source: str, members_counted: int | None = None, **fields
) -> Verification:
    """Record an economic verification; total and per-capita income and the classification
    (低保 / 低边 / above) are computed from the county's policy for that year."""
    if source == VerificationSource.COUNTY_CENTRE and not (fields.get("report_no") or "").strip():
        raise RuleViolation(_("Enter the number of the county verification centre's report."), field="report_no")
    refuse_wrong_fact_date(verified_on, field="verified_on", household=household)
    policy = _require_policy(household, verified_on.year)
    members_counted = members_counted or household.members.filter(active=True).count()
    if members_counted < 1:
        raise RuleViolation(_("A verification counts at least one member."), field="members_counted")
    verification = Verification(
        household=household,
        verified_on=verified_on,
        source=source,
        members_counted=members_counted,
        recorded_by=actor,
        **fields,
    )
    incomes = {name: Decimal(getattr(verification, name) or 0) for name in Verification.INCOME_FIELDS}
    total = rules.money(sum(incomes.values(), Decimal(0)))  # a sum of cents: exact
    per_capita = rules.per_capita_monthly_income(total_monthly_income=total, members=members_counted)  # shown
    # Classified on the exact figures (total ÷ members), never on the rounded per-capita.
    classification = rules.classify(
        per_capita_income=rules.per_capita_exact(total=total, members=members_counted),
        financial_assets_per_person=rules.per_capita_exact(
            total=Decimal(verification.deposits) + Decimal(verification.securities), members=members_counted
        ),
        flags=rules.AssetFlags(
            vehicle=verification.vehicles > 0,
            vehicle_exempt=verification.vehicle_exempt,
            second_home=verification.real_estate_count >= 2,
            registered_business=verification.registered_businesses > 0,
        ),
        policy=policy,
    )
    verification.total_income, verification.per_capita_income = total, per_capita
    verification.classification = classification.category
    verification.full_clean(exclude=["household", "recorded_by"])
    verification.save()
    audit.record_change(actor=actor, instance=verification, before={})
    _update_review_date(household, verified_on, policy)
    completeness_refresh(household, policy=policy)
    return verification


@transaction.atomic
def assessment_record(
    *,
    actor,
    household: Household,
    assessed_on: date,
    ratings: dict[str, str],
    notes: dict[str, str] | None = None,
    summary: str = "",
) -> Assessment:
    """A needs assessment: one AssessmentNeed per domain (unrated ones count as none) and
    the priority computed by ``rules.needs_priority``."""
    notes = notes or {}
    refuse_wrong_fact_date(assessed_on, field="assessed_on", household=household)
    ratings = {domain: ratings.get(domain) or "none" for domain in NeedDomain.values}
    try:
        priority = rules.needs_priority(ratings)
    except ValueError as error:
        raise RuleViolation(_("Unknown needs domain or level.")) from error
    assessment = Assessment.objects.create(
        household=household, assessed_on=assessed_on, priority=priority.level, summary=summary, assessed_by=actor
    )
    needs = AssessmentNeed.objects.bulk_create(
        [
            AssessmentNeed(assessment=assessment, domain=d, level=level, note=notes.get(d, "")[:300])
            for d, level in ratings.items()
        ]
    )
    audit.record_change(
        actor=actor,
        instance=assessment,
        before={},
        summary="、".join(f"{n.get_domain_display()}：{n.get_level_display()}" for n in needs),
    )
    # The latest assessment moves to this one unless a later one is recorded (a back-dated
    # assessment); one conditional UPDATE, in this transaction.
    later = Q(latest_assessment__assessed_on__gt=assessed_on) | Q(
        latest_assessment__assessed_on=assessed_on, latest_assessment_id__gt=assessment.pk
    )
    if Household.objects.filter(pk=household.pk).exclude(later).update(latest_assessment=assessment):
        household.latest_assessment = assessment
    completeness_refresh(household)
    return assessment


def latest_assessment_refresh(households: QuerySet[Household]) -> int:
    """Point ``Household.latest_assessment`` of ``households`` at each one's latest
    assessment (latest ``assessed_on``, then highest id: a back-dated assessment does not
    replace a later one) in one UPDATE. For code that creates assessments without
    ``assessment_record`` (bulk loads, fixtures); returns the number of households updated."""
    latest = Assessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_on", "-id").values("pk")[:1]
    return households.order_by().update(latest_assessment_id=Subquery(latest))


@transaction.atomic
def survey_record(
    *,
    actor,
    household: Household,
    visited_on: date,
    present: list,
    housing: str,
    housing_condition: str,
    checks: list[dict],
    photos: list | None = None,
    today: date | None = None,
    **fields,
) -> Survey:
    """A whole home-visit survey or nothing: the survey, one check per active member
    (confirmed / changed with a note / absent), and its photos, in one transaction."""
    today = _today(today)
    present_ids = {getattr(u, "pk", u) for u in present}
    local = (
        User.objects.filter(
            pk__in=present_ids, area_id=household.township_id, role__in=[Role.CASEWORKER, Role.TOWNSHIP_OFFICER]
        ).count()
        if len(present_ids) >= 2
        else 0
    )
    active = {m.pk: m for m in household.members.filter(active=True)}
    given = {int(c["member"]): c for c in checks}
    problems = survey_rules.survey_problems(
        visited_on=visited_on,
        today=today,
        follow_up_on=fields.get("follow_up_on"),
        present=len(present_ids),
        registered_on=household.registered_on,
        present_from_township=local,
        members={pk: m.name for pk, m in active.items()},
        checks={pk: survey_rules.MemberCheck(c.get("outcome") or "", c.get("note") or "") for pk, c in given.items()},
    )
    errors = {field: render_reasons(reasons) for field, reasons in problems.items()}
    if errors:
        raise SurveyInvalid(errors)
    survey = Survey(
        household=household,
        visited_on=visited_on,
        housing=housing,
        housing_condition=housing_condition,
        recorded_by=actor,
        **fields,
    )
    survey.full_clean(exclude=["household", "recorded_by"])
    survey.save()
    survey.present.set(present)
    SurveyMemberCheck.objects.bulk_create(
        [
            SurveyMemberCheck(survey=survey, member_id=pk, outcome=c["outcome"], note=(c.get("note") or "")[:300])
            for pk, c in given.items()
        ]
    )
    stored: list[Document] = []
    try:
        for upload in photos or []:
            stored.append(
                document_upload(
                    actor=actor, household=household, kind="photo", upload=upload, survey=survey, refresh=False
                )
            )
    except RuleViolation as error:
        for document in stored:  # the rows roll back with the survey; the files must go too
            document.file.storage.delete(document.file.name)
        raise SurveyInvalid({"photos": error.messages()}) from error
    if household.last_visit_on is None or visited_on > household.last_visit_on:
        Household.objects.filter(pk=household.pk).update(last_visit_on=visited_on)
        household.last_visit_on = visited_on
    audit.record_change(
        actor=actor,
        instance=survey,
        before={},
        summary="、".join(
            f"{active[pk].name}：{SurveyMemberCheck.Outcome(c['outcome']).label}" for pk, c in given.items()
        ),
    )
    policy = policy_for(household, visited_on.year)
    if policy is not None:
        _update_review_date(household, visited_on, policy)
    completeness_refresh(household, policy=policy)
    return survey


class SurveyInvalid(RuleViolation):
    """Several field errors at once, so the phone form can show each next to its field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__([m for ms in errors.values() for m in ms])

    def as_dict(self) -> dict[str, list[str]]:
        return self.errors


class MemberInvalid(SurveyInvalid):
    """A member's record refused, with each reason next to its field."""


# --- documents -------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    actor,
    household: Household,
    kind: str,
    upload,
    member: Member | None = None,
    survey: Survey | None = None,
    note: str = "",
    refresh: bool = True,
) -> Document:
    """Store an upload after checking its size and its real type (from its first bytes)."""
    content_type, size, digest = inspect_upload(upload)
    if member is not None and member.household_id != household.pk:
        raise RuleViolation(_("The member is not in this household."), field="member")
    document = Document(
        household=household,
        member=member,
        survey=survey,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "")[-200:],
        content_type=content_type,
        size=size,
        sha256=digest,
        note=note,
        uploaded_by=actor,
    )
    upload.seek(0)
    document.file.save("upload", upload, save=False)
    try:
        document.save()
        audit.record_change(actor=actor, instance=document, before={})
        if refresh:
            completeness_refresh(household)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    # The row may still roll back with an outer transaction (a survey): the caller that
    # owns that transaction removes the stored files then (see survey_record).
    return document


# --- completeness ----------------------------------------------------------------------


def _plan_model():
    for name in ("Plan", "AssistancePlan"):
        try:
            return apps.get_model("households", name)
        except LookupError:
            continue
    return None


DossierRow = tuple[rules.DossierFacts, str | None, int]
"""A household's facts, the category it is enrolled in (or None), and its county's id."""


def dossier_facts_batch(household_ids: Collection[int]) -> dict[int, DossierRow]:
    """What the completeness rule needs for many households, in a fixed number of queries
    whatever their number: the households with their latest dates (1), active members (1),
    document kinds (1), enrolments in force (1), and plans when the model exists (1)."""
    ids = list(household_ids)
    if not ids:
        return {}
    latest_verification = (
        Verification.objects.filter(household_id=OuterRef("pk")).order_by("-verified_on").values("verified_on")[:1]
    )
    latest_survey = Survey.objects.filter(household_id=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    households = (
        Household.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            verified=Subquery(latest_verification),
            visited=Subquery(latest_survey),
            assessed=Exists(Assessment.objects.filter(household_id=OuterRef("pk"))),
        )
        .values("pk", "county_id", "head_id", "address", "phone", "verified", "visited", "assessed")
    )
    members = {
        row["household_id"]: row
        for row in (
            Member.objects.filter(household_id__in=ids, active=True)
            .order_by()
            .values("household_id")
            .annotate(
                n=Count("id"),
                disabled=Count("id", filter=Q(health=Health.DISABILITY)),
                serious=Count("id", filter=Q(health=Health.SERIOUS)),
            )
        )
    }
    kinds: dict[int, set[str]] = {}
    for household_id, kind in (
        Document.objects.filter(household_id__in=ids).order_by().values_list("household_id", "kind").distinct()
    ):
        kinds.setdefault(household_id, set()).add(kind)
    enrolled: dict[int, list[str]] = {}
    for household_id, category in (
        Enrolment.objects.filter(household_id__in=ids, status__in=ACTIVE_ENROLMENT)
        .order_by("household_id", "-start_on", "-id")
        .values_list("household_id", "category")
    ):
        enrolled.setdefault(household_id, []).append(category)
    plan = _plan_model()
    planned = (
        set(plan.objects.filter(household_id__in=ids).order_by().values_list("household_id", flat=True).distinct())
        if plan is not None
        else set()
    )
    result: dict[int, DossierRow] = {}
    for row in households:
        pk = row["pk"]
        counts = members.get(pk, {})
        categories = enrolled.get(pk, [])
        facts, category = dossier_facts_from(
            has_head=row["head_id"] is not None,
            address=row["address"],
            phone=row["phone"],
            members=counts.get("n", 0),
            disabled=counts.get("disabled", 0),
            serious=counts.get("serious", 0),
            verified=row["verified"],
            visited=row["visited"],
            assessed=row["assessed"],
            kinds=kinds.get(pk, ()),
            enrolled=categories,
            has_plan=pk in planned,
        )
        result[pk] = (facts, category, row["county_id"])
    return result


def dossier_facts(household: Household) -> tuple[rules.DossierFacts, str | None]:
    """What the completeness rule needs for one household (``dossier_facts_batch`` of one)."""
    facts, category, _county = dossier_facts_batch([household.pk])[household.pk]
    return facts, category


def dossier_facts_prefetched(household: Household) -> tuple[rules.DossierFacts, str | None]:
    """The same facts from a household loaded by ``selectors.household_dossier`` (its members,
    verifications, surveys, assessments, documents, enrolments and plans prefetched): no
    query, so the dossier page does not read the file a second time."""
    active = [m for m in household.members.all() if m.active]
    enrolments = sorted(
        (e for e in household.enrolments.all() if e.status in ACTIVE_ENROLMENT), key=lambda e: e.start_on, reverse=True
    )
    return dossier_facts_from(
        has_head=household.head_id is not None,
        address=household.address,
        phone=household.phone,
        members=len(active),
        disabled=sum(m.health == Health.DISABILITY for m in active),
        serious=sum(m.health == Health.SERIOUS for m in active),
        verified=max((v.verified_on for v in household.verifications.all()), default=None),
        visited=max((s.visited_on for s in household.surveys.all()), default=None),
        assessed=bool(household.assessments.all()),
        kinds=frozenset(d.kind for d in household.documents.all()),
        enrolled=[e.category for e in enrolments],
        has_plan=bool(household.plans.all()),
    )


def dossier_facts_from(
    *,
    has_head: bool,
    address: str,
    phone: str,
    members: int,
    disabled: int,
    serious: int,
    verified: date | None,
    visited: date | None,
    assessed: bool,
    kinds,
    enrolled: list[str],
    has_plan: bool,
) -> tuple[rules.DossierFacts, str | None]:
    """The rule's facts from what was read (``kinds``: the document kinds held; ``enrolled``:
    the categories in force, latest first), and the category the file is measured for."""
    facts = rules.DossierFacts(
        has_head=has_head,
        all_members_have_valid_ids=members > 0,
        has_address=bool(address.strip()),
        has_phone=bool(phone.strip()),
        latest_verification_on=verified,
        latest_survey_on=visited,
        has_assessment=assessed,
        has_plan=has_plan,
        document_kinds=frozenset(f"doc_{k}" for k in kinds),
        any_disability=disabled > 0,
        any_serious_illness=serious > 0,
        enrolled_categories=frozenset(enrolled),
    )
    return facts, (enrolled[0] if enrolled else None)


def completeness_of(
    household: Household, *, today: date | None = None, policy: Policy | None = None, prefetched: bool = False
) -> rules.Completeness:
    """The file's completeness; ``prefetched``: from a household loaded by ``selectors.household_dossier``."""
    today = _today(today)
    facts, category = (dossier_facts_prefetched if prefetched else dossier_facts)(household)
    policy = policy or policy_for(household, today.year) or Policy.unset(today.year)
    return rules.completeness(facts=facts, category=category, today=today, policy=policy)


def completeness_refresh(
    household: Household, *, today: date | None = None, policy: Policy | None = None
) -> rules.Completeness:
    """Recompute and store ``Household.completeness`` and ``missing_items`` (without touching its version)."""
    result = completeness_of(household, today=today, policy=policy)
    Household.objects.filter(pk=household.pk).update(completeness=result.percent, missing_items=result.missing_mask)
    household.completeness, household.missing_items = result.percent, result.missing_mask
    return result


def completeness_refresh_batch(
    household_ids: Collection[int], *, today: date | None = None, policies: dict[int, Policy] | None = None
) -> int:
    """Recompute and store completeness and missing items of many households: the facts in
    a fixed number of queries (``dossier_facts_batch``), the policy of each county not yet
    in ``policies`` (a cache the caller keeps across batches: two queries when there are such
    counties), and
    one UPDATE for all of them (bulk_update: one ``CASE`` per field). Returns how many households were refreshed."""
    today = _today(today)
    policies = {} if policies is None else policies
    rows = dossier_facts_batch(household_ids)
    new_counties = {county_id for _facts, _category, county_id in rows.values()} - set(policies)
    if new_counties:
        policies.update(
            PolicyParameters.objects.policies_or_unset(Area.objects.filter(pk__in=new_counties), today.year)
        )
    stored: list[tuple[int, int, int]] = []
    for pk, (facts, category, county_id) in rows.items():
        result = rules.completeness(facts=facts, category=category, today=today, policy=policies[county_id])
        stored.append((pk, result.percent, result.missing_mask))
    _store_completeness(stored)
    return len(stored)


STORE_COMPLETENESS_POSTGRESQL = """
UPDATE households_household AS h SET completeness = v.percent, missing_items = v.mask
FROM unnest(%s::bigint[], %s::smallint[], %s::integer[]) AS v(id, percent, mask)
WHERE h.id = v.id
"""


def _store_completeness(stored: list[tuple[int, int, int]]) -> None:
    """Write (household id, percent, mask) rows in one UPDATE. On PostgreSQL from arrays:
    Django's bulk_update builds a CASE of one WHEN per row, which took ~2 s of Python per
    1,000 households (cProfile), five times the queries' own time."""
    if not stored:
        return
    if connection.vendor == "postgresql":
        ids, percents, masks = (list(column) for column in zip(*stored, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(STORE_COMPLETENESS_POSTGRESQL, [ids, percents, masks])
        return
    Household.objects.bulk_update(
        [Household(pk=pk, completeness=percent, missing_items=mask) for pk, percent, mask in stored],
        ["completeness", "missing_items"],
    )


def completeness_refresh_all(
    households: QuerySet[Household],
    *,
    chunk: int = 1000,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute completeness and missing items of every household of ``households``,
    ``chunk`` at a time in primary-key order, one transaction per chunk: per chunk the next
    ids (1 query) and ``completeness_refresh_batch`` (a fixed number), so the work grows
    with the number of chunks, never a query per household. ``progress(done)`` after each."""
    today = _today(today)
    policies: dict[int, Policy] = {}
    ids = households.order_by("pk").values_list("pk", flat=True)
    done, last = 0, 0
    while True:
        batch = list(ids.filter(pk__gt=last)[:chunk])
        if not batch:
            return done
        with transaction.atomic():
            done += completeness_refresh_batch(batch, today=today, policies=policies)
        last = batch[-1]
        if progress is not None:
            progress(done)
