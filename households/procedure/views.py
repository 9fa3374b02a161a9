"""Pages of the application procedure. Thin: selectors read, forms validate, services act.

Every page fetches the application through the user's scope first (another area: 404),
then checks the role for the step (wrong role: 403).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from households import access
from households.models import Application, ApplicationStatus, Category, WorkdayOverride
from households.procedure import selectors, services
from households.procedure.forms import STEP_FORMS, ApplicationCreateForm, WithdrawForm, WorkdayOverrideForm
from households.procedure.services import facts_of, role_of
from households.rules import mask_name
from households.rules import procedure as proc
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditEvent


def _apply_violation(form, error: RuleViolation) -> None:
    field = error.field if error.field in form.fields else None
    for message in error.messages():
        form.add_error(field, message)


def _get(request, pk: int) -> Application:
    try:
        return selectors.application_detail(user=request.user, pk=pk)
    except Application.DoesNotExist as error:
        raise Http404 from error


def application_list(request):
    status = request.GET.get("status") or None
    if status not in ApplicationStatus.values:
        status = None
    page = Paginator(selectors.application_list(user=request.user, status=status), 25).get_page(request.GET.get("page"))
    rows = selectors.attach_deadlines(page.object_list, today=timezone.localdate())
    return render(
        request,
        "households/procedure/application_list.html",
        {
            "page_obj": page,
            "applications": rows,
            "statuses": ApplicationStatus.choices,
            "status": status,
            "may_create": access.may_draft_application(request.user),
        },
    )


def applications_due(request):
    today = timezone.localdate()
    rows = selectors.applications_due(user=request.user, today=today)
    flagged = selectors.attach_deadlines(selectors.flagged_urgent(user=request.user), today=today)
    return render(
        request,
        "households/procedure/applications_due.html",
        {"applications": rows, "flagged": flagged, "today": today, "overdue_count": sum(1 for a in rows if a.overdue)},
    )


def application_create(request):
    if not access.may_draft_application(request.user):
        raise PermissionDenied
    form = ApplicationCreateForm(
        request.POST or None, user=request.user, initial={"household": request.GET.get("household")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            app = form.perform(request.user)
        except RuleViolation as error:
            _apply_violation(form, error)
        else:
            messages.success(request, _("The application was drafted."))
            return redirect("households:application_detail", app.pk)
    return render(request, "households/procedure/application_form.html", {"form": form})


def _available_steps(user, app: Application) -> list[tuple[str, str]]:
    """The steps this user may take on the application now: (url action, rules action)."""
    role = role_of(user)
    facts = facts_of(app, unresolved_objections=sum(1 for o in app.objections.all() if o.resolved_on is None))
    steps = []
    for slug, (action, _form) in STEP_FORMS.items():
        if not proc.role_may(action, role):
            continue
        if action == proc.DECIDE and role == proc.TOWNSHIP_OFFICER and app.category != proc.TEMPORARY:
            continue  # the township decides only small temporary aid, on the county's behalf
        if action == proc.CLOSE_NOTICE:  # shown while objections are open, to say why it cannot close
            ok = not proc.transition_reasons(action, replace(facts, unresolved_objections=0))
        else:
            ok = not proc.transition_reasons(action, facts)
        if ok:
            steps.append((slug, action))
    return steps


STEP_TITLES = {
    "submit": gettext_lazy("Submit the application"),
    "start-investigation": gettext_lazy("Start the township investigation"),
    "record-investigation": gettext_lazy("Record the investigation"),
    "mark-urgent": gettext_lazy("Mark urgent (help first)"),
    "start-notice": gettext_lazy("Start the public notice"),
    "record-objection": gettext_lazy("Record an objection or its resolution"),
    "close-notice": gettext_lazy("Close the notice and forward to the county"),
    "decide": gettext_lazy("Decide"),
    "deliver": gettext_lazy("Record delivery of the notice"),
}


def _detail_context(request, app: Application, bound: dict | None = None) -> dict:
    selectors.attach_deadlines([app], today=timezone.localdate())
    forms = []
    for slug, _action in _available_steps(request.user, app):
        form_class = STEP_FORMS[slug][1]
        form = bound[slug] if bound and slug in bound else form_class(application=app, prefix=slug)
        forms.append({"slug": slug, "title": STEP_TITLES[slug], "form": form})
    return {"application": app, "step_forms": forms, "events": app.events.all(), "objections": app.objections.all()}


def application_detail(request, pk: int):
    app = _get(request, pk)
    return render(request, "households/procedure/application_detail.html", _detail_context(request, app))


@require_POST
def application_step(request, pk: int, step: str):
    if step not in STEP_FORMS:
        raise Http404
    app = _get(request, pk)
    action, form_class = STEP_FORMS[step]
    if not proc.role_may(action, role_of(request.user)):
        raise PermissionDenied
    form = form_class(request.POST, application=app, prefix=step)
    if form.is_valid():
        try:
            form.perform(request.user)
        except RuleViolation as error:
            _apply_violation(form, error)
        else:
            messages.success(request, _("Saved: %(step)s.") % {"step": STEP_TITLES[step]})
            return redirect("households:application_detail", app.pk)
    app = _get(request, pk)
    context = _detail_context(request, app, bound={step: form})
    if step not in {f["slug"] for f in context["step_forms"]}:
        context["step_forms"].insert(0, {"slug": step, "title": STEP_TITLES[step], "form": form})
    return render(request, "households/procedure/application_detail.html", context, status=400)


PRINTS = {
    "notice": ("households/procedure/print_notice.html", None),
    "decision": ("households/procedure/print_decision.html", ApplicationStatus.APPROVED),
    "refusal": ("households/procedure/print_refusal.html", ApplicationStatus.REJECTED),
}


def application_print(request, pk: int, kind: str):
    """Print-ready documents: the public-notice sheet (names masked, no ID numbers), the
    decision notice and the refusal notice with its reasons."""
    if kind not in PRINTS:
        raise Http404
    app = _get(request, pk)
    template, status = PRINTS[kind]
    if status is not None and app.status != status:
        raise Http404
    if kind == "notice" and app.notice_start is None:
        raise Http404
    head = app.household.head
    return render(
        request,
        template,
        {
            "application": app,
            "household": app.household,
            "masked_head": mask_name(head.name) if head else "",
            "category_label": Category(app.approved_category or app.category).label,
            "one_off": proc.is_one_off(app.approved_category or app.category),
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------- working-day overrides


def workday_list(request):
    if not access.may(request.user, access.Action.READ_CALENDAR):
        raise PermissionDenied
    page = Paginator(selectors.workday_overrides(user=request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "households/procedure/workday_list.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "may_edit": access.may(request.user, access.Action.EDIT_CALENDAR),
        },
    )


def workday_create(request):
    if not access.may(request.user, access.Action.EDIT_CALENDAR):
        raise PermissionDenied
    form = WorkdayOverrideForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.workday_override_create(
                actor=request.user,
                day=data["date"],
                county=data["area"],
                is_workday=data["is_workday"],
                note=data["note"],
            )
        except RuleViolation as error:
            _apply_violation(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:workday_list")
    return render(request, "households/procedure/workday_form.html", {"form": form, "row": None})


def _override(request, pk: int):
    try:
        return selectors.workday_overrides(user=request.user).get(pk=pk)
    except WorkdayOverride.DoesNotExist as error:
        raise Http404 from error


def workday_edit(request, pk: int):
    row = _override(request, pk)
    if not access.may(request.user, access.Action.EDIT_CALENDAR):
        raise PermissionDenied
    form = WorkdayOverrideForm(request.POST or None, user=request.user, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.workday_override_update(
                actor=request.user,
                row=row,
                expected_version=form.cleaned_data.get("version"),
                is_workday=form.cleaned_data["is_workday"],
                note=form.cleaned_data["note"],
            )
        except RuleViolation as error:
            _apply_violation(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:workday_list")
    return _edit_page(request, row, form, WithdrawForm(initial={"version": row.version}))


def _edit_page(request, row, form, withdraw_form):
    return render(
        request,
        "households/procedure/workday_form.html",
        {
            "form": form,
            "withdraw_form": withdraw_form,
            "row": row,
            "audit_events": AuditEvent.objects.for_object(row)[:30],
        },
    )


@require_POST
def workday_withdraw(request, pk: int):
    row = _override(request, pk)
    if not access.may(request.user, access.Action.EDIT_CALENDAR):
        raise PermissionDenied
    withdraw_form = WithdrawForm(request.POST)
    if withdraw_form.is_valid():
        try:
            services.workday_override_withdraw(
                actor=request.user,
                row=row,
                expected_version=withdraw_form.cleaned_data.get("version"),
                reason=withdraw_form.cleaned_data["reason"],
            )
        except RuleViolation as error:
            _apply_violation(withdraw_form, error)
        else:
            messages.success(request, _("The override was withdrawn."))
            return redirect("households:workday_list")
    form = WorkdayOverrideForm(user=request.user, instance=row)
    return _edit_page(request, row, form, withdraw_form)
