"""Links from a figure to the list behind it.

The households list (``/households/``) takes these filters (built on the dossier
branch): ``township``, ``county``, ``village``, ``status``, ``category`` (an enrolment in
force of that category), ``completeness`` (a band such as ``0-59``), ``review_due=1``
(next review before today) and ``missing`` (a dossier requirement code the household lacks). This is the one place that spells them: if the list names a
filter differently, change it here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from jiuzhu.models import AreaLevel

AREA_PARAM = {AreaLevel.COUNTY: "county", AreaLevel.TOWNSHIP: "township", AreaLevel.VILLAGE: "village"}


def households_url(area=None, **filters) -> str:
    """The households list for ``area`` (None: everything in the user's scope, which is
    the area shown when it is the user's own) narrowed by ``filters``."""
    params: dict[str, object] = {}
    if area is not None and area.level in AREA_PARAM:
        params[AREA_PARAM[area.level]] = area.pk
    params.update({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse("households:list") + ("?" + urlencode(params) if params else "")


def households_link(scope, **filters):
    """A ``cell_link`` for Table: the child area's list, or the shown area's for totals."""

    def link(area, column_key: str) -> str | None:
        if column_key not in filters:
            return None  # a derived figure (an age, a share): no list of its own
        return households_url(area if area is not None else _shown(scope), **filters[column_key])

    return link


def _shown(scope):
    # The total row: the area shown. The city itself needs no filter (a city user's list
    # is the whole city already).
    return scope.area if scope.area.level != AreaLevel.CITY else None
