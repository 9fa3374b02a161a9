"""Use cases of the application procedure: one transaction each, audited, never skipping a step.

Every service locks the application row, checks the actor's role (``PermissionDenied``:
403) and the step (``RuleViolation``: 400 with Chinese reasons), changes the row with a
conditional update on its version, writes an ``ApplicationEvent`` and an audit row. A
double submit of the same step therefore fails cleanly instead of acting twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households import access, rules
from households.dossier.services import refresh_household_status
from households.models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationAction,
    ApplicationEvent,
    ApplicationStatus,
    Category,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Household,
    Objection,
    Verification,
    WorkdayOverride,
)
from households.rules import procedure as proc
from jiuzhu import audit
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation, StaleEdit
from jiuzhu.i18n import render_reasons
from jiuzhu.models import AreaLevel, AuditAction, PolicyParameters
from jiuzhu.policy import Policy


def role_of(user) -> str:
    return proc.ADMIN if getattr(user, "is_superuser", False) else user.role


def facts_of(app: Application, *, unresolved_objections: int = 0) -> proc.ProcedureFacts:
    return proc.ProcedureFacts(
        status=app.status,
        urgent=app.urgent,
        investigation_started=app.investigation_started_on is not None,
        investigation_complete=app.investigation_completed_on is not None,
        notice_started=app.notice_start is not None,
        notice_closed=app.notice_closed_on is not None,
        unresolved_objections=unresolved_objections,
        delivered=app.delivered_on is not None,
    )


def policy_for(county, year: int, *, required: bool = False) -> Policy:
    """The county's policy for the year; without a row the statutory defaults (standard 0)."""
    policy = PolicyParameters.objects.policy_for(county, year)
    if policy is not None:
        return policy
    if required:
        raise RuleViolation(_("No policy parameters are recorded for this county and year."), field="monthly_amount")
    return Policy.unset(year)


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _require_role(actor, action: str) -> None:
    if not proc.role_may(action, role_of(actor)):
        raise PermissionDenied(_("Your role may not take this step."))


def _lock(application: Application, expected_version: int | None) -> Application:
    app = (
        Application.objects.select_for_update().select_related("household", "household__county").get(pk=application.pk)
    )
    if expected_version is not None and expected_version != app.version:
        raise StaleEdit(
            _("Someone else saved this record after you opened it. Reload it and make your change again."),
            field="version",
        )
    return app


def _check_step(action: str, app: Application, *, unresolved_objections: int = 0) -> None:
    reasons = proc.transition_reasons(action, facts_of(app, unresolved_objections=unresolved_objections))
    if reasons:
        raise RuleViolation(reasons)


def _check_date(action: str, app: Application, *, on: date, today: date | None, field: str) -> None:
    # The investigation was complete the day its last piece is dated, whenever it was recorded
    # (a paper file is often entered afterwards).
    pieces = [
        d
        for d in (
            app.survey_visited_on,
            app.authorisation_signed_on,
            app.verification_requested_on,
            app.verification_received_on,
        )
        if d is not None
    ]
    completed = max(pieces) if app.investigation_completed_on and pieces else app.investigation_completed_on
    dates = proc.StepDates(
        received_on=app.received_on,
        investigation_started_on=app.investigation_started_on,
        investigation_completed_on=completed,
        notice_start=app.notice_start,
        notice_end=app.notice_end,
    )
    reasons = proc.step_date_reasons(action, on=on, today=_today(today), dates=dates)
    if reasons:
        raise RuleViolation(reasons, field=field)


def _check_not_duplicate(
    *, household_id: int, category: str, field: str | None, open_statuses=(), exclude_application: int | None = None
) -> None:
    """Refuse a second open application, or assistance in force, in the same category
    (one-off categories excepted: ``proc.duplicate_reasons``)."""
    if proc.is_one_off(category):
        return
    applications = Application.objects.filter(household_id=household_id, category=category, status__in=open_statuses)
    if exclude_application is not None:
        applications = applications.exclude(pk=exclude_application)
    enrolled = Enrolment.objects.filter(household_id=household_id, category=category, status__in=rules.LIVE)
    reasons = proc.duplicate_reasons(
        category=category,
        open_application_categories={category} if applications.exists() else (),
        live_enrolment_categories={category} if enrolled.exists() else (),
    )
    if reasons:
        raise RuleViolation(reasons, field=field)


def _finish(
    *, actor, app: Application, before: dict, action: str, on: date, fields: list[str], from_status: str, note: str = ""
) -> Application:
    save_versioned(app, expected_version=app.version, fields=fields)
    ApplicationEvent.objects.create(
        application=app, action=action, on=on, by=actor, from_status=from_status, to_status=app.status, note=note[:300]
    )
    audit.record_change(
        actor=actor,
        instance=app,
        before=before,
        action=AuditAction.TRANSITION if from_status != app.status else None,
        summary=str(ApplicationAction(action).label),
    )
    return app


@transaction.atomic
def application_create(
    *, actor, household: Household, category: str, note: str = "", on: date | None = None
) -> Application:
    """A caseworker (or the township officer) drafts an application with the household (辅助申请)."""
    if not access.may_draft_application(actor):
        raise PermissionDenied(_("Your role may not take this step."))
    if category not in Category.values:
        raise RuleViolation(_("Choose a category."), field="category")
    # The household row is locked so that two drafts in the same category cannot both pass.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    _check_not_duplicate(
        household_id=household.pk, category=category, field="category", open_statuses=proc.OPEN_STATUSES
    )
    app = Application.objects.create(household=household, category=category, note=note, helped_by=actor)
    ApplicationEvent.objects.create(
        application=app, action=ApplicationAction.CREATE, on=_today(on), by=actor, to_status=app.status
    )
    audit.record_change(actor=actor, instance=app, before={})
    return app


@transaction.atomic
def application_submit(
    *,
    actor,
    application: Application,
    received_on: date,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    _require_role(actor, proc.SUBMIT)
    app = _lock(application, expected_version)
    _check_step(proc.SUBMIT, app)
    if received_on > _today(today):
        raise RuleViolation(_("The date cannot be in the future."), field="received_on")
    _check_not_duplicate(
        household_id=app.household_id,
        category=app.category,
        field=None,
        open_statuses=OPEN_APPLICATION_STATUSES,
        exclude_application=app.pk,
    )
    before, old = audit.snapshot(app), app.status
    app.status, app.received_on, app.submitted_by = ApplicationStatus.SUBMITTED, received_on, actor
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.SUBMIT,
        on=received_on,
        from_status=old,
        fields=["status", "received_on", "submitted_by"],
    )


@transaction.atomic
def investigation_start(
    *,
    actor,
    application: Application,
    on: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    _require_role(actor, proc.START_INVESTIGATION)
    app = _lock(application, expected_version)
    _check_step(proc.START_INVESTIGATION, app)
    on = _today(on)
    _check_date(proc.START_INVESTIGATION, app, on=on, today=today, field="on")
    before, old = audit.snapshot(app), app.status
    if app.status == ApplicationStatus.SUBMITTED:
        app.status = ApplicationStatus.INVESTIGATING
    app.investigation_started_on, app.investigation_started_by = on, actor
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.START_INVESTIGATION,
        on=on,
        from_status=old,
        fields=["status", "investigation_started_on", "investigation_started_by"],
    )


@transaction.atomic
def investigation_record(
    *,
    actor,
    application: Application,
    on: date | None = None,
    expected_version: int | None = None,
    survey=None,
    survey_visited_on: date | None = None,
    authorisation_signed_on: date | None = None,
    verification_requested_on: date | None = None,
    verification: Verification | None = None,
    verification_received_on: date | None = None,
    today: date | None = None,
) -> Application:
    """Record what the investigation has done so far; given values only, nothing is erased.
    The investigation is complete once the home visit, the signed authorisation and the
    received economic verification are all recorded."""
    _require_role(actor, proc.RECORD_INVESTIGATION)
    app = _lock(application, expected_version)
    _check_step(proc.RECORD_INVESTIGATION, app)
    on = _today(on)
    _check_date(proc.RECORD_INVESTIGATION, app, on=on, today=today, field="on")
    if survey is not None and survey.household_id != app.household_id:
        raise RuleViolation(_("This survey belongs to another household."), field="survey")
    if verification is not None and verification.household_id != app.household_id:
        raise RuleViolation(_("This verification belongs to another household."), field="verification")
    for name, value in (
        ("survey_visited_on", survey_visited_on),
        ("authorisation_signed_on", authorisation_signed_on),
        ("verification_requested_on", verification_requested_on),
        ("verification_received_on", verification_received_on),
    ):
        if value is not None and value > on:
            raise RuleViolation(_("The date cannot be in the future."), field=name)
    requested = verification_requested_on or app.verification_requested_on
    if verification_received_on is not None and (requested is None or verification_received_on < requested):
        raise RuleViolation(
            _("The verification cannot be received before it was requested."), field="verification_received_on"
        )
    before, old = audit.snapshot(app), app.status
    if survey is not None:
        app.survey, app.survey_visited_on = survey, survey.visited_on
    elif survey_visited_on is not None:
        app.survey_visited_on = survey_visited_on
    if authorisation_signed_on is not None:
        app.authorisation_signed_on = authorisation_signed_on
    if verification_requested_on is not None:
        app.verification_requested_on = verification_requested_on
    if verification is not None:
        app.verification = verification
    if verification_received_on is not None:
        app.verification_received_on = verification_received_on
    if app.investigation_complete and app.investigation_completed_on is None:
        app.investigation_completed_on = on
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.RECORD_INVESTIGATION,
        on=on,
        from_status=old,
        fields=[
            "survey",
            "survey_visited_on",
            "authorisation_signed_on",
            "verification_requested_on",
            "verification",
            "verification_received_on",
            "investigation_completed_on",
        ],
    )


@transaction.atomic
def urgent_mark(
    *, actor, application: Application, reason: str, on: date | None = None, expected_version: int | None = None
) -> Application:
    """The urgent path: the township helps first; the county may decide before the
    investigation and notice are done, which stay flagged until they are completed."""
    _require_role(actor, proc.MARK_URGENT)
    app = _lock(application, expected_version)
    _check_step(proc.MARK_URGENT, app)
    if not (reason or "").strip():
        raise RuleViolation(_("Say why the case is urgent."), field="urgent_reason")
    on = _today(on)
    before, old = audit.snapshot(app), app.status
    app.urgent, app.urgent_reason = True, reason.strip()[:300]
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.MARK_URGENT,
        on=on,
        from_status=old,
        fields=["urgent", "urgent_reason"],
        note=app.urgent_reason,
    )


@transaction.atomic
def notice_start(
    *,
    actor,
    application: Application,
    start: date,
    end: date,
    place: str = "",
    on: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    _require_role(actor, proc.START_NOTICE)
    app = _lock(application, expected_version)
    _check_step(proc.START_NOTICE, app)
    _check_date(proc.START_NOTICE, app, on=start, today=today, field="notice_start")
    policy = policy_for(app.household.county, start.year)
    reasons = proc.notice_period_reasons(start=start, end=end, policy=policy)
    if reasons:
        raise RuleViolation(reasons, field="notice_end")
    on = _today(on)
    before, old = audit.snapshot(app), app.status
    if app.status == ApplicationStatus.INVESTIGATING:
        app.status = ApplicationStatus.NOTICE
    app.notice_start, app.notice_end, app.notice_place = start, end, place[:100]
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.START_NOTICE,
        on=on,
        from_status=old,
        fields=["status", "notice_start", "notice_end", "notice_place"],
    )


@transaction.atomic
def objection_record(
    *,
    actor,
    application: Application,
    received_on: date,
    content: str = "",
    raised_by: str = "",
    resolution: str = "",
    resolved_on: date | None = None,
    objection: Objection | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Objection:
    """Record an objection to the notice, or (``objection`` given) how it was resolved."""
    _require_role(actor, proc.RECORD_OBJECTION)
    app = _lock(application, expected_version)
    _check_step(proc.RECORD_OBJECTION, app)
    if bool(resolution.strip()) != bool(resolved_on):
        raise RuleViolation(_("Give both how the objection was resolved and the date."), field="resolution")
    before_app, old = audit.snapshot(app), app.status
    if objection is None:
        if not content.strip():
            raise RuleViolation(_("Write down the objection."), field="content")
        _check_date(proc.RECORD_OBJECTION, app, on=received_on, today=today, field="received_on")
        reasons = proc.objection_resolution_reasons(
            received_on=received_on, resolved_on=resolved_on, today=_today(today)
        )
        if reasons:
            raise RuleViolation(reasons, field="resolved_on")
        objection = Objection.objects.create(
            application=app,
            received_on=received_on,
            raised_by=raised_by[:50],
            content=content,
            resolution=resolution,
            resolved_on=resolved_on,
            recorded_by=actor,
        )
        audit.record_change(actor=actor, instance=objection, before={})
    else:
        if objection.application_id != app.pk:
            raise RuleViolation(_("This objection belongs to another application."), field="objection")
        reasons = proc.objection_resolution_reasons(
            received_on=objection.received_on, resolved_on=resolved_on, today=_today(today)
        )
        if reasons:
            raise RuleViolation(reasons, field="resolved_on")
        before = audit.snapshot(objection)
        objection.resolution, objection.resolved_on = resolution, resolved_on
        objection.save(update_fields=["resolution", "resolved_on"])
        audit.record_change(actor=actor, instance=objection, before=before)
    _finish(
        actor=actor,
        app=app,
        before=before_app,
        action=proc.RECORD_OBJECTION,
        on=received_on,
        from_status=old,
        fields=[],
        note=(resolution or content)[:300],
    )
    return objection


@transaction.atomic
def notice_close(
    *,
    actor,
    application: Application,
    closed_on: date | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Application:
    """Close the notice once it has run its days and every objection is resolved; the
    township then forwards the case to the county for its decision."""
    _require_role(actor, proc.CLOSE_NOTICE)
    app = _lock(application, expected_version)
    unresolved = app.objections.filter(resolved_on__isnull=True).count()
    _check_step(proc.CLOSE_NOTICE, app, unresolved_objections=unresolved)
    closed_on = _today(closed_on)
    _check_date(proc.CLOSE_NOTICE, app, on=closed_on, today=today, field="closed_on")
    before, old = audit.snapshot(app), app.status
    if app.status == ApplicationStatus.NOTICE:
        app.status = ApplicationStatus.UNDER_REVIEW
    app.notice_closed_on, app.notice_closed_by = closed_on, actor
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.CLOSE_NOTICE,
        on=closed_on,
        from_status=old,
        fields=["status", "notice_closed_on", "notice_closed_by"],
    )


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as error:
        raise RuleViolation(_("Enter an amount in yuan."), field="monthly_amount") from error
    if amount < 0:
        raise RuleViolation(_("The amount cannot be negative."), field="monthly_amount")
    return amount


def _latest_verification(household_id: int) -> Verification | None:
    return Verification.objects.filter(household_id=household_id).order_by("-verified_on", "-id").first()


def decision_facts(
    app: Application, *, actor, approve: bool, category: str, entered, severe: bool, reason: str
) -> proc.DecisionFacts:
    """Load what ``rules.procedure.decide`` needs: only what the category asks for (the
    latest verification for 低保, the members counted for temporary aid)."""
    verification = None
    if approve and category == Category.DIBAO:
        latest = _latest_verification(app.household_id)
        if latest is not None:
            # The exact total ÷ members, not the per-capita figure rounded for display.
            verification = proc.VerifiedIncome(
                per_capita_income=rules.per_capita_exact(total=latest.total_income, members=latest.members_counted),
                members=latest.members_counted,
                assets_within_limits=latest.classification != rules.ABOVE,
            )
    members = 0
    if approve and category == Category.TEMPORARY:
        counted = app.verification or _latest_verification(app.household_id)
        members = counted.members_counted if counted is not None else app.household.member_count
    live = (
        approve
        and category in Category.values
        and not proc.is_one_off(category)
        and Enrolment.objects.filter(household_id=app.household_id, category=category, status__in=rules.LIVE).exists()
    )
    return proc.DecisionFacts(
        role=role_of(actor),
        approve=approve,
        category=category,
        categories=Category.values,
        entered_amount=_money(entered) if approve and category != Category.DIBAO else None,
        severe=severe,
        reason=reason or "",
        verification=verification,
        members_counted=members,
        live_enrolment=live,
    )


@transaction.atomic
def application_decide(
    *,
    actor,
    application: Application,
    approve: bool,
    on: date | None = None,
    category: str = "",
    monthly_amount=None,
    decision_no: str = "",
    reason: str = "",
    severe: bool = False,
    expected_version: int | None = None,
) -> Application:
    """Approve (creating the enrolment in the same transaction) or refuse with written reasons.

    The county decides; the township may approve temporary aid up to the policy's
    township limit on the county's behalf. Temporary aid is capped by the rules
    (``severe``: the higher multiple) and granted once (the enrolment ends the day it
    starts). Deciding twice fails: the application row is locked (with its household,
    so that two approvals cannot both create assistance in force in one category) and
    updated only from its undecided state, and it holds at most one enrolment.
    """
    _require_role(actor, proc.DECIDE)
    app = _lock(application, expected_version)
    _check_step(proc.DECIDE, app)
    on = _today(on)
    facts = decision_facts(
        app,
        actor=actor,
        approve=approve,
        category=category or app.category,
        entered=monthly_amount,
        severe=severe,
        reason=reason,
    )
    decision = proc.decide(facts, policy=policy_for(app.household.county, on.year) if facts.category else None, on=on)
    if decision.forbidden:
        raise PermissionDenied(render_reasons(decision.reasons)[0])
    if not decision.ok:
        raise RuleViolation(decision.reasons, field=decision.field)
    before, old = audit.snapshot(app), app.status
    app.decided_on, app.decided_by = on, actor
    app.decision_no = (decision_no or "").strip()[:50] or f"{app.household.county.code}-{on.year}-{app.pk:06d}"
    if decision.approved:
        assert decision.start_on is not None and decision.amount is not None  # an approval has both (rules.decide)
        app.status, app.approved_category, app.monthly_amount = (
            ApplicationStatus.APPROVED,
            decision.category,
            decision.amount,
        )
        app.start_on, app.decided_by_township = decision.start_on, decision.by_township
        end_on = decision.end_on
        # A one-off grant is recorded as paid and ended the same day: never assistance in force.
        enrolment = Enrolment.objects.create(
            household_id=app.household_id,
            category=decision.category,
            status=EnrolmentStatus.ENDED if end_on else EnrolmentStatus.ACTIVE,
            start_on=decision.start_on,
            end_on=end_on,
            monthly_amount=decision.amount,
            decision_no=app.decision_no,
        )
        EnrolmentStatusChange.objects.create(
            enrolment=enrolment,
            to_status=EnrolmentStatus.ACTIVE,
            on=decision.start_on,
            reason=_("Application approved"),
            decision_no=app.decision_no,
            by=actor,
        )
        if end_on:
            EnrolmentStatusChange.objects.create(
                enrolment=enrolment,
                from_status=EnrolmentStatus.ACTIVE,
                to_status=EnrolmentStatus.ENDED,
                on=end_on,
                reason=_("One-off assistance paid"),
                decision_no=app.decision_no,
                by=actor,
            )
        audit.record_change(actor=actor, instance=enrolment, before={})
        refresh_household_status([app.household_id], actor=actor)
        app.enrolment = enrolment
    else:
        app.status, app.reason = ApplicationStatus.REJECTED, reason.strip()
    try:
        with transaction.atomic():
            return _finish(
                actor=actor,
                app=app,
                before=before,
                action=proc.DECIDE,
                on=on,
                from_status=old,
                fields=[
                    "status",
                    "decided_on",
                    "decided_by",
                    "decided_by_township",
                    "approved_category",
                    "monthly_amount",
                    "start_on",
                    "decision_no",
                    "reason",
                    "enrolment",
                ],
            )
    except IntegrityError as error:  # the enrolment link is unique: a concurrent second decision
        raise RuleViolation(_("The application has already been decided.")) from error


@transaction.atomic
def notice_deliver(
    *,
    actor,
    application: Application,
    delivered_on: date,
    note: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> Application:
    _require_role(actor, proc.DELIVER)
    app = _lock(application, expected_version)
    _check_step(proc.DELIVER, app)
    if delivered_on > _today(today):
        raise RuleViolation(_("The date cannot be in the future."), field="delivered_on")
    if app.decided_on is not None and delivered_on < app.decided_on:
        raise RuleViolation(_("The notice cannot be delivered before the decision."), field="delivered_on")
    before, old = audit.snapshot(app), app.status
    app.delivered_on, app.delivered_by, app.delivery_note = delivered_on, actor, note[:200]
    return _finish(
        actor=actor,
        app=app,
        before=before,
        action=proc.DELIVER,
        on=delivered_on,
        from_status=old,
        fields=["delivered_on", "delivered_by", "delivery_note"],
    )


# --------------------------------------------------------------------------- working-day overrides


def _require_calendar_editor(actor) -> None:
    if not access.may(actor, access.Action.EDIT_CALENDAR):
        raise PermissionDenied


def _override_clash(*, day: date, county) -> None:
    clash = WorkdayOverride.objects.filter(date=day, county=county, withdrawn_at__isnull=True)
    if clash.exists():
        where = county.name if county is not None else _("the whole city")
        raise RuleViolation(
            _("%(date)s already has an override for %(area)s: correct or withdraw that one.")
            % {"date": day.isoformat(), "area": where},
            field="date",
        )


def _override_area(county):
    """An override's area is the city (``None``) or a county-level unit, never a township."""
    if county is not None and county.level != AreaLevel.COUNTY:
        raise RuleViolation(_("An override applies to the whole city or to one county-level unit."), field="area")


@transaction.atomic
def workday_override_create(*, actor, day: date, county, is_workday: bool, note: str = "") -> WorkdayOverride:
    _require_calendar_editor(actor)
    _override_area(county)
    _override_clash(day=day, county=county)
    row = WorkdayOverride(date=day, county=county, is_workday=is_workday, note=note)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # the same date entered at the same moment by someone else
        raise RuleViolation(_("This date already has an override for this area."), field="date") from error
    audit.record_change(actor=actor, instance=row, before={})
    return row


@transaction.atomic
def workday_override_update(
    *, actor, row: WorkdayOverride, expected_version: int | None, is_workday: bool, note: str
) -> WorkdayOverride:
    """Correct a live override's kind or note (its date and area stay: withdraw and enter anew)."""
    _require_calendar_editor(actor)
    if row.withdrawn_at is not None:
        raise RuleViolation(_("This override was withdrawn; enter a new one instead."))
    before = audit.snapshot(WorkdayOverride.objects.get(pk=row.pk))
    row.is_workday, row.note = is_workday, note
    save_versioned(row, expected_version=expected_version, fields=["is_workday", "note"])
    audit.record_change(actor=actor, instance=row, before=before)
    return row


@transaction.atomic
def workday_override_withdraw(*, actor, row: WorkdayOverride, expected_version: int | None, reason: str):
    """Take an override out of the calendar; the row stays with who withdrew it and why."""
    _require_calendar_editor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the override is withdrawn."), field="reason")
    if row.withdrawn_at is not None:
        raise RuleViolation(_("This override was withdrawn already."))
    before = audit.snapshot(WorkdayOverride.objects.get(pk=row.pk))
    row.withdrawn_at, row.withdrawn_by, row.withdrawal_reason = timezone.now(), actor, reason[:200]
    save_versioned(row, expected_version=expected_version, fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record_change(actor=actor, instance=row, before=before, summary=reason)
    return row
