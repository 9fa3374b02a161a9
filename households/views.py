"""The dossier page (一户一档): composed from the rooms (the file, its applications) and
the sections other parts and apps register in ``households.sections``."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from households import access
from households.dossier import selectors, services
from households.models import Household
from households.procedure import selectors as procedure_selectors
from households.sections import sections_for
from jiuzhu import audit
from jiuzhu.models import AuditEvent

# Dossiers whose opening this session has audited already (the last ones, by id).
VIEWED_SESSION_KEY = "jiuzhu_dossiers_viewed"
VIEWED_REMEMBERED = 200


def audit_dossier_view(request: HttpRequest, household: Household) -> None:
    """Log the opening of a dossier (its personal data in full): once per household per
    session, so reloads and returns to the page do not flood the trail (one INSERT at most)."""
    viewed = request.session.get(VIEWED_SESSION_KEY, [])
    if household.pk in viewed:
        return
    audit.record_view(actor=request.user, instance=household, what=_("Dossier opened"), request=request)
    request.session[VIEWED_SESSION_KEY] = [*viewed, household.pk][-VIEWED_REMEMBERED:]


def household_detail(request, pk: int):
    try:
        household = selectors.household_dossier(user=request.user, pk=pk)
    except Household.DoesNotExist as error:
        raise Http404 from error
    audit_dossier_view(request, household)
    applications = procedure_selectors.household_applications(
        user=request.user, household_id=household.pk, today=timezone.localdate()
    )
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": list(household.members.all()),
            "applications": applications,
            "timeline": selectors.timeline(household, applications),
            "completeness": services.completeness_of(household, prefetched=True),
            "audit_events": AuditEvent.objects.for_household(household.pk)[:50],
            "sections": sections_for(household=household, user=request.user),
            "can_edit": selectors.can_edit(request.user, household),
            "may_set_status": selectors.can_edit(request.user, household) and (access.may_set_status(request.user)),
            # Links to the review and procedure pages, for the roles those pages let in.
            "may_report_change": access.may_report_change(request.user),
            "may_apply": access.may_draft_application(request.user),
        },
    )
