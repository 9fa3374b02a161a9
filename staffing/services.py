"""Use cases that change staffing data: one transaction each, scope-checked, versioned, audited."""

from __future__ import annotations

import secrets
import string
from datetime import date, timedelta

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from households.rules import check_id_number
from jiuzhu import audit, crypto
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel, AuditAction, Role, User
from jiuzhu.scope import user_can_see_area
from staffing import rules
from staffing.models import (
    CIVIL_WRITE_ROLES,
    FINANCE_WRITE_ROLES,
    Appraisal,
    Caseworker,
    CaseworkerPost,
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
def organization_update(
    *, actor, organization: SocialOrganization, expected_version: int | None, **data
) -> SocialOrganization:
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
def service_contract_update(
    *, actor, contract: ServiceContract, expected_version: int | None, **data
) -> ServiceContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "township" in data:
        _require_township(actor, data["township"])
        data["county"] = data["township"].county
    if "organization" in data:
        _require_organization(actor, data["organization"])
    fields = _changeable(ServiceContract, {k: v for k, v in data.items() if k != "county"}) + (
        ["county"] if "county" in data else []
    )
    for name, value in data.items():
        setattr(contract, name, value)
    _check_period(contract.start, contract.end)
    _update(actor, contract, expected_version=expected_version, fields=fields)
    return contract


# --------------------------------------------------------------------------- caseworkers


def _check_qualification(level: str, obtained_on: date | None) -> None:
    if (level != "none") != (obtained_on is not None):
        raise RuleViolation(
            _("Give the qualification level and the date it was obtained together."), field="qualification_date"
        )


def initial_password() -> str:
    """A one-time password meeting the password rules (length 12, four kinds of character)."""
    kinds = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@")
    chars = [secrets.choice(kind) for kind in kinds] + [secrets.choice("".join(kinds)) for _i in range(8)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _new_caseworker_login(actor, *, username: str, township: Area, name: str) -> User:
    """The login of a new caseworker, made by the county in the same step (no superuser needed).

    The one-time password is on the returned user as ``initial_password``, for the page to
    show once; the caseworker changes it after the first login."""
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise RuleViolation(error.messages, field="new_username") from error
    if not username:
        raise RuleViolation(_("Choose an existing login or enter a new login name."), field="new_username")
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(_("The login name %(name)s is taken.") % {"name": username}, field="new_username")
    password = initial_password()
    user = User(username=username, role=Role.CASEWORKER, area=township, first_name=name)
    user.set_password(password)
    user.save()
    audit.record_change(actor=actor, instance=user, before={}, summary=_("Login made with the caseworker's profile"))
    user.initial_password = password
    return user


@transaction.atomic
def caseworker_create(
    *,
    actor,
    township: Area,
    id_number: str,
    user: User | None = None,
    new_username: str = "",
    today: date | None = None,
    **data,
) -> Caseworker:
    """Create a caseworker's profile; the birth date comes from the ID number. The login is
    an existing caseworker login of the area, or a new one (``new_username``) made here."""
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, township)
    _require_organization(actor, data.get("organization"))
    if user is None:
        user = _new_caseworker_login(actor, username=new_username, township=township, name=data.get("name", ""))
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
    caseworker = Caseworker(
        user=user, township=township, county_id=township.county_id, birth_date=check.birth_date, **data
    )
    caseworker.set_id_number(check.normal)
    try:
        with transaction.atomic():
            _create(actor, caseworker)
    except IntegrityError as error:  # a concurrent insert of the same person or user
        raise RuleViolation(_("A caseworker with this ID number is already registered."), field="id_number") from error
    _open_post(actor, caseworker, township=township, full_time=caseworker.full_time, on=caseworker.hire_date)
    CaseworkerStatusChange.objects.create(
        caseworker=caseworker, from_status="", to_status=CaseworkerStatus.IN_POST, on=caseworker.hire_date, actor=actor
    )
    return caseworker


def _open_post(actor, caseworker: Caseworker, *, township: Area, full_time: bool, on: date) -> CaseworkerPost:
    post = CaseworkerPost(
        caseworker=caseworker, township=township, county_id=township.county_id, full_time=full_time, start_on=on
    )
    _create(actor, post)
    return post


def _posts_locked(caseworker: Caseworker) -> list[CaseworkerPost]:
    """The caseworker's posts, oldest first, locked for the rest of the transaction."""
    return list(CaseworkerPost.objects.select_for_update().filter(caseworker=caseworker).order_by("start_on", "id"))


def _close_post(actor, post: CaseworkerPost, last_day: date) -> None:
    before = audit.snapshot(post)
    post.end_on = last_day
    post.save(update_fields=["end_on"])
    audit.record_change(actor=actor, instance=post, before=before)


POST_FIELDS = ("township", "full_time")


@transaction.atomic
def caseworker_update(
    *, actor, caseworker: Caseworker, expected_version: int | None, today: date | None = None, **data
) -> Caseworker:
    """Edit the profile. The post (township, full-time, hire date) is history once it has started:

    * township and full-time change here only while the current post has not started yet
      (a correction before the first day); afterwards a transfer starts a new post;
    * the hire date moves the start of the first post, only while it is the only post.
    """
    _require_role(actor, CIVIL_WRITE_ROLES)
    for forbidden in ("status", "left_on", "dismissed_on", "user", "birth_date"):
        if forbidden in data:
            raise ValueError(f"{forbidden} is not changed here")
    today = today or timezone.localdate()
    posts = _posts_locked(caseworker)
    current = posts[-1] if posts else None
    # Compared with the post row, not the instance: a model form has already put its input there.
    held = {"township": current.township_id, "full_time": current.full_time} if current else {}
    post_changes = {
        name: data[name]
        for name in POST_FIELDS
        if name in data and current is not None and held[name] != (data[name].pk if name == "township" else data[name])
    }
    if post_changes and current is not None and current.start_on <= today:
        raise RuleViolation(
            _(
                "The post has started: its township and full-time status are history. Use "
                '"Transfer or re-hire" on the caseworker\'s page to start a new post.'
            ),
            field=next(iter(post_changes)),
        )
    hire_date = data.get("hire_date", caseworker.hire_date)
    if posts and hire_date != posts[0].start_on:
        if len(posts) > 1:
            raise RuleViolation(
                _("The hire date cannot change after a transfer or a re-hire: the later posts start from it."),
                field="hire_date",
            )
        if posts and posts[0].end_on is not None and hire_date > posts[0].end_on:
            raise RuleViolation(_("The hire date is after the day the caseworker left."), field="hire_date")
    if "township" in post_changes:
        _require_township(actor, data["township"])
        data["county"] = data["township"].county
    if "organization" in data:
        _require_organization(actor, data["organization"])
    for name, value in data.items():
        setattr(caseworker, name, value)
    _check_qualification(caseworker.qualification_level, caseworker.qualification_date)
    fields = _changeable(Caseworker, {k: v for k, v in data.items() if k != "county"}) + (
        ["county"] if "county" in data else []
    )
    _update(actor, caseworker, expected_version=expected_version, fields=fields)
    if current is not None and (post_changes or (len(posts) == 1 and hire_date != current.start_on)):
        # Only a post that has not started yet, or the first post's start (the hire date), changes here.
        before = audit.snapshot(current)
        current.township, current.county_id = caseworker.township, caseworker.county_id
        current.full_time = caseworker.full_time
        if len(posts) == 1:
            current.start_on = hire_date
        current.save(update_fields=["township", "county", "full_time", "start_on"])
        audit.record_change(actor=actor, instance=current, before=before)
    return caseworker


@transaction.atomic
def caseworker_transfer(
    *,
    actor,
    caseworker: Caseworker,
    township: Area,
    full_time: bool,
    on: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Caseworker:
    """Move a caseworker in post to another township (or between full- and part-time) from ``on``.

    The current post ends the day before ``on`` and a new one starts on ``on``; earlier
    years keep the old township. ``on`` must be after the current post's first day.
    """
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="township")
    _require_township(actor, township)
    if caseworker.status != CaseworkerStatus.IN_POST:
        raise RuleViolation(_("Only a caseworker in post can be transferred; re-hire one who left."), field="status")
    posts = _posts_locked(caseworker)
    current = posts[-1]
    if township.pk == current.township_id and full_time == current.full_time:
        raise RuleViolation(_("The caseworker already holds this post."), field="township")
    if on <= current.start_on:
        raise RuleViolation(
            _("The transfer date must be after the current post started (%(start)s).")
            % {"start": current.start_on.isoformat()},
            field="on",
        )
    _close_post(actor, current, on - timedelta(days=1))
    _open_post(actor, caseworker, township=township, full_time=full_time, on=on)
    _move(actor, caseworker, township=township, full_time=full_time, expected_version=expected_version)
    CaseworkerStatusChange.objects.create(
        caseworker=caseworker,
        from_status=CaseworkerStatus.IN_POST,
        to_status=CaseworkerStatus.IN_POST,
        on=on,
        actor=actor,
        reason=_transfer_reason(township, full_time, reason),
    )
    return caseworker


@transaction.atomic
def caseworker_rehire(
    *,
    actor,
    caseworker: Caseworker,
    township: Area,
    full_time: bool,
    on: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Caseworker:
    """Take back a caseworker who left: a new post from ``on``, after the day they left.

    The days between leaving and coming back stay out of post (a staffing gap, no funding).
    A dismissed caseworker is not re-hired.
    """
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="township")
    _require_township(actor, township)
    if caseworker.status != CaseworkerStatus.LEFT:
        raise RuleViolation(_("Only a caseworker who left can be re-hired."), field="status")
    posts = _posts_locked(caseworker)
    last_day = max((p.end_on for p in posts if p.end_on is not None), default=caseworker.left_on)
    if last_day is not None and on <= last_day:
        raise RuleViolation(
            _("The re-hire date must be after the day the caseworker left (%(left)s).")
            % {"left": last_day.isoformat()},
            field="on",
        )
    _open_post(actor, caseworker, township=township, full_time=full_time, on=on)
    caseworker.status, caseworker.left_on = CaseworkerStatus.IN_POST, None
    _move(
        actor,
        caseworker,
        township=township,
        full_time=full_time,
        expected_version=expected_version,
        extra=["status", "left_on"],
    )
    CaseworkerStatusChange.objects.create(
        caseworker=caseworker,
        from_status=CaseworkerStatus.LEFT,
        to_status=CaseworkerStatus.IN_POST,
        on=on,
        actor=actor,
        reason=_transfer_reason(township, full_time, reason),
    )
    return caseworker


def _move(
    actor,
    caseworker: Caseworker,
    *,
    township: Area,
    full_time: bool,
    expected_version: int | None,
    extra: tuple | list = (),
) -> None:
    caseworker.township, caseworker.county_id, caseworker.full_time = township, township.county_id, full_time
    _update(actor, caseworker, expected_version=expected_version, fields=["township", "county", "full_time", *extra])


def _transfer_reason(township: Area, full_time: bool, reason: str) -> str:
    post = township.name if full_time else _("%(township)s (part-time)") % {"township": township.name}
    return (f"→ {post} {reason}".strip())[:200]


@transaction.atomic
def caseworker_change_status(
    *, actor, caseworker: Caseworker, status: str, on: date, reason: str = "", expected_version: int | None = None
) -> Caseworker:
    """Move a caseworker between in post, left and dismissed, keeping the history."""
    _require_role(actor, CIVIL_WRITE_ROLES)
    if status not in CaseworkerStatus.values:
        raise RuleViolation(_("Unknown status."), field="status")
    if status == caseworker.status:
        raise RuleViolation(_("The caseworker already has this status."), field="status")
    if status == CaseworkerStatus.IN_POST:
        # Putting a leaver back here would erase the gap from the staffing and funding history:
        # a re-hire starts a new post instead.
        raise RuleViolation(
            _(
                'A caseworker who left is re-hired with a new post ("Transfer or re-hire"); one '
                "who was dismissed cannot be put back in post."
            ),
            field="status",
        )
    posts = _posts_locked(caseworker)
    start = posts[-1].start_on if posts else caseworker.hire_date
    if on < start:
        raise RuleViolation(
            _("The date is before the current post started (%(start)s).") % {"start": start.isoformat()}, field="on"
        )
    if posts:
        _close_post(actor, posts[-1], on)
    previous = caseworker.status
    caseworker.status = status
    caseworker.left_on = on if status == CaseworkerStatus.LEFT else None
    caseworker.dismissed_on = on if status == CaseworkerStatus.DISMISSED else None
    _update(actor, caseworker, expected_version=expected_version, fields=["status", "left_on", "dismissed_on"])
    CaseworkerStatusChange.objects.create(
        caseworker=caseworker, from_status=previous, to_status=status, on=on, reason=reason, actor=actor
    )
    return caseworker


def caseworker_reveal_id_number(*, actor, caseworker: Caseworker, request=None) -> str:
    """Return the full ID number and log the view."""
    audit.record_view(actor=actor, instance=caseworker, what=_("Caseworker ID number"), request=request)
    return caseworker.id_number


# --------------------------------------------------------------------------- employment contracts


@transaction.atomic
def employment_contract_create(
    *, actor, caseworker: Caseworker, organization: SocialOrganization, **data
) -> EmploymentContract:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="caseworker")
    _require_organization(actor, organization)
    _check_period(data.get("start"), data.get("end"))
    contract = EmploymentContract(caseworker=caseworker, organization=organization, **data)
    _create(actor, contract)
    return contract


@transaction.atomic
def employment_contract_update(
    *, actor, contract: EmploymentContract, expected_version: int | None, **data
) -> EmploymentContract:
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


def _rank_facts(appraisal: Appraisal) -> None:
    """Check the rank and set ``is_last_place`` from it (S-2.1.3 "末位").

    With a rank and a cohort size, last place is rank = cohort size, whatever was ticked;
    the cohort basis (the employer's caseworkers or the county's, as the county ranks) is
    then required. Without them the tick is the only record and stands.
    """
    rank, size = appraisal.rank, appraisal.cohort_size
    if (rank is None) != (size is None):
        raise RuleViolation(_("Give the rank and the cohort size together."), field="rank")
    if rank is None:
        return
    if rank > size:
        raise RuleViolation(_("The rank cannot be greater than the cohort size."), field="rank")
    if not appraisal.cohort_basis:
        raise RuleViolation(
            _("Say whom the rank is among: the employer's caseworkers or the county's."), field="cohort_basis"
        )
    appraisal.is_last_place = rank == size


@transaction.atomic
def appraisal_create(*, actor, caseworker: Caseworker, year: int, **data) -> Appraisal:
    _require_role(actor, CIVIL_WRITE_ROLES)
    _require_township(actor, caseworker.township, field="caseworker")
    if Appraisal.objects.filter(caseworker=caseworker, year=year).exists():
        raise RuleViolation(_("This caseworker already has an appraisal for %(year)s.") % {"year": year}, field="year")
    appraisal = Appraisal(caseworker=caseworker, year=year, **data)
    _rank_facts(appraisal)
    try:
        with transaction.atomic():
            _create(actor, appraisal)
    except IntegrityError as error:
        raise RuleViolation(
            _("This caseworker already has an appraisal for %(year)s.") % {"year": year}, field="year"
        ) from error
    return appraisal


@transaction.atomic
def appraisal_update(*, actor, appraisal: Appraisal, expected_version: int | None, **data) -> Appraisal:
    _require_role(actor, CIVIL_WRITE_ROLES)
    if "caseworker" in data:
        _require_township(actor, data["caseworker"].township, field="caseworker")
    fields = _changeable(Appraisal, data)
    for name, value in data.items():
        setattr(appraisal, name, value)
    _rank_facts(appraisal)
    if "is_last_place" not in fields:
        fields.append("is_last_place")
    if (
        Appraisal.objects.filter(caseworker_id=appraisal.caseworker_id, year=appraisal.year)
        .exclude(pk=appraisal.pk)
        .exists()
    ):
        raise RuleViolation(
            _("This caseworker already has an appraisal for %(year)s.") % {"year": appraisal.year}, field="year"
        )
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
        ["county"] if "county" in data else []
    )
    for name, value in data.items():
        setattr(transfer, name, value)
    _update(actor, transfer, expected_version=expected_version, fields=fields)
    return transfer


# --------------------------------------------------------------------------- nightly alerts


def staffing_alerts_run(*, today: date) -> StaffingAlertRun:
    """Record the alerts found on ``today``; running again (or after a crash) adds no duplicates.

    1. Log the run (committed first, so a run killed midway is visible as unfinished).
    2. Find today's findings for every caseworker in post (``selectors.live_findings``,
       the same as the board and the dashboard).
    3. In one transaction: insert the new alerts (ON CONFLICT DO NOTHING on (kind,
       caseworker, key)) and audit them; reopen a resolved alert found again; resolve the
       open alerts no longer found (the appraisal entered, the contract renewed, the
       caseworker left); mark the run finished.
    """
    from staffing import selectors

    run = StaffingAlertRun.objects.create(today=today)
    findings = selectors.live_findings(caseworkers=Q(), today=today)
    alerts = {}
    for group in findings.values():
        for f in group:
            alerts[(f.kind, f.caseworker.pk, f.key)] = StaffingAlert(
                kind=f.kind,
                caseworker=f.caseworker,
                township_id=f.caseworker.township_id,
                county_id=f.caseworker.county_id,
                key=f.key,
                due_on=f.due_on,
                created_on=today,
                detail="; ".join(str(r) for r in f.reasons)[:300],
            )
    with transaction.atomic():
        recorded = {
            (kind, cw, key): (pk, resolved)
            for pk, kind, cw, key, resolved in StaffingAlert.objects.values_list(
                "pk", "kind", "caseworker_id", "key", "resolved"
            )
        }
        new = [a for k, a in alerts.items() if k not in recorded]
        StaffingAlert.objects.bulk_create(new, ignore_conflicts=True)
        reopen = [pk for k, (pk, resolved) in recorded.items() if resolved and k in alerts]
        settle = [pk for k, (pk, resolved) in recorded.items() if not resolved and k not in alerts]
        StaffingAlert.objects.filter(pk__in=reopen).update(resolved=False)
        StaffingAlert.objects.filter(pk__in=settle).update(resolved=True)
        keys = set(alerts) - set(recorded)
        created = [
            a
            for a in StaffingAlert.objects.filter(created_on=today, caseworker_id__in={k[1] for k in keys})
            if (a.kind, a.caseworker_id, a.key) in keys
        ]
        audit.record_many(actor=None, action=AuditAction.CREATE, instances=created, summary="staffing alert")
        run.created = len(new)
        run.ok = True
        run.finished_at = timezone.now()
        run.save(update_fields=["created", "ok", "finished_at"])
    return run
