"""The dashboard as a whole: the panels a user sees, computed (or cached) for a scope.

Caching: the city and county views are the costly ones (a GROUP BY over every household
of the city or county per panel: ~12 s and ~6 s at a million households), so they are
cached under a key of area, period, today's date, the panels and the language, and served
stale-while-revalidate:

- younger than ``settings.DASHBOARD_CACHE_SECONDS`` (default 300; 0 turns caching off):
  served as it is;
- older, up to ``settings.DASHBOARD_CACHE_MAX_AGE`` (default 26 hours): served at once,
  with the time it was computed shown, while a Celery task recomputes it (one at a time
  per key), so no user waits for a full computation after the first;
- missing: computed in the request.

Township views are cheap (a few thousand households, indexed) and always live.
``dashboards.cache.invalidate_dashboards()`` drops every cached view at once (a version number in the key):
the nightly review calls it after its transaction commits, then ``warm_dashboards``
computes the city and county views of the default period, so the morning's first visit is
fast too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import get_language

from dashboards import cache
from dashboards.panels import Panel, PanelData, panels_for
from dashboards.scope import DashboardScope, Period
from dashboards.tasks import refresh_dashboard


@dataclass
class ComputedPanel:
    panel: Panel
    data: PanelData

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str:
        return str(self.panel.title)

    def as_dict(self) -> dict:
        return {"key": self.panel.key, "title": self.title, "kind": self.panel.kind, **self.data.as_dict()}


@dataclass
class Dashboard:
    """The panels of one view, and when they were computed (None: just now, not cached)."""

    panels: list[ComputedPanel]
    computed_at: datetime.datetime | None = None
    refreshing: bool = field(default=False)


def dashboard(*, scope: DashboardScope, period: Period, only: str | None = None) -> Dashboard:
    """The panels the user may see (or just ``only``), each computed by its one query."""
    panels = [p for p in panels_for(scope.user) if only is None or p.key == only]
    if only is not None or not cache.is_cached(scope, panels):
        # An export of one panel is computed live: a single query, and exact.
        return Dashboard([ComputedPanel(p, p.compute(scope=scope, period=period)) for p in panels])
    key = cache.cache_key(scope, period, panels)
    entry = cache.get_entry(key)
    refreshing = False
    if entry is None:
        entry = cache.compute_and_store(scope, period, panels)
    elif cache.is_stale(entry):
        refreshing = True
        # One refresh at a time per view: the lock expires if a worker dies mid-way.
        if cache.claim_refresh(key):
            refresh_dashboard.delay(
                user_id=scope.user.pk,
                area_id=scope.area.pk,
                start=period.start.isoformat(),
                end=period.end.isoformat(),
                today=scope.today.isoformat(),
                language=get_language(),
            )
    return Dashboard([ComputedPanel(p, entry.data[p.key]) for p in panels], entry.computed_at, refreshing)
