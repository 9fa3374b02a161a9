"""Use cases of the four roles' work: one transaction each, audited, rules from caseworkers.rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from caseworkers import rules
from caseworkers.models import (
    CaseStatus,
    FeedbackStatus,
    PolicyFeedback,
    PublicityActivity,
    Referral,
    Resource,
    ServiceMethod,
    ServiceRecord,
    Training,
    TrainingAudience,
    TypicalCase,
    Volunteer,
    VolunteerAssignment,
    VolunteerOrganization,
)
from households.models import Household, Member
from households.rules.dates import fact_date_reason, planned_date_reason
from jiuzhu import audit
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.i18n import render_reasons
from jiuzhu.models import AreaLevel, AuditAction
from jiuzhu.scope import user_can_see_area


def owner_areas(actor) -> dict:
    """The township and county a new record belongs to: the author's own area."""
    area = getattr(actor, "area", None)
    if area is not None and area.level == AreaLevel.TOWNSHIP:
        return {"township": area, "county_id": area.county_id}
    if area is not None and area.level == AreaLevel.COUNTY:
        return {"township": None, "county_id": area.pk}
    raise RuleViolation(_("Only township and county users record this work."))


def _households_in(households, township) -> list[Household]:
    households = list(households)
    if township is not None and any(h.township_id != township.pk for h in households):
        raise RuleViolation(_("Choose households of your own township."), field="households")
    return households


# The dates of what happened (not of what is planned): never after today, never before
# the household's registration; a follow-up comes after what it follows (``rules.dates``).
FACT_DATE_FIELDS = ("sent_on", "held_on", "registered_on")


def check_dates(fields: dict, *, households=(), member=None) -> None:
    """Refuse a wrong fact date or follow-up date in ``fields`` (the record's households:
    its fact is not before the latest of their registrations)."""
    registered = [h.registered_on for h in households if h is not None and h.registered_on]
    born_on = getattr(member, "birth_date", None) if member is not None else None
    for name in FACT_DATE_FIELDS:
        if name not in fields:
            continue
        reason = fact_date_reason(
            fields.get(name),
            today=timezone.localdate(),
            registered_on=max(registered) if registered else None,
            born_on=born_on,
        )
        if reason is not None:
            raise RuleViolation([reason], field=name)
    fact = next((fields[n] for n in FACT_DATE_FIELDS if fields.get(n)), None)
    reason = planned_date_reason(fields.get("follow_up_on"), after=fact, same_day=True)
    if reason is not None:
        raise RuleViolation([reason], field="follow_up_on")


def _create(actor, model, *, m2m: dict | None = None, households=(), **fields):
    check_dates(fields, households=households, member=fields.get("member"))
    obj = model(created_by=actor, **fields)
    obj.full_clean(exclude=["created_by", "county"])
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit.record_change(actor=actor, instance=obj, before={})
    return obj


@transaction.atomic
def resource_create(*, actor, area, **fields) -> Resource:
    if area.level not in (AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP) or not user_can_see_area(actor, area):
        raise RuleViolation(_("A resource covers your own township, your county or the city."), field="area")
    return _create(actor, Resource, area=area, **fields)


@transaction.atomic
def referral_create(
    *,
    actor,
    household: Household,
    resource: Resource,
    sent_on: date,
    member=None,
    follow_up_on: date | None = None,
    note: str = "",
) -> Referral:
    if not Resource.objects.in_scope(actor).filter(pk=resource.pk, active=True).exists():
        raise RuleViolation(_("Choose an active resource of your area."), field="resource")
    if member is not None and member.household_id != household.pk:
        raise RuleViolation(_("Choose a member of this household."), field="member")
    return _create(
        actor,
        Referral,
        households=[household],
        household=household,
        member=member,
        resource=resource,
        sent_on=sent_on,
        follow_up_on=follow_up_on,
        note=note,
    )


@transaction.atomic
def referral_transition(
    *,
    actor,
    referral: Referral,
    target: str,
    reason: str = "",
    today: date | None = None,
    follow_up_on: date | None = None,
    expected_version: int | None = None,
) -> Referral:
    today = today or timezone.localdate()
    check = rules.referral_transition(referral.status, target, reason=reason)
    if not check.ok:
        raise RuleViolation(render_reasons(check.reasons), field="failure_reason" if target == "failed" else None)
    before = audit.snapshot(referral)
    referral.status = target
    fields = ["status"]
    if target == "accepted":
        referral.accepted_on = today
        fields.append("accepted_on")
        if follow_up_on is not None:
            referral.follow_up_on = follow_up_on
            fields.append("follow_up_on")
    else:  # done or failed: closed, nothing left to follow up
        referral.closed_on, referral.failure_reason, referral.follow_up_on = today, reason.strip(), None
        fields += ["closed_on", "failure_reason", "follow_up_on"]
    save_versioned(referral, expected_version=expected_version, fields=fields)
    audit.record_change(actor=actor, instance=referral, before=before, action=AuditAction.TRANSITION)
    return referral


@transaction.atomic
def publicity_create(*, actor, households=(), volunteers=(), **fields) -> PublicityActivity:
    owner = owner_areas(actor)
    households = _households_in(households, owner["township"])
    return _create(
        actor, PublicityActivity, m2m={"households": households, "volunteers": list(volunteers)}, **owner, **fields
    )


@transaction.atomic
def service_create(*, actor, households, method: str, **fields) -> ServiceRecord:
    owner = owner_areas(actor)
    households = _households_in(households, owner["township"])
    if not households:
        raise RuleViolation(_("Choose at least one household."), field="households")
    if method == ServiceMethod.CASE and len(households) != 1:
        raise RuleViolation(
            _("Case work serves one household; record a group session for several."), field="households"
        )
    return _create(
        actor,
        ServiceRecord,
        m2m={"households": households},
        households=households,
        method=method,
        **owner,
        **fields,
    )


@transaction.atomic
def feedback_create(*, actor, **fields) -> PolicyFeedback:
    return _create(actor, PolicyFeedback, **owner_areas(actor), **fields)


@transaction.atomic
def feedback_respond(*, actor, feedback: PolicyFeedback, response: str, today: date | None = None) -> PolicyFeedback:
    if not response.strip():
        raise RuleViolation(_("Write the response."), field="response")
    if feedback.status != FeedbackStatus.SENT:
        raise RuleViolation(_("This feedback was already answered."))
    before = audit.snapshot(feedback)
    feedback.status, feedback.response = FeedbackStatus.ANSWERED, response
    feedback.responded_by, feedback.responded_on = actor, today or timezone.localdate()
    feedback.save(update_fields=["status", "response", "responded_by", "responded_on", "updated_at"])
    audit.record_change(actor=actor, instance=feedback, before=before, action=AuditAction.TRANSITION)
    return feedback


@transaction.atomic
def organization_create(*, actor, **fields) -> VolunteerOrganization:
    return _create(actor, VolunteerOrganization, **owner_areas(actor), **fields)


@transaction.atomic
def volunteer_create(*, actor, **fields) -> Volunteer:
    return _create(actor, Volunteer, **owner_areas(actor), **fields)


@transaction.atomic
def assignment_create(
    *, actor, volunteer: Volunteer, task: str, household=None, activity=None, due_on: date | None = None
) -> VolunteerAssignment:
    if household is None and activity is None:
        raise RuleViolation(_("Assign the volunteer to a household or an activity."), field="household")
    if household is not None and volunteer.township_id and household.township_id != volunteer.township_id:
        raise RuleViolation(_("Choose a household of the volunteer's township."), field="household")
    obj = VolunteerAssignment.objects.create(
        volunteer=volunteer, household=household, activity=activity, task=task, due_on=due_on, assigned_by=actor
    )
    audit.record_change(actor=actor, instance=obj, before={})
    return obj


@transaction.atomic
def assignment_complete(*, actor, assignment: VolunteerAssignment, hours: Decimal) -> VolunteerAssignment:
    if assignment.done:
        raise RuleViolation(_("This assignment is already done."))
    if hours <= 0:
        raise RuleViolation(_("Enter the hours served."), field="hours")
    before = audit.snapshot(assignment)
    assignment.done, assignment.hours = True, hours
    assignment.save(update_fields=["done", "hours"])
    audit.record_change(actor=actor, instance=assignment, before=before)
    return assignment


@transaction.atomic
def training_create(*, actor, caseworkers_present=(), volunteers_present=(), **fields) -> Training:
    training = _create(
        actor,
        Training,
        m2m={"caseworkers_present": list(caseworkers_present), "volunteers_present": list(volunteers_present)},
        **owner_areas(actor),
        **fields,
    )
    if training.audience == TrainingAudience.VOLUNTEERS or volunteers_present:
        # The volunteer's running total: one UPDATE for everyone present.
        Volunteer.objects.filter(pk__in=[v.pk for v in volunteers_present]).update(
            training_hours=F("training_hours") + training.hours
        )
    return training


def _check_anonymised(*texts: str, household: Household | None = None) -> None:
    """No ID or phone number, nor a name of the household's members or its address."""
    reasons = list(rules.personal_numbers_in_text(*texts).reasons)
    if household is not None:
        words = [*Member.objects.filter(household=household).values_list("name", flat=True), household.address]
        reasons += rules.words_in_text(texts, [w for w in words if w]).reasons
    if reasons:
        raise RuleViolation(render_reasons(tuple(reasons)), field="body")


@transaction.atomic
def case_create(*, actor, **fields) -> TypicalCase:
    _check_anonymised(fields.get("title", ""), fields.get("body", ""), household=fields.get("household"))
    return _create(actor, TypicalCase, **owner_areas(actor), **fields)


EDITABLE_CASE_STATUSES = (CaseStatus.DRAFT, CaseStatus.RETURNED)


@transaction.atomic
def case_update(*, actor, case: TypicalCase, **fields) -> TypicalCase:
    """The author edits a draft or a case the county returned (title, domain, write-up)."""
    if case.created_by_id != actor.pk:
        raise RuleViolation(_("Only the author edits a typical case."))
    if case.status not in EDITABLE_CASE_STATUSES:
        raise RuleViolation(_("Only a draft or a returned case can be edited."))
    allowed = {"title", "domain", "body"}
    for name in fields:
        if name not in allowed:
            raise TypeError(name)
    _check_anonymised(fields.get("title", case.title), fields.get("body", case.body), household=case.household)
    before = audit.snapshot(case)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean(exclude=["created_by", "county", "township"])
    case.save(update_fields=[*sorted(fields), "updated_at"])
    audit.record_change(actor=actor, instance=case, before=before)
    return case


@transaction.atomic
def case_transition(
    *, actor, case: TypicalCase, target: str, anonymised: bool = True, note: str = "", today: date | None = None
) -> TypicalCase:
    check = rules.case_transition(case.status, target, anonymised=anonymised)
    if not check.ok:
        raise RuleViolation(render_reasons(check.reasons))
    if target == CaseStatus.SUBMITTED:
        _check_anonymised(case.title, case.body, household=case.household)
    before = audit.snapshot(case)
    case.status = target
    if target == CaseStatus.APPROVED:
        case.approved_by, case.approved_on = actor, today or timezone.localdate()
    if target in (CaseStatus.APPROVED, CaseStatus.RETURNED):
        case.review_note = note
    case.save(update_fields=["status", "approved_by", "approved_on", "review_note", "updated_at"])
    audit.record_change(actor=actor, instance=case, before=before, action=AuditAction.TRANSITION)
    return case


@transaction.atomic
def service_followed_up(*, actor, service: ServiceRecord) -> ServiceRecord:
    if service.followed_up or service.follow_up_on is None:
        raise RuleViolation(_("This service has no open follow-up."))
    before = audit.snapshot(service)
    service.followed_up = True
    service.save(update_fields=["followed_up", "updated_at"])
    audit.record_change(actor=actor, instance=service, before=before)
    return service
