"""Use cases of the dynamic review: change reports, recording a review, the township
officer's decision. One transaction each, audited; the enrolment history
(``EnrolmentStatusChange``) keeps the chain of decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from households import access, rules
from households.dossier.services import refresh_household_status
from households.models import (
    OUTCOMES_NEEDING_CONFIRMATION,
    ChangeReport,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Household,
    LabourAbility,
    RecordDecision,
    ReviewOutcome,
    ReviewReason,
    ReviewRecord,
    ReviewStatus,
    ReviewTask,
    Verification,
)
from jiuzhu import audit
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, PolicyParameters

LIVE_ENROLMENT = tuple(sorted(rules.LIVE))


def _require(actor, action: access.Action) -> None:
    if not access.may(actor, action):
        raise PermissionDenied(_("Your role may not do this."))


def open_review_task(
    *,
    household: Household,
    reason: str,
    today: date,
    change_report: ChangeReport | None = None,
    suggested_outcome: str = "",
) -> ReviewTask:
    """The household's unfinished task for ``reason``, created if there is none.

    Idempotent under concurrency: the insert ignores the partial unique index's conflict,
    then the one open task is read back.
    """
    assignee = household.caseworkers.order_by("pk").values_list("pk", flat=True).first()
    ReviewTask.objects.bulk_create(
        [
            ReviewTask(
                household=household,
                reason=reason,
                created_on=today,
                due_on=today,
                assigned_to_id=assignee,
                change_report=change_report,
                suggested_outcome=suggested_outcome,
            )
        ],
        ignore_conflicts=True,
    )
    task = ReviewTask.objects.get(
        household=household, reason=reason, status__in=[ReviewStatus.OPEN, ReviewStatus.RECORDED]
    )
    # bulk_create sends no signal: say the task was saved (the menu's task badge listens).
    post_save.send(sender=ReviewTask, instance=task, created=False, raw=False, using=task._state.db, update_fields=None)
    return task


@transaction.atomic
def change_report_create(
    *, actor, household: Household, kind: str, date: date, source: str, description: str, today: date | None = None
) -> ChangeReport:
    """Record a change and put the household on the review list at once (one open entry)."""
    _require(actor, access.Action.REPORT_CHANGE)
    today = today or timezone.localdate()
    if date > today:
        raise RuleViolation(_("The date of the change cannot be in the future."), field="date")
    report = ChangeReport.objects.create(
        household=household,
        kind=kind,
        date=date,
        source=source.strip(),
        description=description.strip(),
        reported_by=actor,
    )
    audit.record_change(actor=actor, instance=report, before={})
    open_review_task(
        household=household,
        reason=ReviewReason.CHANGE_REPORT,
        today=today,
        change_report=report,
        suggested_outcome=rules.change_report_suggestion(kind=kind, members=household.member_count),
    )
    return report


def _refresh_next_review(household: Household, *, visited_on: date, actor) -> None:
    """After a finished review the household's next review is dated by the rules."""
    row = PolicyParameters.objects.for_county(household.county, visited_on.year)
    if row is None:
        return
    categories = set(household.enrolments.filter(status__in=LIVE_ENROLMENT).values_list("category", flat=True))
    labour = household.members.filter(
        active=True, labour_ability__in=[LabourAbility.FULL, LabourAbility.PARTIAL]
    ).exists()
    next_on = rules.next_review_date(
        last_review=visited_on,
        category=rules.TEKUN if rules.TEKUN in categories else "",
        labour_ability_present=labour,
        income_stable=household.income_stable,
        policy=row.as_policy(visited_on.year),
    )
    before = audit.snapshot(household)
    household.last_visit_on, household.next_review_on = visited_on, next_on
    Household.objects.filter(pk=household.pk).update(last_visit_on=visited_on, next_review_on=next_on)
    audit.record_change(actor=actor, instance=household, before=before, summary=_("Review finished"))


def _validate_record(
    *,
    task: ReviewTask,
    outcome: str,
    verification,
    enrolment,
    exit_reason: str,
    proposed_category: str,
    proposed_amount,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if verification is not None and verification.household_id != task.household_id:
        errors["verification"] = [_("This verification belongs to another household.")]
    if enrolment is not None and (
        enrolment.household_id != task.household_id or enrolment.status not in LIVE_ENROLMENT
    ):
        errors["enrolment"] = [_("Choose an enrolment of this household that is in force.")]
    if outcome in (ReviewOutcome.EXIT, ReviewOutcome.ADJUST_AMOUNT) and enrolment is None and "enrolment" not in errors:
        errors["enrolment"] = [_("Choose the enrolment this decision is about.")]
    if outcome == ReviewOutcome.EXIT and not exit_reason.strip():
        errors["exit_reason"] = [_("Give the reason for the exit.")]
    if outcome == ReviewOutcome.ADJUST_AMOUNT and proposed_amount is None:
        errors["proposed_amount"] = [_("Give the new monthly amount.")]
    if outcome == ReviewOutcome.ENROL_OTHER and not proposed_category:
        errors["proposed_category"] = [_("Choose the category to enrol in.")]
    if proposed_amount is not None and proposed_amount < 0:
        errors["proposed_amount"] = [_("The amount cannot be negative.")]
    return errors


@transaction.atomic
def review_record(
    *,
    actor,
    task: ReviewTask,
    visited_on: date,
    outcome: str,
    verification: Verification | None = None,
    enrolment: Enrolment | None = None,
    exit_reason: str = "",
    proposed_category: str = "",
    proposed_amount: Decimal | None = None,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewRecord:
    """The caseworker's review. Keep and refer finish the task; decisions that change an
    enrolment (adjust, exit, enrol) wait for the township officer."""
    _require(actor, access.Action.RECORD_REVIEW)
    today = today or timezone.localdate()
    if task.status != ReviewStatus.OPEN:
        raise RuleViolation(_("This review has already been recorded."), field="non_field_errors")
    if visited_on > today:
        raise RuleViolation(_("The visit date cannot be in the future."), field="visited_on")
    errors = _validate_record(
        task=task,
        outcome=outcome,
        verification=verification,
        enrolment=enrolment,
        exit_reason=exit_reason,
        proposed_category=proposed_category,
        proposed_amount=proposed_amount,
    )
    if errors:
        field, messages = next(iter(errors.items()))
        raise RuleViolation(messages, field=field)
    needs_decision = outcome in OUTCOMES_NEEDING_CONFIRMATION
    record = ReviewRecord.objects.create(
        task=task,
        household_id=task.household_id,
        visited_on=visited_on,
        verification=verification,
        outcome=outcome,
        enrolment=enrolment,
        exit_reason=exit_reason.strip(),
        proposed_category=proposed_category,
        proposed_amount=proposed_amount,
        note=note.strip(),
        recorded_by=actor,
        gradual_exit_until=task.gradual_exit_until if outcome == ReviewOutcome.EXIT else None,
        decision=RecordDecision.PENDING if needs_decision else RecordDecision.NOT_NEEDED,
    )
    before = audit.snapshot(task)
    task.status = ReviewStatus.RECORDED if needs_decision else ReviewStatus.CLOSED
    save_versioned(task, expected_version=expected_version, fields=["status"])
    audit.record_change(actor=actor, instance=record, before={})
    audit.record_change(actor=actor, instance=task, before=before, action=AuditAction.TRANSITION)
    if not needs_decision:
        _refresh_next_review(task.household, visited_on=visited_on, actor=actor)
    return record


def _change(enrolment: Enrolment, *, to_status: str, on: date, reason: str, actor) -> None:
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment, from_status=enrolment.status, to_status=to_status, on=on, reason=reason[:300], by=actor
    )


def _apply(record: ReviewRecord, *, actor, today: date) -> None:
    """Carry a confirmed decision into the enrolments, writing each step of the chain."""
    reference = _("Review %(id)s") % {"id": record.pk}
    enrolment_id = record.enrolment_id or 0  # review_record stores it with an exit or a new amount
    if record.outcome == ReviewOutcome.EXIT:
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
        before = audit.snapshot(enrolment)
        to = EnrolmentStatus.GRADUAL_EXIT if record.gradual_exit_until else EnrolmentStatus.ENDED
        _change(enrolment, to_status=to, on=today, reason=f"{reference}: {record.exit_reason}", actor=actor)
        enrolment.status, enrolment.end_on = to, record.gradual_exit_until or today
        save_versioned(enrolment, expected_version=enrolment.version, fields=["status", "end_on"])
        audit.record_change(actor=actor, instance=enrolment, before=before, action=AuditAction.TRANSITION)
    elif record.outcome == ReviewOutcome.ADJUST_AMOUNT:
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
        before = audit.snapshot(enrolment)
        _change(
            enrolment,
            to_status=enrolment.status,
            on=today,
            actor=actor,
            reason=_("%(ref)s: monthly amount %(old)s → %(new)s yuan")
            % {"ref": reference, "old": enrolment.monthly_amount, "new": record.proposed_amount},
        )
        assert record.proposed_amount is not None
        enrolment.monthly_amount = record.proposed_amount
        save_versioned(enrolment, expected_version=enrolment.version, fields=["monthly_amount"])
        audit.record_change(actor=actor, instance=enrolment, before=before)
    elif record.outcome == ReviewOutcome.ENROL_OTHER:
        if record.enrolment_id:  # moving from one category to another ends the old one
            old = Enrolment.objects.select_for_update().get(pk=enrolment_id)
            before = audit.snapshot(old)
            _change(
                old,
                to_status=EnrolmentStatus.ENDED,
                on=today,
                actor=actor,
                reason=_("%(ref)s: moved to another category") % {"ref": reference},
            )
            old.status, old.end_on = EnrolmentStatus.ENDED, today
            save_versioned(old, expected_version=old.version, fields=["status", "end_on"])
            audit.record_change(actor=actor, instance=old, before=before, action=AuditAction.TRANSITION)
        new = Enrolment.objects.create(
            household_id=record.household_id,
            category=record.proposed_category,
            start_on=today,
            monthly_amount=record.proposed_amount or Decimal("0.00"),
        )
        EnrolmentStatusChange.objects.create(
            enrolment=new, from_status="", to_status=EnrolmentStatus.ACTIVE, on=today, reason=reference, by=actor
        )
        audit.record_change(actor=actor, instance=new, before={})


@transaction.atomic
def review_decide(
    *, actor, record: ReviewRecord, confirm: bool, note: str = "", today: date | None = None
) -> ReviewRecord:
    """The township officer confirms (the enrolment changes) or sends the review back."""
    _require(actor, access.Action.CONFIRM_REVIEW)
    today = today or timezone.localdate()
    record = ReviewRecord.objects.select_for_update().select_related("task", "household").get(pk=record.pk)
    if record.decision != RecordDecision.PENDING:
        raise RuleViolation(_("This review has already been decided."), field="non_field_errors")
    refused = rules.review_decision_reason(
        confirm=confirm, decided_by_recorder=record.recorded_by_id == actor.pk and not actor.is_superuser, note=note
    )
    if refused is not None:
        field, reason = refused
        raise RuleViolation([reason], field=field)
    before = audit.snapshot(record)
    record.decision = RecordDecision.CONFIRMED if confirm else RecordDecision.REJECTED
    record.decided_by, record.decided_on, record.decision_note = actor, today, note.strip()
    record.save(update_fields=["decision", "decided_by", "decided_on", "decision_note"])
    audit.record_change(actor=actor, instance=record, before=before, action=AuditAction.TRANSITION)
    task = record.task
    task_before = audit.snapshot(task)
    task.status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.OPEN
    save_versioned(task, expected_version=task.version, fields=["status"])
    audit.record_change(actor=actor, instance=task, before=task_before, action=AuditAction.TRANSITION)
    if confirm:
        _apply(record, actor=actor, today=today)
        refresh_household_status([record.household_id], actor=actor)
        _refresh_next_review(record.household, visited_on=record.visited_on, actor=actor)
    return record
