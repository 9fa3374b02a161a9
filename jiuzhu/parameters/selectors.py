"""Who sees which policy rows: the city (and the administrator) every row, a county user its
county's rows and the city's, which its county follows where it has none of its own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.models import AreaLevel, PolicyParameters, Role
from jiuzhu.scope import county_or_citywide_q

READ_ROLES = frozenset({Role.COUNTY_CIVIL, Role.CITY_CIVIL, Role.COUNTY_FINANCE, Role.CITY_FINANCE, Role.ADMIN})
WRITE_ROLES = frozenset({Role.CITY_CIVIL, Role.ADMIN})


def may_read(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in READ_ROLES))


def may_write(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in WRITE_ROLES))


def policy_rows(*, user) -> QuerySet[PolicyParameters]:
    """The rows ``user`` may read, newest year first, their area selected (the list shows it)."""
    rows = PolicyParameters.objects.select_related("area").order_by("-year", "area__code")
    if not may_read(user):
        return rows.none()
    condition = county_or_citywide_q(user, county="area", citywide=Q(area__level=AreaLevel.CITY))
    return rows.none() if condition is None else rows.filter(condition)
