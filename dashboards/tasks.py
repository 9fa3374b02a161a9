"""Celery tasks of the dashboards: recompute cached city and county views in the background."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from dashboards import cache
from dashboards.panels import panels_for
from dashboards.scope import DashboardScope, Period

logger = logging.getLogger(__name__)


@shared_task(name="dashboards.refresh_dashboard", acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def refresh_dashboard(*, user_id: int, area_id: int, start: str, end: str, today: str, language: str) -> str | None:
    """Recompute one cached view (the user's panels, area and period) and store it."""
    user = get_user_model().objects.select_related("area").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    with translation.override(language):
        scope = DashboardScope.for_request(user, str(area_id), today=datetime.date.fromisoformat(today))
        period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
        panels = panels_for(user)
        cache.compute_and_store(scope, period, panels)
        return cache.cache_key(scope, period, panels)


@shared_task(name="dashboards.warm_dashboards", acks_late=True, soft_time_limit=30 * 60, time_limit=35 * 60)
def warm_dashboards() -> int:
    """Compute the city and county views of the default period, once per area and distinct
    set of panels (the users' own areas: where their dashboard opens).

    Run after the nightly review has dropped the cache: the users who open their
    dashboard in the morning then read it from the cache instead of waiting for it.
    """
    if cache.cache_seconds() <= 0:
        return 0
    today = timezone.localdate()
    period = Period.default(today)
    users = (
        get_user_model()
        .objects.filter(is_active=True, area__level__in=cache.CACHED_LEVELS)
        .select_related("area")
        .order_by("pk")
    )
    warmed = set()
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            panels = panels_for(user)
            view = (user.area_id, tuple(p.key for p in panels))
            if not panels or view in warmed:
                continue
            warmed.add(view)
            cache.compute_and_store(DashboardScope.for_request(user, today=today), period, panels)
    logger.info("warmed %d dashboard view(s)", len(warmed))
    return len(warmed)
