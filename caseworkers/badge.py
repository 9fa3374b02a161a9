"""The menu's task badge, cached per user and invalidated by the writes that change it.

The badge is on every page, and its count (``mytasks.task_count``: one aggregate over every
task source) cost 34–43 ms of SQL at scale. It is kept in the cache with the version it was
counted at: the day, the window, the user's role and area, and two stamps, the township's
(moved by any write to a task source of a household of that township, once it has
committed) and the city's (moved by the nightly review pass, which inserts tasks in SQL,
and by any write whose township cannot be told). One ``get_many`` reads the count and both
stamps: a page view costs no query while nothing changed.

The stamps are read BEFORE counting: a write that commits while the count runs moves its
stamp past the version stored with the count, so the next page view counts again. A write
that bypasses both the model signals and ``save_versioned`` (a raw UPDATE) is seen at the
latest after ``BADGE_SECONDS``.
"""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from caseworkers import mytasks
from caseworkers.models import Referral, ServiceRecord, VolunteerAssignment
from households.models import Application, Plan, PlanAction, ReviewTask, Survey

BADGE_SECONDS = 300
CITY_STAMP = "tasks-stamp:city"

# Every model a counted task source reads, and the path from one of its rows to the
# township whose users' badges it changes.
TOWNSHIP_OF = {
    PlanAction: "plan__household__township_id",
    Plan: "household__township_id",
    Referral: "household__township_id",
    ServiceRecord: "township_id",
    Survey: "household__township_id",
    VolunteerAssignment: "volunteer__township_id",
    ReviewTask: "household__township_id",
    Application: "household__township_id",
}


def _stamp_key(township_id: int | None) -> str:
    return f"tasks-stamp:{township_id}" if township_id else CITY_STAMP


def count(user, today: date | None = None) -> int:
    """The badge's number for ``user``: from the cache while no write changed it."""
    today = today or timezone.localdate()
    key = f"tasks-badge:{user.pk}"
    stamps = [_stamp_key(user.area_id), CITY_STAMP]
    found = cache.get_many([key, *stamps])
    version = (
        today.isoformat(),
        settings.JIUZHU_TASK_BADGE_DAYS,
        user.role,
        user.area_id,
        *(found.get(stamp) for stamp in stamps),
    )
    cached = found.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    number = mytasks.task_count(user, today)
    cache.set(key, (version, number), BADGE_SECONDS)
    return number


def tasks_changed(township_id: int | None) -> None:
    """Every badge of the township (None: of the city) is counted again at its next page view."""
    # A new value, not an increment: a stamp evicted from the cache reads as None, which no
    # stored version holds either.
    cache.set(_stamp_key(township_id), time.time_ns(), None)


def _cached_township(instance) -> tuple[bool, int | None]:
    """(known, township): known when every hop of the path is already loaded."""
    *hops, last = TOWNSHIP_OF[type(instance)].split("__")
    obj = instance
    for hop in hops:
        field = type(obj)._meta.get_field(hop)
        if not field.is_cached(obj):
            return False, None
        obj = getattr(obj, hop)
        if obj is None:
            return True, None
    return True, getattr(obj, last)


def _township_after_commit(model, pk) -> int | None:
    return model._base_manager.filter(pk=pk).values_list(TOWNSHIP_OF[model], flat=True).first()


def source_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a task source: move its township's stamp once committed."""
    known, township = _cached_township(instance)
    if known:
        transaction.on_commit(lambda: tasks_changed(township))
    else:
        model, pk = type(instance), instance.pk
        transaction.on_commit(lambda: tasks_changed(_township_after_commit(model, pk)))


def review_pass_finished(sender, **kwargs) -> None:
    """The nightly pass inserts and escalates review tasks in SQL, in every township."""
    tasks_changed(None)
