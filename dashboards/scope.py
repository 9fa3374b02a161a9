"""Which area a dashboard shows, to whom, and for which period.

A dashboard always shows one area (the city, a county-level unit or a township) broken
down by the next level: the city per county-level unit (functional zones included), a
county per township it *runs*, a township per village. The area defaults to the user's
own; ``?area=<id>`` drills down inside it, and an area outside the user's scope is a 404
(never a 403, so the existence of other areas' figures is not revealed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiuzhu.models import Area, AreaLevel, Role

CHILD_LEVEL = {
    AreaLevel.CITY: AreaLevel.COUNTY,
    AreaLevel.COUNTY: AreaLevel.TOWNSHIP,
    AreaLevel.TOWNSHIP: AreaLevel.VILLAGE,
}
# The household field holding the child area of each level (Household keeps its
# county, township and village on the row, so grouping needs no join).
GROUP_FIELD = {AreaLevel.CITY: "county", AreaLevel.COUNTY: "township", AreaLevel.TOWNSHIP: "village"}
DASHBOARD_LEVELS = (AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP)
MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Period:
        """This year to date."""
        today = today or timezone.localdate()
        return cls(today.replace(month=1, day=1), today)

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        first = self.start.replace(day=1)
        found = []
        while first <= self.end:
            found.append(first)
            first = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return found

    def as_params(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


class PeriodError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def parse_period(params, today: datetime.date | None = None) -> Period:
    """``from``/``to`` (YYYY-MM-DD) from query parameters; missing ones default to this
    year to date. Raises PeriodError with Chinese messages keyed by parameter."""
    default = Period.default(today)
    errors: dict[str, str] = {}
    values = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (params.get(name) or "").strip()
        if not raw:
            values[name] = fallback
            continue
        try:
            values[name] = datetime.date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Enter a date such as 2026-01-31.")
    if not errors and values["from"] > values["to"]:
        errors["to"] = _("The end date must not be before the start date.")
    if not errors and (values["to"] - values["from"]).days > MAX_PERIOD_DAYS:
        errors["to"] = _("The period may be at most five years.")
    if errors:
        raise PeriodError(errors)
    return Period(values["from"], values["to"])


def home_area(user) -> Area | None:
    """The area a user's dashboard opens on: their own, or the city for administrators."""
    if user.is_superuser or user.role == Role.ADMIN:
        return (
            user.area
            if user.area and user.area.level in DASHBOARD_LEVELS
            else (Area.objects.filter(level=AreaLevel.CITY).order_by("code").first())
        )
    area = user.area
    if area is None or area.level not in DASHBOARD_LEVELS:
        return None
    return area


@dataclass
class DashboardScope:
    """One user's view of one area. Panels filter through ``household_q`` and group by
    ``group_field``; ``children`` are the rows of every table (loaded once, shared)."""

    user: object
    area: Area
    today: datetime.date = field(default_factory=timezone.localdate)

    @classmethod
    def for_request(cls, user, area_id: str | None = None, today: datetime.date | None = None) -> DashboardScope:
        home = home_area(user)
        if home is None:
            raise Http404(_("You have no area to show a dashboard for."))
        area = home
        if area_id not in (None, ""):
            try:
                pk = int(area_id)
            except (TypeError, ValueError) as error:
                raise Http404 from error
            if pk != home.pk:
                area = (
                    Area.objects.visible_to(user)
                    .filter(pk=pk, level__in=DASHBOARD_LEVELS)
                    .select_related("parent", "county", "city")
                    .first()
                )
                if area is None:
                    raise Http404(_("No such area in your scope."))
        return cls(user=user, area=area, today=today or timezone.localdate())

    @property
    def level(self) -> str:
        return self.area.level

    @property
    def child_level(self) -> str:
        return CHILD_LEVEL[self.area.level]

    def group_field(self, prefix: str = "") -> str:
        """The household's child-area field, e.g. ``household__township``."""
        return f"{prefix}{GROUP_FIELD[self.area.level]}"

    def household_q(self, prefix: str = "") -> Q:
        """Households of the area shown (by the area that runs them, as scope does)."""
        if self.level == AreaLevel.CITY:
            return Q(**{f"{prefix}county__city_id": self.area.pk})
        if self.level == AreaLevel.COUNTY:
            return Q(**{f"{prefix}county_id": self.area.pk})
        return Q(**{f"{prefix}township_id": self.area.pk})

    @cached_property
    def children(self) -> list[Area]:
        """The rows of every table: the child areas, in code order (one query)."""
        if self.level == AreaLevel.CITY:
            qs = Area.objects.filter(level=AreaLevel.COUNTY, city_id=self.area.pk)
        elif self.level == AreaLevel.COUNTY:
            # The townships this unit runs (a functional zone runs townships whose
            # statistical parent is a district).
            qs = Area.objects.filter(level=AreaLevel.TOWNSHIP, county_id=self.area.pk)
        else:
            qs = Area.objects.filter(level=AreaLevel.VILLAGE, township_id=self.area.pk)
        return list(qs.filter(active=True).order_by("code"))

    @property
    def children_drillable(self) -> bool:
        return self.child_level in DASHBOARD_LEVELS

    def breadcrumbs(self) -> list[Area]:
        """The areas between the user's own and the one shown, top first (links up).
        Built from the user's area and the shown area's ancestor keys: no query."""
        home = home_area(self.user)
        if home is None or home.pk == self.area.pk:
            return []
        if self.level == AreaLevel.TOWNSHIP and home.level == AreaLevel.CITY:
            return [home, self.area.county]
        if home.level in (AreaLevel.CITY, AreaLevel.COUNTY):
            return [home]
        return []

    def cache_key(self, period: Period, panel_keys: list[str]) -> str:
        return "|".join(
            [
                self.area.code,
                period.start.isoformat(),
                period.end.isoformat(),
                self.today.isoformat(),
                ",".join(panel_keys),
            ]
        )
