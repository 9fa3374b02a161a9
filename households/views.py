from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from households import selectors
from households.models import Household
from jiuzhu.models import AuditEvent


def household_list(request):
    page = Paginator(selectors.household_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "households/household_list.html", {"page_obj": page, "households": page.object_list})


def household_detail(request, pk: int):
    try:
        household = selectors.household_dossier(user=request.user, pk=pk)
    except Household.DoesNotExist as error:
        raise Http404 from error
    audit_events = AuditEvent.objects.for_household(household.pk)[:50]
    return render(request, "households/household_detail.html", {"household": household, "audit_events": audit_events})
