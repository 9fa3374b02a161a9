"""The dashboards' cache: keys, entries, the refresh lock and the invalidation.

The one place that knows how a computed view is kept. ``selectors`` (which serves views)
and ``tasks`` (which recomputes them in a worker) both use it and neither imports the
other's internals, so a worker's refresh and the nightly invalidation land where the web
process reads: the cache is shared by every process (Redis, or a file cache under
``var/``; see ``CACHES`` in jiuzhu/settings.py), never one process's own memory.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from jiuzhu.models import AreaLevel

if TYPE_CHECKING:
    from dashboards.panels import Panel
    from dashboards.scope import DashboardScope, Period

VERSION_KEY = "dashboards:version"
CACHED_LEVELS = (AreaLevel.CITY, AreaLevel.COUNTY)
# A refresh that has not stored its result by then is taken for lost (its worker died).
REFRESH_LOCK_SECONDS = 15 * 60


@dataclass
class Entry:
    """One computed view: its panels' data and when they were computed."""

    computed_at: datetime.datetime
    data: dict


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 300))


def cache_max_age() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_MAX_AGE", 26 * 3600))


def is_cached(scope: DashboardScope, panels: list[Panel]) -> bool:
    """Whether this view is served from the cache (city and county views, caching on)."""
    return scope.area.level in CACHED_LEVELS and cache_seconds() > 0 and bool(panels)


def invalidate_dashboards() -> None:
    """Forget every cached dashboard (cheap: bumps the version in the cache key)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def cache_key(scope: DashboardScope, period: Period, panels: list[Panel]) -> str:
    # Hashed: the panel list makes the key longer than memcached's 250 characters.
    digest = hashlib.sha256(scope.cache_key(period, [p.key for p in panels]).encode()).hexdigest()
    return f"dashboards:{_version()}:{get_language()}:{digest}"


def get_entry(key: str) -> Entry | None:
    entry = cache.get(key)
    return entry if isinstance(entry, Entry) else None


def is_stale(entry: Entry) -> bool:
    return (timezone.now() - entry.computed_at).total_seconds() > cache_seconds()


def claim_refresh(key: str) -> bool:
    """Take the view's refresh lock: True for the one caller that should queue the refresh."""
    return cache.add(key + ":refreshing", 1, timeout=REFRESH_LOCK_SECONDS)


def compute_and_store(scope: DashboardScope, period: Period, panels: list[Panel]) -> Entry:
    """Compute every panel (one query each) and keep the result for later visitors."""
    entry = Entry(timezone.now(), {p.key: p.compute(scope=scope, period=period) for p in panels})
    key = cache_key(scope, period, panels)
    cache.set(key, entry, cache_max_age())
    cache.delete(key + ":refreshing")
    return entry
