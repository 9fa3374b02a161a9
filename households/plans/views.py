"""Pages of the assistance plan (一户一策). Thin: scope via plan_selectors, changes via plan_services.
The URL patterns live here and are appended to households/urls.py (names prefixed ``plan_``)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import access
from households.models import ActionStatus, Plan, PlanAction, PlanStatus
from households.plans import forms as plan_forms
from households.plans import selectors as plan_selectors
from households.plans import services as plan_services
from jiuzhu.errors import RuleViolation


def _require_write(request) -> None:
    if not (access.may_write_plan(request.user)):
        raise PermissionDenied


def _plan(request, pk) -> Plan:
    try:
        return plan_selectors.plan_detail(user=request.user, pk=pk)
    except Plan.DoesNotExist as error:
        raise Http404 from error


def _errors(request, error: RuleViolation) -> None:
    for message in error.messages():
        messages.error(request, message)


def plan_list(request):
    status = request.GET.get("status", "")
    page = Paginator(plan_selectors.plan_list(user=request.user, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "households/plans/plan_list.html",
        {
            "page_obj": page,
            "plans": page.object_list,
            "status": status,
            "statuses": PlanStatus.choices,
            "can_write": access.may_write_plan(request.user),
        },
    )


def plan_new(request):
    _require_write(request)
    assessments = plan_selectors.assessments_for_plans(user=request.user)
    initial = {"assessment": request.GET["assessment"]} if request.GET.get("assessment", "").isdigit() else None
    form = plan_forms.PlanNewForm(request.POST or None, assessments=assessments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.plan_create_from_assessment(
                actor=request.user, assessment=form.cleaned_data["assessment"], summary=form.cleaned_data["summary"]
            )
        except RuleViolation as error:
            form.add_error("assessment", error.messages()[0])
        else:
            messages.success(
                request, _("Draft plan created: add actions, record the household's agreement, then activate it.")
            )
            return redirect("households:plan_detail", pk=plan.pk)
    return render(request, "households/plans/plan_new.html", {"form": form})


def plan_detail(request, pk):
    plan = _plan(request, pk)
    goals = list(plan.goals.all())
    writable = plan.status in (PlanStatus.DRAFT, PlanStatus.ACTIVE) and (access.may_write_plan(request.user))
    return render(
        request,
        "households/plans/plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "writable": writable,
            # Each review with the progress noted against each goal (goal text, note), in goal order.
            "reviews": [
                (r, [(g.text, r.progress[str(g.pk)]) for g in goals if (r.progress or {}).get(str(g.pk))])
                for r in plan.reviews.all()
            ],
            "today": timezone.localdate(),
            "edit_form": plan_forms.PlanEditForm(instance=plan),
            "action_form": plan_forms.ActionForm(plan=plan, initial={"responsible": request.user.pk}),
            "review_form": plan_forms.ReviewForm(goals=goals, initial={"reviewed_on": timezone.localdate()}),
            "close_form": plan_forms.CloseForm(),
            "history": Plan.objects.in_scope(request.user).filter(household_id=plan.household_id).order_by("-number"),
        },
    )


@require_POST
def plan_edit(request, pk):
    _require_write(request)
    plan = _plan(request, pk)
    form = plan_forms.PlanEditForm(request.POST, instance=copy.copy(plan))  # the service snapshots the original
    if form.is_valid():
        try:
            plan_services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=int(request.POST.get("version") or plan.version),
                **{k: form.cleaned_data[k] for k in form.Meta.fields},
            )
            messages.success(request, _("Saved."))
        except RuleViolation as error:
            _errors(request, error)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("households:plan_detail", pk=pk)


@require_POST
def plan_action_add(request, pk):
    _require_write(request)
    plan = _plan(request, pk)
    form = plan_forms.ActionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            plan_services.plan_action_add(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except RuleViolation as error:
            _errors(request, error)
    else:
        for name, errors in form.errors.items():
            for e in errors:
                messages.error(request, f"{form.fields[name].label if name in form.fields else ''} {e}")
    return redirect("households:plan_detail", pk=pk)


@require_POST
def plan_action_step(request, pk):
    _require_write(request)
    action = get_object_or_404(PlanAction.objects.in_scope(request.user).select_related("plan"), pk=pk)
    status = request.POST.get("status", "")
    if status not in ActionStatus.values:
        raise Http404
    try:
        plan_services.plan_action_set_status(actor=request.user, action=action, status=status)
        messages.success(request, _("Saved."))
    except RuleViolation as error:
        _errors(request, error)
    return redirect("households:plan_detail", pk=action.plan_id)


@require_POST
def plan_activate(request, pk):
    _require_write(request)
    plan = _plan(request, pk)
    try:
        plan_services.plan_activate(actor=request.user, plan=plan)
        messages.success(request, _("The plan is active."))
    except RuleViolation as error:
        _errors(request, error)
    return redirect("households:plan_detail", pk=pk)


@require_POST
def plan_review_add(request, pk):
    _require_write(request)
    plan = _plan(request, pk)
    form = plan_forms.ReviewForm(request.POST, goals=list(plan.goals.all()))
    if form.is_valid():
        try:
            plan_services.plan_review_add(
                actor=request.user,
                plan=plan,
                reviewed_on=form.cleaned_data["reviewed_on"],
                progress=form.progress(),
                summary=form.cleaned_data["summary"],
                next_review_on=form.cleaned_data["next_review_on"],
            )
            messages.success(request, _("Saved."))
        except RuleViolation as error:
            _errors(request, error)
    else:
        messages.error(request, _("Enter the review date."))
    return redirect("households:plan_detail", pk=pk)


@require_POST
def plan_close(request, pk):
    _require_write(request)
    plan = _plan(request, pk)
    try:
        plan_services.plan_close(actor=request.user, plan=plan, outcome=request.POST.get("outcome", ""))
        messages.success(request, _("The plan is closed."))
    except RuleViolation as error:
        _errors(request, error)
    return redirect("households:plan_detail", pk=pk)
