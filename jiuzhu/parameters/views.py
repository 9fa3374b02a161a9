"""Policy parameter pages: the list a county or the city reads, the forms the city writes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditEvent, PolicyParameters
from jiuzhu.parameters import selectors, services
from jiuzhu.parameters.forms import PolicyRowForm

PAGE_SIZE = 25


def _apply(form, error: RuleViolation) -> None:
    field = error.field if error.field in form.fields else None
    for message in error.messages():
        form.add_error(field, message)


def policy_list(request):
    if not selectors.may_read(request.user):
        raise PermissionDenied
    page = Paginator(selectors.policy_rows(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parameters/policy_list.html",
        {"page_obj": page, "rows": page.object_list, "may_write": selectors.may_write(request.user)},
    )


def policy_create(request):
    if not selectors.may_write(request.user):
        raise PermissionDenied
    year = timezone.localdate().year
    # A new row starts as a copy of the city's row in force: a county changes what it makes stricter.
    initial = {"year": year, **PolicyParameters.initial_from_city(year)}
    form = PolicyRowForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.policy_create(
                actor=request.user, area=form.cleaned_data["area"], year=form.cleaned_data["year"], **form.changes()
            )
        except RuleViolation as error:
            _apply(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("parameters:policy_edit", pk=row.pk)
    return render(request, "parameters/policy_form.html", {"form": form, "row": None})


def policy_edit(request, pk: int):
    try:
        row = selectors.policy_rows(user=request.user).get(pk=pk)
    except PolicyParameters.DoesNotExist as error:
        raise Http404 from error
    writable = selectors.may_write(request.user)
    if request.method == "POST" and not writable:
        raise PermissionDenied
    form = PolicyRowForm(request.POST or None, instance=row, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user, row=row, expected_version=form.cleaned_data.get("version"), **form.changes()
            )
        except RuleViolation as error:
            _apply(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("parameters:policy_edit", pk=row.pk)
    if not writable:
        for field in form.fields.values():
            field.disabled = True
    events = AuditEvent.objects.for_object(row)[:30]
    return render(
        request,
        "parameters/policy_form.html",
        {"form": form, "row": row, "may_write": writable, "audit_events": events},
    )
