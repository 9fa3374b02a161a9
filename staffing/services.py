"""Use cases that change staffing data: one transaction each, scope-checked, versioned, audited."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from households.rules import check_id_number
from jiuzhu import audit, crypto
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel, AuditAction, Role
from jiuzhu.scope import user_can_see_area
from staffing import rules
from staffing.models import (
    CIVIL_WRITE_ROLES,
    FINANCE_WRITE_ROLES,
    Appraisal,
    Caseworker,
    CaseworkerStatus,
    CaseworkerStatusChange,
    EmploymentContract,
    ServiceContract,
    SocialOrganization,
    StaffingAlert,
    StaffingAlertRun,
    TransferPayment,
)


def _require_role(actor, roles) -> None:
    if not (actor.is_superuser or actor.role in roles):
        raise RuleViolation(_("Your role may not do this."))


def _require_township(actor, township: Area | None, field: str = "township") -> None:
    if township is None or township.level != AreaLevel.TOWNSHIP:
        raise RuleViolation(_("Choose a township or street."), field=field)
    if not user_can_see_area(actor, township):
        raise RuleViolation(_("This township is outside your area."), field=field)


def _require_county(actor, county: Area | None, field: str = "county") -> None:
    if county is None or county.level != AreaLevel.COUNTY:
        raise RuleViolation(_("Choose a county-level unit."), field=field)
    if not user_can_see_area(actor, county):
        raise RuleViolation(_("This county is outside your area."), field=field)


def _require_organization(actor, organization: SocialOrganization | None, field: str = "organization") -> None:
    if organization is None:
        return
    if not SocialOrganization.objects.in_scope(actor).filter(pk=organization.pk).exists():
        raise RuleViolation(_("This organization is outside your area."), field=field)


def _create(actor, instance) -> None:
    instance.save()
    audit.record_change(actor=actor, instance=instance, before={})


def _update(actor, instance, *, expected_version: int | None, fields: list[str]) -> None:
    """Save ``fields`` of an instance already changed in memory, if nobody saved it meanwhile."""
    before = audit.snapshot(type(instance)._base_manager.get(pk=instance.pk))
    save_versioned(instance, expected_version=expected_version, fields=fields)
    audit.record_change(actor=actor, instance=instance, before=before)


def _changeable(model, data: dict) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return list(data)


# --------------------------------------------------------------------------- organizations


def _clean_credit_code(code: str, *, exclude_pk: int | None = None) -> str:
    check = rules.check_credit_code(code or "")
    if not check.valid:
        raise RuleViolation(check.reasons, field="credit_code")
    clash = SocialOrganization.objects.filter(credit_code=check.normal).exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleViolation(_("An organization with this credit code is already registered."), field="credit_code")
    return check.normal


@transaction.atomic
def organization_create(*, actor, county: Area, **data) -> SocialOrganization:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_county(actor, county)
    data["credit_code"] = _clean_credit_code(data.get("credit_code", ""))
    organization = SocialOrganization(county=county, **data)
    _create(actor, organization)
    return organization


@transaction.atomic
def organization_update(*, actor, organization: SocialOrganization, expected_version: int | None,
                        **data) -> SocialOrganization:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "county" in data:
        _require_county(actor, data["county"])
    if "credit_code" in data:
        data["credit_code"] = _clean_credit_code(data["credit_code"], exclude_pk=organization.pk)
    fields = _changeable(SocialOrganization, data)
    for name, value in data.items():
        setattr(organization, name, value)
    _update(actor, organization, expected_version=expected_version, fields=fields)
    return organization


# --------------------------------------------------------------------------- purchase-of-service contracts


def _check_period(start: date, end: date | None) -> None:
    if end is not None and start is not None and end < start:
        raise RuleViolation(_("The end is before the start."), field="end")


@transaction.atomic
def service_contract_create(*, actor, township: Area, organization: SocialOrganization, **data) -> ServiceContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, township)
    _require_organization(actor, organization)
    _check_period(data.get("start"), data.get("end"))
    contract = ServiceContract(township=township, county_id=township.county_id, organization=organization, **data)
    _create(actor, contract)
    return contract


@transaction.atomic
def service_contract_update(*, actor, contract: ServiceContract, expected_version: int | None, **data) -> ServiceContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "township" in data:
        _require_township(actor, data["township"])
        data["county"] = data["township"].county
    if "organization" in data:
        _require_organization(actor, data["organization"])
    fields = _changeable(ServiceContract, {k: v for k, v in data.items() if k != "county"}) + (
        ["county"] if "county" in data else [])
    for name, value in data.items():
        setattr(contract, name, value)
    _check_period(contract.start, contract.end)
    _update(actor, contract, expected_version=expected_version, fields=fields)
    return contract


# --------------------------------------------------------------------------- caseworkers


def _check_qualification(level: str, obtained_on: date | None) -> None:
    if (level != "none") != (obtained_on is not None):
        raise RuleViolation(_("Give the qualification level and the date it was obtained together."),
                            field="qualification_date")


@transaction.atomic
def caseworker_create(*, actor, user, township: Area, id_number: str, today: date | None = None,
                      **data) -> Caseworker:
    """Create a caseworker's profile; the birth date comes from the ID number."""
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, township)
    _require_organization(actor, data.get("organization"))
    if user.role != Role.CASEWORKER:
        raise RuleViolation(_("The linked user must have the caseworker role."), field="user")
    if user.area is None or not user_can_see_area(actor, user.area):
        raise RuleViolation(_("This user is outside your area."), field="user")
    if Caseworker.objects.filter(user=user).exists():
        raise RuleViolation(_("This user already has a caseworker profile."), field="user")
    check = check_id_number(id_number or "", today=today or timezone.localdate())
    if not check.valid:
        raise RuleViolation(check.reasons, field="id_number")
    if Caseworker.objects.filter(id_number_digest=crypto.blind_index(check.normal)).exists():
        raise RuleViolation(_("A caseworker with this ID number is already registered."), field="id_number")
    _check_qualification(data.get("qualification_level", "none"), data.get("qualification_date"))
    data.setdefault("name", user.get_full_name() or user.username)
    caseworker = Caseworker(user=user, township=township, county_id=township.county_id,
                            birth_date=check.birth_date, **data)
    caseworker.set_id_number(check.normal)
    try:
        with transaction.atomic():
            _create(actor, caseworker)
    except IntegrityError as error:  # a concurrent insert of the same person or user
        raise RuleViolation(_("A caseworker with this ID number is already registered."), field="id_number") from error
    CaseworkerStatusChange.objects.create(caseworker=caseworker, from_status="", to_status=CaseworkerStatus.IN_POST,
                                          on=caseworker.hire_date, actor=actor)
    return caseworker


@transaction.atomic
def caseworker_update(*, actor, caseworker: Caseworker, expected_version: int | None, **data) -> Caseworker:
    _require_role(actor, CIVIL_WRITE_ROLES)
    for forbidden in ("status", "left_on", "dismissed_on", "user", "birth_date"):
        if forbidden in data:
            raise ValueError(f"{forbidden} is not changed here")
    if "township" in data:
        _require_township(actor, data["township"])
        data["county"] = data["township"].county
    if "organization" in data:
        _require_organization(actor, data["organization"])
    for name, value in data.items():
        setattr(caseworker, name, value)
    _check_qualification(caseworker.qualification_level, caseworker.qualification_date)
    fields = _changeable(Caseworker, {k: v for k, v in data.items() if k != "county"}) + (
        ["county"] if "county" in data else [])
    _update(actor, caseworker, expected_version=expected_version, fields=fields)
    return caseworker


@transaction.atomic
def caseworker_change_status(*, actor, caseworker: Caseworker, status: str, on: date, reason: str = "",
                             expected_version: int | None = None) -> Caseworker:
    """Move a caseworker between in post, left and dismissed, keeping the history."""
    _require_role(actor, CIVIL_WRITE_ROLES)
    if status not in CaseworkerStatus.values:
        raise RuleViolation(_("Unknown status."), field="status")
    if status == caseworker.status:
        raise RuleViolation(_("The caseworker already has this status."), field="status")
    if status == CaseworkerStatus.IN_POST:
        # One profile holds one post (hire date to leaving): putting a leaver back would erase
        # the gap from the staffing and funding history.
        raise RuleViolation(_("A caseworker who left or was dismissed cannot be put back in post."), field="status")
    if on < caseworker.hire_date:
        raise RuleViolation(_("The date is before the hire date."), field="on")
    previous = caseworker.status
    caseworker.status = status
    caseworker.left_on = on if status == CaseworkerStatus.LEFT else None
    caseworker.dismissed_on = on if status == CaseworkerStatus.DISMISSED else None
    _update(actor, caseworker, expected_version=expected_version, fields=["status", "left_on", "dismissed_on"])
    CaseworkerStatusChange.objects.create(caseworker=caseworker, from_status=previous, to_status=status, on=on,
                                          reason=reason, actor=actor)
    return caseworker


def caseworker_reveal_id_number(*, actor, caseworker: Caseworker, request=None) -> str:
    """Return the full ID number and log the view."""
    audit.record_view(actor=actor, instance=caseworker, what=_("Caseworker ID number"), request=request)
    return caseworker.id_number


# --------------------------------------------------------------------------- employment contracts


@transaction.atomic
def employment_contract_create(*, actor, caseworker: Caseworker, organization: SocialOrganization,
                               **data) -> EmploymentContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="caseworker")
    _require_organization(actor, organization)
    _check_period(data.get("start"), data.get("end"))
    contract = EmploymentContract(caseworker=caseworker, organization=organization, **data)
    _create(actor, contract)
    return contract


@transaction.atomic
def employment_contract_update(*, actor, contract: EmploymentContract, expected_version: int | None,
                               **data) -> EmploymentContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "caseworker" in data:
        _require_township(actor, data["caseworker"].township, field="caseworker")
    if "organization" in data:
        _require_organization(actor, data["organization"])
    fields = _changeable(EmploymentContract, data)
    for name, value in data.items():
        setattr(contract, name, value)
    _check_period(contract.start, contract.end)
    _update(actor, contract, expected_version=expected_version, fields=fields)
    return contract


# --------------------------------------------------------------------------- appraisals


def _check_rank(rank, cohort_size, is_last_place) -> None:
    if rank and cohort_size and rank > cohort_size:
        raise RuleViolation(_("The rank cannot be greater than the cohort size."), field="rank")
    if rank and cohort_size and is_last_place and rank != cohort_size:
        raise RuleViolation(_("Last place means the rank equals the cohort size."), field="is_last_place")


@transaction.atomic
def appraisal_create(*, actor, caseworker: Caseworker, year: int, **data) -> Appraisal:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="caseworker")
    if Appraisal.objects.filter(caseworker=caseworker, year=year).exists():
        raise RuleViolation(_("This caseworker already has an appraisal for %(year)s.") % {"year": year}, field="year")
    _check_rank(data.get("rank"), data.get("cohort_size"), data.get("is_last_place"))
    appraisal = Appraisal(caseworker=caseworker, year=year, **data)
    try:
        with transaction.atomic():
            _create(actor, appraisal)
    except IntegrityError as error:
        raise RuleViolation(_("This caseworker already has an appraisal for %(year)s.") % {"year": year},
                            field="year") from error
    return appraisal


@transaction.atomic
def appraisal_update(*, actor, appraisal: Appraisal, expected_version: int | None, **data) -> Appraisal:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "caseworker" in data:
        _require_township(actor, data["caseworker"].township, field="caseworker")
    fields = _changeable(Appraisal, data)
    for name, value in data.items():
        setattr(appraisal, name, value)
    _check_rank(appraisal.rank, appraisal.cohort_size, appraisal.is_last_place)
    if Appraisal.objects.filter(caseworker_id=appraisal.caseworker_id, year=appraisal.year).exclude(
            pk=appraisal.pk).exists():
        raise RuleViolation(_("This caseworker already has an appraisal for %(year)s.") % {"year": appraisal.year},
                            field="year")
    _update(actor, appraisal, expected_version=expected_version, fields=fields)
    return appraisal


# --------------------------------------------------------------------------- transfer payments


@transaction.atomic
def transfer_create(*, actor, township: Area, **data) -> TransferPayment:
    _require_role(actor, FINANCE_WRITE_ROLES)
    _require_township(actor, township)
    transfer = TransferPayment(township=township, county_id=township.county_id, **data)
    _create(actor, transfer)
    return transfer


@transaction.atomic
def transfer_update(*, actor, transfer: TransferPayment, expected_version: int | None, **data) -> TransferPayment:
    _require_role(actor, FINANCE_WRITE_ROLES)
    if "township" in data:
        _require_township(actor, data["township"])
        data["county"] = data["township"].county
    fields = _changeable(TransferPayment, {k: v for k, v in data.items() if k != "county"}) + (
        ["county"] if "county" in data else [])
    for name, value in data.items():
        setattr(transfer, name, value)
    _update(actor, transfer, expected_version=expected_version, fields=fields)
    return transfer


# --------------------------------------------------------------------------- nightly alerts


def staffing_alerts_run(*, today: date) -> StaffingAlertRun:
    """Record the alerts found on ``today``; running again (or after a crash) adds no duplicates.

    1. Log the run (committed first, so a run killed midway is visible as unfinished).
    2. Load every caseworker in post with contracts and appraisals (3 queries) and
       the policies (1 query); apply the rules (``selectors.staffing_findings``).
    3. Insert the alerts with ON CONFLICT DO NOTHING on (kind, caseworker, key),
       audit the new ones, and mark the run finished, in one transaction.
    """
    from staffing import selectors

    run = StaffingAlertRun.objects.create(today=today)
    caseworkers = selectors._caseworkers_with_history(Q(status=CaseworkerStatus.IN_POST))
    counties = list(Area.objects.filter(pk__in={cw.county_id for cw in caseworkers}))
    findings = selectors.staffing_findings(caseworkers, today=today,
                                           policies=selectors.policies_for(counties, today.year))
    alerts = []
    for group in findings.values():
        for f in group:
            alerts.append(StaffingAlert(
                kind=f.kind, caseworker=f.caseworker, township_id=f.caseworker.township_id,
                county_id=f.caseworker.county_id, key=f.key, due_on=f.due_on, created_on=today,
                detail="; ".join(str(r) for r in f.reasons)[:300]))
    with transaction.atomic():
        existing = set(StaffingAlert.objects.filter(caseworker_id__in=[a.caseworker_id for a in alerts])
                       .values_list("kind", "caseworker_id", "key"))
        new = [a for a in alerts if (a.kind, a.caseworker_id, a.key) not in existing]
        StaffingAlert.objects.bulk_create(new, ignore_conflicts=True)
        keys = {(a.kind, a.caseworker_id, a.key) for a in new}
        created = [a for a in StaffingAlert.objects.filter(created_on=today, caseworker_id__in={k[1] for k in keys})
                   if (a.kind, a.caseworker_id, a.key) in keys]
        audit.record_many(actor=None, action=AuditAction.CREATE, instances=created, summary="staffing alert")
        run.created = len(new)
        run.ok = True
        run.finished_at = timezone.now()
        run.save(update_fields=["created", "ok", "finished_at"])
    return run
