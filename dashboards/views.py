from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dashboards import selectors
from dashboards.exports import XLSX_TYPE, dashboard_xlsx, panel_xlsx
from dashboards.panels import get_panel
from dashboards.scope import DashboardScope, Period, PeriodError, parse_period
from jiuzhu import audit
from jiuzhu.models import AuditAction

WHOLE_VIEW = "all"  # ?export=all: the view's every panel, a sheet each


def index(request):
    scope = DashboardScope.for_request(request.user, request.GET.get("area"))
    period_errors = {}
    try:
        period = parse_period(request.GET, today=scope.today)
    except PeriodError as error:
        period_errors = error.errors
        period = Period.default(scope.today)
    export = request.GET.get("export")
    if export:
        return _export(request, scope, period, export)
    shown = selectors.dashboard(scope=scope, period=period)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "period_errors": period_errors,
            "panels": shown.panels,
            "computed_at": shown.computed_at,
            "refreshing": shown.refreshing,
            "breadcrumbs": scope.breadcrumbs(),
            "form_values": {
                "from": request.GET.get("from") or period.start.isoformat(),
                "to": request.GET.get("to") or period.end.isoformat(),
            },
            "query": {"area": scope.area.pk, **period.as_params()},
        },
    )


def _export(request, scope, period, key):
    if key == WHOLE_VIEW:
        return _export_view(request, scope, period)
    panel = get_panel(key)
    if panel is None or not panel.visible_to(request.user):
        raise Http404(_("No such panel."))
    (computed,) = selectors.dashboard(scope=scope, period=period, only=key).panels
    content = panel_xlsx(computed, scope=scope, period=period)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="dashboards.panel",
        target_id=key,
        area_code=scope.area.code,
        request=request,
        summary=f"{computed.title} · {scope.area.name} · {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}",
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"dashboard-{key}-{scope.area.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_view(request, scope, period):
    """The panels the page shows, with the same figures (the same cached view), one workbook."""
    shown = selectors.dashboard(scope=scope, period=period)
    content = dashboard_xlsx(shown.panels, scope=scope, period=period)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="dashboards.view",
        target_id=WHOLE_VIEW,
        area_code=scope.area.code,
        request=request,
        summary=f"{len(shown.panels)} · {scope.area.name} · {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}",
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"dashboard-{scope.area.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
