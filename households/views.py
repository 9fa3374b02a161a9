"""The dossier page (一户一档), its print and its audit trail: composed from the rooms (the
file, its applications) and the sections other parts and apps register in
``households.sections``."""

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
from jiuzhu import audit, audit_display
from jiuzhu.pagination import IdsFirstPaginator

# Dossiers whose opening this session has audited already (the last ones, by id).
VIEWED_SESSION_KEY = "jiuzhu_dossiers_viewed"
VIEWED_REMEMBERED = 200
RECENT_CHANGES = 5  # the dossier shows these; the rest are on the household's audit page
AUDIT_PAGE_SIZE = 50
PRINTED_AUDIT_LIMIT = 500  # a print asked with ?audit=1 holds the latest ones
OMITTED = ("household_id",)  # a household's trail need not say which household


def audit_dossier_view(request: HttpRequest, household: Household, what: str | None = None) -> None:
    """Log the opening of a dossier (its personal data in full): once per household per
    session, so reloads and returns to the page do not flood the trail (one INSERT at most)."""
    viewed = request.session.get(VIEWED_SESSION_KEY, [])
    if household.pk in viewed:
        return
    audit.record_view(actor=request.user, instance=household, what=what or _("Dossier opened"), request=request)
    request.session[VIEWED_SESSION_KEY] = [*viewed, household.pk][-VIEWED_REMEMBERED:]


def _household(request, pk: int) -> Household:
    try:
        return selectors.household_dossier(user=request.user, pk=pk)
    except Household.DoesNotExist as error:
        raise Http404 from error


def _dossier(request, pk: int, *, printing: bool):
    household = _household(request, pk)
    audit_dossier_view(request, household)
    applications = procedure_selectors.household_applications(
        user=request.user, household_id=household.pk, today=timezone.localdate()
    )
    sections = sections_for(household=household, user=request.user)
    show_audit = printing and request.GET.get("audit") == "1"
    if not printing:
        events = audit_display.events_for_household(household.pk, changes_only=True)[:RECENT_CHANGES]
    elif show_audit:
        events = audit_display.events_for_household(household.pk)[:PRINTED_AUDIT_LIMIT]
    else:
        events = []
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": list(household.members.all()),
            "applications": applications,
            "timeline": selectors.timeline(household, applications, sections, created_by=selectors.creators(household)),
            "completeness": services.completeness_of(household, prefetched=True),
            "audit_rows": audit_display.readable(events, omit=OMITTED),
            "sections": sections,
            "printing": printing,
            "show_audit": show_audit,
            "printed_on": timezone.localdate(),
            "can_edit": selectors.can_edit(request.user, household),
            "may_set_status": selectors.can_edit(request.user, household) and (access.may_set_status(request.user)),
            # Links to the review and procedure pages, for the roles those pages let in.
            "may_report_change": access.may_report_change(request.user),
            "may_apply": access.may_draft_application(request.user),
        },
    )


def household_detail(request, pk: int):
    return _dossier(request, pk, printing=False)


def household_print(request, pk: int):
    """The paper file: the dossier's sections in its order, the signature blocks a township
    keeps, page numbers (static/css/print.css); the audit trail only with ``?audit=1``."""
    return _dossier(request, pk, printing=True)


def household_audit(request, pk: int):
    """Every event of the household's file, newest first, paged; who may open the dossier may read it."""
    try:
        household = Household.objects.in_scope(request.user).select_related("head").get(pk=pk)
    except Household.DoesNotExist as error:
        raise Http404 from error
    page = IdsFirstPaginator(audit_display.events_for_household(household.pk), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "households/household_audit.html",
        {
            "household": household,
            "page_obj": page,
            "audit_rows": audit_display.readable(page.object_list, omit=OMITTED),
        },
    )
