"""Pages of the dynamic review: my review tasks, recording a review, the township officer's
confirmation queue, change reports, the run log. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from households import access
from households.models import Household, RecordDecision, ReviewRecord, ReviewStatus, ReviewTask
from households.review import selectors, services
from households.review.forms import ChangeReportForm, DecisionForm, ReviewRecordForm
from jiuzhu.errors import RuleViolation

PAGE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE).get_page(request.GET.get("page"))


def _apply_violation(form, error: RuleViolation) -> None:
    field = error.field if error.field in form.fields else None
    for message in error.messages():
        form.add_error(field, message)


def review_task_list(request):
    today = timezone.localdate()
    page = _page(request, selectors.open_review_tasks(user=request.user, today=today))
    return render(
        request, "households/review/task_list.html", {"page_obj": page, "tasks": page.object_list, "today": today}
    )


def review_task_detail(request, pk: int):
    try:
        task = selectors.review_task(user=request.user, pk=pk)
    except ReviewTask.DoesNotExist as error:
        raise Http404 from error
    can_record = task.status == ReviewStatus.OPEN and access.may_record_review(request.user)
    form = None
    if request.method == "POST":
        if not access.may_record_review(request.user):
            raise PermissionDenied
        form = ReviewRecordForm(request.POST, household=task.household)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_record(
                    actor=request.user,
                    task=task,
                    visited_on=data["visited_on"],
                    outcome=data["outcome"],
                    verification=data["verification"],
                    enrolment=data["enrolment"],
                    exit_reason=data["exit_reason"],
                    proposed_category=data["proposed_category"],
                    proposed_amount=data["proposed_amount"],
                    note=data["note"],
                    expected_version=data["version"],
                )
            except RuleViolation as error:
                _apply_violation(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("households:review_task_list")
    elif can_record:
        form = ReviewRecordForm(
            household=task.household,
            initial={
                "visited_on": timezone.localdate(),
                "version": task.version,
                "proposed_category": task.suggested_category,
                "outcome": task.suggested_outcome or None,
            },
        )
    records = list(task.records.all())
    # The officer decides here too (the queue is the other way in): the record awaiting a decision.
    pending = None
    if task.status == ReviewStatus.RECORDED and access.may_confirm_review(request.user):
        pending = next((r for r in records if r.decision == RecordDecision.PENDING), None)
    return render(
        request,
        "households/review/task_detail.html",
        {"task": task, "records": records, "pending": pending, "form": form if can_record or form else None},
    )


def review_confirm_queue(request):
    if not access.may_confirm_review(request.user):
        raise PermissionDenied
    page = _page(request, selectors.confirmation_queue(user=request.user))
    escalated = selectors.escalated_tasks(user=request.user)[:50]
    return render(
        request,
        "households/review/confirm_queue.html",
        {"page_obj": page, "records": page.object_list, "escalated": escalated, "form": DecisionForm()},
    )


@require_POST
def review_decide(request, pk: int):
    try:
        record = selectors.review_records(user=request.user).get(pk=pk)
    except ReviewRecord.DoesNotExist as error:
        raise Http404 from error
    if not access.may_confirm_review(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.review_decide(
                actor=request.user,
                record=record,
                confirm=form.cleaned_data["confirm"],
                note=form.cleaned_data["decision_note"],
            )
        except RuleViolation as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(request, _("Decision saved."))
    else:
        messages.error(request, _("Choose confirm or send back."))
    return redirect("households:review_confirm_queue")


def change_report_list(request):
    page = _page(request, selectors.change_reports(user=request.user))
    return render(request, "households/review/change_report_list.html", {"page_obj": page, "reports": page.object_list})


def change_report_create(request):
    if not access.may_report_change(request.user):
        raise PermissionDenied
    households = Household.objects.in_scope(request.user)
    if request.method == "POST":
        form = ChangeReportForm(request.POST, households=households)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_report_create(
                    actor=request.user,
                    household=data["dossier_no"],
                    kind=data["kind"],
                    date=data["date"],
                    source=data["source"],
                    description=data["description"],
                )
            except RuleViolation as error:
                _apply_violation(form, error)
            else:
                messages.success(request, _("Change reported; the household is on the review list."))
                # Back to the file it was reported on: the report shows there, with the review task.
                return redirect("households:detail", pk=data["dossier_no"].pk)
    else:
        initial = {"date": timezone.localdate()}
        household_id = request.GET.get("household")
        if household_id and household_id.isdigit():
            initial["dossier_no"] = (
                households.filter(pk=household_id).values_list("dossier_no", flat=True).first() or ""
            )
        form = ChangeReportForm(households=households, initial=initial)
    return render(request, "households/review/change_report_form.html", {"form": form})


def review_run_list(request):
    if not access.may_see_review_runs(request.user):
        raise PermissionDenied
    page = _page(request, selectors.review_runs(user=request.user))
    return render(request, "households/review/run_list.html", {"page_obj": page, "runs": page.object_list})
