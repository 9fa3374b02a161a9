"""The dashboard as a whole: the panels a user sees, computed (or cached) for a scope.

Caching: the city view is the costly one (a GROUP BY over every household of the city
per panel) and the one many users open, so it is cached for
``settings.DASHBOARD_CACHE_SECONDS`` (default 300; 0 turns caching off) under a key of
area, period, today's date, the panels and the language. County and township views are
cheap (indexed on county/township) and always live. ``invalidate_dashboards()`` drops
every cached view at once (a version number in the key): the nightly review, and any
bulk change that should show at once, calls it after its transaction commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from dashboards.panels import Panel, PanelData, panels_for
from dashboards.scope import DashboardScope, Period
from jiuzhu.models import AreaLevel

VERSION_KEY = "dashboards:version"


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


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 300))


def invalidate_dashboards() -> None:
    """Forget every cached dashboard (cheap: bumps the version in the cache key)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def dashboard(*, scope: DashboardScope, period: Period, only: str | None = None) -> list[ComputedPanel]:
    """The panels the user may see (or just ``only``), each computed by its one query."""
    panels = [p for p in panels_for(scope.user) if only is None or p.key == only]
    if scope.area.level != AreaLevel.CITY or cache_seconds() <= 0 or not panels:
        return [ComputedPanel(p, p.compute(scope=scope, period=period)) for p in panels]
    keys = [p.key for p in panels]
    # Hashed: the panel list makes the key longer than memcached's 250 characters.
    digest = hashlib.sha256(scope.cache_key(period, keys).encode()).hexdigest()
    key = f"dashboards:{_version()}:{get_language()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = {p.key: p.compute(scope=scope, period=period) for p in panels}
        cache.set(key, found, cache_seconds())
    return [ComputedPanel(p, found[p.key]) for p in panels]
