"""Staffing pages: thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiuzhu import audit
from jiuzhu.errors import RuleViolation
from jiuzhu.i18n import render_reasons
from jiuzhu.models import AreaLevel, AuditAction, AuditEvent, Role
from staffing import exports, forms, rules, selectors, services
from staffing.models import (
    CIVIL_WRITE_ROLES,
    FINANCE_WRITE_ROLES,
    READ_ROLES,
    Appraisal,
    Caseworker,
    CaseworkerStatus,
    EmploymentContract,
    ServiceContract,
    SocialOrganization,
    TransferPayment,
)

BOARD_ROLES = frozenset({Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.COUNTY_FINANCE, Role.CITY_FINANCE, Role.ADMIN})
PAGE_SIZE = 25


def _require(user, roles) -> None:
    if not (user.is_superuser or user.role in roles):
        raise PermissionDenied


def _yuan(value) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


def _apply_errors(form, error: RuleViolation) -> None:
    field = error.field if error.field in form.fields else None
    for message in error.messages():
        form.add_error(field, message)


# --------------------------------------------------------------------------- generic list / create / edit


@dataclass(frozen=True)
class Entity:
    slug: str
    title: Any
    singular: Any
    model: type
    form: type
    list_selector: Callable
    create: Callable
    update: Callable
    instance_kwarg: str
    write_roles: frozenset
    columns: tuple[tuple[Any, Callable[[Any], Any]], ...]
    # Called with the page's rows before the columns are read (facts computed for all rows at once).
    prepare: Callable[[list], None] | None = None
    # Called with the request and the saved record (e.g. to warn about what the rules flag).
    after_save: Callable[[Any, Any], None] | None = None


def _bool(value: bool) -> str:
    return _("Yes") if value else _("No")


def _check_contracts(contracts: list) -> None:
    checks = selectors.contract_checks(contracts, today=timezone.localdate())
    for contract in contracts:
        contract.contract_reasons = render_reasons(checks[contract.pk].reasons)


def _contract_check_text(contract) -> str:
    return "；".join(contract.contract_reasons) or _("Meets the rules")


def _warn_about_contract(request, contract) -> None:
    """S-2.1.2 is a warning at entry, not a refusal: a contract on file is a fact even when it falls short."""
    check = selectors.contract_check(contract, user=request.user, today=timezone.localdate())
    for reason in render_reasons(check.reasons):
        messages.warning(request, reason)


ENTITIES: dict[str, Entity] = {
    "organizations": Entity(
        "organizations",
        gettext_lazy("Social organizations"),
        gettext_lazy("social organization"),
        SocialOrganization,
        forms.OrganizationForm,
        selectors.organization_list,
        services.organization_create,
        services.organization_update,
        "organization",
        CIVIL_WRITE_ROLES,
        (
            (gettext_lazy("Name"), lambda o: o.name),
            (gettext_lazy("Credit code"), lambda o: o.credit_code),
            (gettext_lazy("County"), lambda o: o.county.name),
            (gettext_lazy("Contact"), lambda o: f"{o.contact_person} {o.contact_phone}".strip()),
        ),
    ),
    "contracts": Entity(
        "contracts",
        gettext_lazy("Service contracts"),
        gettext_lazy("service contract"),
        ServiceContract,
        forms.ServiceContractForm,
        selectors.service_contract_list,
        services.service_contract_create,
        services.service_contract_update,
        "contract",
        CIVIL_WRITE_ROLES,
        (
            (gettext_lazy("Contract number"), lambda o: o.contract_no or "—"),
            (gettext_lazy("Township"), lambda o: o.township.name),
            (gettext_lazy("Organization"), lambda o: o.organization.name),
            (gettext_lazy("Period"), lambda o: f"{o.start:%Y-%m-%d} ~ {o.end:%Y-%m-%d}"),
            (gettext_lazy("Amount (yuan)"), lambda o: _yuan(o.amount)),
            (gettext_lazy("Posts"), lambda o: o.posts),
        ),
    ),
    "employment": Entity(
        "employment",
        gettext_lazy("Employment contracts"),
        gettext_lazy("employment contract"),
        EmploymentContract,
        forms.EmploymentContractForm,
        selectors.employment_contract_list,
        services.employment_contract_create,
        services.employment_contract_update,
        "contract",
        CIVIL_WRITE_ROLES,
        (
            (gettext_lazy("Caseworker"), lambda o: o.caseworker.name),
            (gettext_lazy("Township"), lambda o: o.caseworker.township.name),
            (gettext_lazy("Employer"), lambda o: o.organization.name),
            (
                gettext_lazy("Period"),
                lambda o: f"{o.start:%Y-%m-%d} ~ {o.end:%Y-%m-%d}" if o.end else f"{o.start:%Y-%m-%d} ~",
            ),
            (gettext_lazy("Monthly pay (yuan)"), lambda o: _yuan(o.monthly_pay)),
            (gettext_lazy("Social insurance"), lambda o: _bool(o.social_insurance)),
            (gettext_lazy("Check"), _contract_check_text),
        ),
        prepare=_check_contracts,
        after_save=_warn_about_contract,
    ),
    "appraisals": Entity(
        "appraisals",
        gettext_lazy("Appraisals"),
        gettext_lazy("appraisal"),
        Appraisal,
        forms.AppraisalForm,
        selectors.appraisal_list,
        services.appraisal_create,
        services.appraisal_update,
        "appraisal",
        CIVIL_WRITE_ROLES,
        (
            (gettext_lazy("Caseworker"), lambda o: o.caseworker.name),
            (gettext_lazy("Township"), lambda o: o.caseworker.township.name),
            (gettext_lazy("Year"), lambda o: o.year),
            (gettext_lazy("Grade"), lambda o: o.get_grade_display()),
            (gettext_lazy("Rank"), lambda o: f"{o.rank}/{o.cohort_size}" if o.rank else "—"),
            (gettext_lazy("Last place"), lambda o: _bool(o.is_last_place)),
            (gettext_lazy("Reward given"), lambda o: _bool(o.reward_given)),
        ),
    ),
    "transfers": Entity(
        "transfers",
        gettext_lazy("Transfer payments"),
        gettext_lazy("transfer payment"),
        TransferPayment,
        forms.TransferForm,
        selectors.transfer_list,
        services.transfer_create,
        services.transfer_update,
        "transfer",
        FINANCE_WRITE_ROLES,
        (
            (gettext_lazy("Township"), lambda o: o.township.name),
            (gettext_lazy("County"), lambda o: o.county.name),
            (gettext_lazy("Year"), lambda o: o.year),
            (gettext_lazy("Amount (yuan)"), lambda o: _yuan(o.amount)),
            (gettext_lazy("Paid on"), lambda o: f"{o.paid_on:%Y-%m-%d}"),
            (gettext_lazy("Document number"), lambda o: o.document_no or "—"),
        ),
    ),
}


def _entity(slug: str) -> Entity:
    try:
        return ENTITIES[slug]
    except KeyError as error:
        raise Http404 from error


def object_list(request, slug: str):
    entity = _entity(slug)
    user = request.user
    if not (user.is_superuser or user.role in READ_ROLES):
        raise PermissionDenied
    page = Paginator(entity.list_selector(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    objects = list(page.object_list)
    if entity.prepare is not None:
        entity.prepare(objects)
    rows = [(obj, [(label, fn(obj)) for label, fn in entity.columns]) for obj in objects]
    return render(
        request,
        "staffing/object_list.html",
        {
            "entity": entity,
            "page_obj": page,
            "rows": rows,
            "headers": [label for label, _fn in entity.columns],
            "can_write": user.is_superuser or user.role in entity.write_roles,
        },
    )


def _form_page(request, entity: Entity, instance=None):
    user = request.user
    _require(user, entity.write_roles)
    form = entity.form(request.POST or None, instance=instance, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            if instance is None:
                saved = entity.create(actor=user, **data)
            else:
                saved = entity.update(
                    actor=user,
                    expected_version=form.cleaned_data.get("version"),
                    **{entity.instance_kwarg: instance},
                    **data,
                )
        except RuleViolation as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            if entity.after_save is not None:
                entity.after_save(request, saved)
            return redirect("staffing:list", slug=entity.slug)
    events = AuditEvent.objects.for_object(instance)[:30] if instance is not None else []
    return render(
        request,
        "staffing/object_form.html",
        {"entity": entity, "form": form, "object": instance, "audit_events": events},
    )


def object_create(request, slug: str):
    return _form_page(request, _entity(slug))


def object_edit(request, slug: str, pk: int):
    entity = _entity(slug)
    try:
        instance = entity.list_selector(user=request.user).get(pk=pk)
    except entity.model.DoesNotExist as error:
        raise Http404 from error
    return _form_page(request, entity, instance)


# --------------------------------------------------------------------------- caseworkers


def caseworker_list(request):
    user = request.user
    page = Paginator(selectors.caseworker_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staffing/caseworker_list.html",
        {
            "page_obj": page,
            "caseworkers": page.object_list,
            "can_write": user.is_superuser or user.role in CIVIL_WRITE_ROLES,
        },
    )


def _caseworker_or_404(user, pk: int) -> Caseworker:
    try:
        return selectors.caseworker_detail(user=user, pk=pk)
    except Caseworker.DoesNotExist as error:
        raise Http404 from error


def caseworker_detail(request, pk: int):
    cw = _caseworker_or_404(request.user, pk)
    today = timezone.localdate()
    policy = selectors.policy_for(cw.county, today.year)
    level = None if cw.qualification_level == "none" else cw.qualification_level
    qualification = rules.qualification_deadline(
        hire_date=cw.hire_date,
        level=level,
        obtained_on=cw.qualification_date if level else None,
        today=today,
        policy=policy,
    )
    contracts = []
    for c in cw.contracts.all():
        contracts.append((c, render_reasons(selectors.check_contract(c, policy).reasons)))
    outcome = selectors.dismissal_outcome(list(cw.appraisals.all()))
    return render(
        request,
        "staffing/caseworker_detail.html",
        {
            "cw": cw,
            "qualification": qualification,
            "contracts": contracts,
            "appraisal_reasons": render_reasons(outcome[1].reasons) if outcome else [],
            "status_form": forms.StatusForm(initial={"version": cw.version, "on": today}),
            "can_write": request.user.is_superuser or request.user.role in CIVIL_WRITE_ROLES,
            "audit_events": AuditEvent.objects.for_object(cw)[:30],
        },
    )


def caseworker_form(request, pk: int | None = None):
    user = request.user
    _require(user, CIVIL_WRITE_ROLES)
    instance = _caseworker_or_404(user, pk) if pk else None
    form = forms.CaseworkerForm(request.POST or None, instance=instance, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        id_number = form.cleaned_data.get("id_number")
        try:
            if instance is None:
                cw = services.caseworker_create(actor=user, id_number=id_number, **data)
            else:
                cw = services.caseworker_update(
                    actor=user, caseworker=instance, expected_version=form.cleaned_data.get("version"), **data
                )
        except RuleViolation as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            password = getattr(cw.user, "initial_password", None)
            if password:
                messages.warning(
                    request,
                    _(
                        "Login %(name)s made. One-time password: %(password)s. Give it to the caseworker; it is not shown again."
                    )
                    % {"name": cw.user.username, "password": password},
                )
            return redirect("staffing:caseworker", pk=cw.pk)
    return render(
        request,
        "staffing/object_form.html",
        {
            "entity": {"slug": "caseworkers", "title": _("Caseworkers"), "singular": _("caseworker")},
            "form": form,
            "object": instance,
            "audit_events": [],
        },
    )


@require_POST
def caseworker_status(request, pk: int):
    _require(request.user, CIVIL_WRITE_ROLES)
    cw = _caseworker_or_404(request.user, pk)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.caseworker_change_status(
                actor=request.user,
                caseworker=cw,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except RuleViolation as error:
            for message in error.messages():
                messages.error(request, message)
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Give a status and a date."))
    return redirect("staffing:caseworker", pk=cw.pk)


def caseworker_post(request, pk: int):
    """Transfer a caseworker in post to another township, or re-hire one who left: a new post either way."""
    user = request.user
    _require(user, CIVIL_WRITE_ROLES)
    cw = _caseworker_or_404(user, pk)
    rehire = cw.status == CaseworkerStatus.LEFT
    form = forms.PostForm(
        request.POST or None,
        user=user,
        initial={
            "version": cw.version,
            "township": cw.township_id,
            "full_time": cw.full_time,
            "on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = services.caseworker_rehire if rehire else services.caseworker_transfer
        try:
            service(
                actor=user,
                caseworker=cw,
                township=data["township"],
                full_time=data["full_time"],
                on=data["on"],
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except RuleViolation as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Re-hired.") if rehire else _("Transferred."))
            return redirect("staffing:caseworker", pk=cw.pk)
    return render(request, "staffing/caseworker_post.html", {"cw": cw, "form": form, "rehire": rehire})


@require_POST
def caseworker_id_number(request, pk: int):
    """Show the full ID number once, audited (POST, so the number never sits in a URL or history)."""
    _require(request.user, CIVIL_WRITE_ROLES)
    cw = _caseworker_or_404(request.user, pk)
    number = services.caseworker_reveal_id_number(actor=request.user, caseworker=cw, request=request)
    return render(request, "staffing/id_number.html", {"cw": cw, "id_number": number})


# --------------------------------------------------------------------------- board, recruitment check, funding


def _board_county(request):
    user = request.user
    _require(user, BOARD_ROLES)
    counties = list(selectors.counties_visible(user))
    if user.area is not None and user.area.level == AreaLevel.COUNTY:
        return user.area, counties
    code = request.GET.get("county")
    chosen = next((c for c in counties if c.code == code), None)
    if code and chosen is None:
        raise Http404
    return chosen or (counties[0] if counties else None), counties


def board(request):
    county, counties = _board_county(request)
    if county is None:
        raise Http404
    data = selectors.county_board(county=county, today=timezone.localdate())
    return render(
        request,
        "staffing/board.html",
        {
            "board": data,
            "counties": counties,
            "county": county,
            "dismissals": [(f, render_reasons(f.reasons)) for f in data.findings["dismissal_due"]],
        },
    )


def recruitment_check(request):
    form = forms.RecruitmentCheckForm(
        request.GET or None,
        initial={
            "check_date": timezone.localdate(),
            "education": "college",
            "social_work_certificate": "none",
            "hukou_in_jiaxing": True,
            "healthy": True,
            "computer_literate": True,
            "full_time_education": True,
            "work_years": 2,
        },
    )
    decision = None
    if request.GET and form.is_valid():
        decision = run_recruitment_check(request.user, form.cleaned_data)
    return render(request, "staffing/recruitment_check.html", {"form": form, "decision": decision})


def run_recruitment_check(user, data: dict) -> dict:
    """Shared by the page and the API: the user's county policy for the check date's year."""
    policy = selectors.user_policy(user, data["check_date"].year)
    candidate = rules.Candidate(**{name: data[name] for name in rules.Candidate.__dataclass_fields__})
    decision = rules.check_recruitment(candidate=candidate, policy=policy)
    return {
        "eligible": decision.eligible,
        "reasons": render_reasons(decision.reasons),
        "relaxed": decision.relaxed,
        "priority": decision.priority,
    }


def _funding_params(request):
    user = request.user
    _require(user, BOARD_ROLES)
    today = timezone.localdate()
    year = request.GET.get("year") or str(today.year - 1)
    if not year.isdigit() or not 2018 <= int(year) <= 2100:
        raise Http404
    code = request.GET.get("county")
    if user.area is not None and user.area.level == AreaLevel.COUNTY:
        code = user.area.code if not code else code
    counties = selectors.sheet_counties(user, code)
    if code and not counties:
        raise Http404
    return int(year), code, counties


def funding(request):
    year, code, counties = _funding_params(request)
    figures = selectors.funding(counties=counties, year=year)
    return render(
        request,
        "staffing/funding.html",
        {
            "year": year,
            "code": code or "",
            "figures": figures,
            "years": range(timezone.localdate().year, 2017, -1),
            "counties": selectors.counties_visible(request.user),
            "single": bool(code),
        },
    )


def transfer_sheet(request):
    year, code, counties = _funding_params(request)
    return sheet_response(request, counties=counties, code=code, year=year)


def sheet_response(request, *, counties, code, year) -> HttpResponse:
    """The XLSX answer shared by the page and the API; the export is audited."""
    if not counties:
        raise Http404
    city = None if code else exports.city_of(counties)
    data = exports.transfer_workbook(counties=counties, year=year, generated_on=timezone.localdate(), city=city)
    area = counties[0] if code else city
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        area_code=area.code,
        target_type="staffing.transferpayment",
        summary=f"transfer sheet {area.code} {year}",
    )
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(area=area, year=year)}"'
    return response
