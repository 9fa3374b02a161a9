"""Area scope: the one function every queryset of area-owned data is filtered through.

A caseworker and a township officer see their township, county users their county
(the unit that runs the township, which for some townships is a functional zone),
city users the whole city, administrators everything. Finance users see only what
the finance pages need (staffing and transfers); each model says which roles may see
it at all. Explicit exceptions (a household shared with a caseworker elsewhere) are
django-guardian grants, passed in as a subquery of granted primary keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from jiuzhu.models import AreaLevel, Role

NOTHING = Q(pk__in=[])


def area_q(user, *, township: str | None = "township", county: str = "county", roles: Iterable[str] | None = None) -> Q:
    """A filter limiting rows to the user's area.

    ``township`` and ``county`` name the row's township and county-level foreign keys
    (a lookup path such as ``household__township``). A model owned by a county only
    passes ``township=None``; township users then see nothing of it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.ADMIN:
        return Q()
    if roles is not None and user.role not in set(roles):
        return NOTHING
    area = user.area
    if area is None:
        return NOTHING
    if area.level == AreaLevel.CITY:
        return Q(**{f"{county}__city_id": area.pk})
    if area.level == AreaLevel.COUNTY:
        return Q(**{f"{county}_id": area.pk})
    if area.level == AreaLevel.TOWNSHIP and township:
        return Q(**{f"{township}_id": area.pk})
    return NOTHING


def scoped(
    queryset: QuerySet,
    user,
    *,
    township: str | None = "township",
    county: str = "county",
    roles: Iterable[str] | None = None,
    granted: QuerySet | None = None,
    granted_field: str = "pk",
) -> QuerySet:
    """Filter ``queryset`` to the user's area, plus the rows granted to them explicitly.

    ``granted`` is a list (or values-list queryset) of granted keys.
    """
    condition = area_q(user, township=township, county=county, roles=roles)
    if not condition:
        # Unrestricted (administrators). An empty Q must not be OR-ed: Q() | Q(x) is Q(x).
        return queryset.all()
    if granted is not None and getattr(user, "is_authenticated", False):
        # The grants are fetched as a (short) list: an OR with a subquery would stop
        # PostgreSQL from using the area index and scan the whole table.
        granted_ids = list(granted)
        if granted_ids:
            condition |= Q(**{f"{granted_field}__in": granted_ids})
    return queryset.filter(condition)


def county_or_citywide_q(user, *, county: str, citywide: Q) -> Q | None:
    """For rows a county owns or the city sets for all (policy rows, calendar overrides): a
    county user sees its own and the city-wide ones, the city all of its counties', an
    administrator everything (``Q()``); ``None`` for anyone else (township users)."""
    if user.is_superuser or user.role == Role.ADMIN:
        return Q()
    area = user.area
    if area is None:
        return None
    if area.level == AreaLevel.CITY:
        return citywide | Q(**{f"{county}__city": area})
    if area.level == AreaLevel.COUNTY:
        return citywide | Q(**{county: area})
    return None


def user_can_see_area(user, area) -> bool:
    """Whether an area (township or county) lies inside the user's scope."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    own = user.area
    if own is None or area is None:
        return False
    if own.level == AreaLevel.CITY:
        return area.pk == own.pk or area.city_id == own.pk
    if own.level == AreaLevel.COUNTY:
        return area.pk == own.pk or area.county_id == own.pk
    if own.level == AreaLevel.TOWNSHIP:
        return area.pk == own.pk or area.township_id == own.pk
    return False
