"""The panel registry: every dashboard figure is a Panel computed by ONE aggregate query.

A panel's ``compute(*, scope, period)`` runs one ``GROUP BY`` over the whole area shown,
grouped by the child area (``scope.group_field()``), and hands the grouped rows to a
``Table`` which lays them out one row per child area (zero rows included), adds the
total row, the drill-down links and the chart series. No query per area: the child areas
are loaded once per request by the scope and shared by all panels.

Adding a panel for a new model (see dashboards/README.md)::

    @register_panel(key="plans", title=_("Assistance plans"), kind="bar", order=70)
    def plans(*, scope, period):
        table = Table(scope, period, [Column("active", _("Active plans"))])
        rows = (Plan.objects.filter(scope.household_q("household__"))
                .values(scope.group_field("household__"))
                .annotate(active=Count("pk", filter=Q(status="active"))))
        table.fill(rows, scope.group_field("household__"))
        return table.build()
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from jiuzhu.models import CIVIL_AFFAIRS_ROLES

KINDS = ("table", "bar", "pie", "number")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # How the total row combines the column: "sum", "max", "min", or None (left empty,
    # or filled by the panel's ``derive``, e.g. a per-capita figure or a share).
    total: str | None = "sum"
    # "int", "money" (yuan, 2 decimals), "percent", "days", "date"
    format: str = "int"
    # Whether the chart draws this column (derived ratios usually not).
    chart: bool = True


@dataclass
class Cell:
    value: Any
    link: str | None = None


@dataclass
class Row:
    label: str
    cells: list[Cell]
    area_id: int | None = None
    # The same dashboard one level down (None for villages and the total row).
    link: str | None = None
    is_total: bool = False


@dataclass
class PanelData:
    columns: list[Column]
    rows: list[Row]
    # Chart.js-shaped: {"labels": [...], "datasets": [{"label": ..., "data": [...]}]}
    chart: dict = field(default_factory=dict)
    note: str = ""
    # Anything else a panel shows beside its table (e.g. the most-missing dossier items).
    extra: dict = field(default_factory=dict)
    # What the first column's labels are, where they are not areas (e.g. caseworker and month).
    row_heading: str = ""

    @property
    def body_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.is_total]

    @property
    def total(self) -> Row | None:
        return next((row for row in self.rows if row.is_total), None)

    @property
    def table(self) -> list[tuple[Row, list[tuple[Column, Cell]]]]:
        """Rows with each cell beside its column (for templates)."""
        return [(row, list(zip(self.columns, row.cells, strict=True))) for row in self.rows]

    def value(self, area_id: int | None, column_key: str) -> Any:
        """One figure, by child area (None: the total row) and column key."""
        index = [c.key for c in self.columns].index(column_key)
        for row in self.rows:
            if (row.is_total and area_id is None) or (
                not row.is_total and row.area_id == area_id and area_id is not None
            ):
                return row.cells[index].value
        raise KeyError(area_id)

    def cell(self, area_id: int | None, column_key: str) -> Cell:
        index = [c.key for c in self.columns].index(column_key)
        for row in self.rows:
            if (row.is_total and area_id is None) or (
                not row.is_total and row.area_id == area_id and area_id is not None
            ):
                return row.cells[index]
        raise KeyError(area_id)

    def as_dict(self) -> dict:
        return {
            "columns": [asdict(c) for c in self.columns],
            "rows": [
                {
                    "label": r.label,
                    "area_id": r.area_id,
                    "link": r.link,
                    "is_total": r.is_total,
                    "cells": [{"value": _json_value(c.value), "link": c.link} for c in r.cells],
                }
                for r in self.rows
            ],
            "chart": self.chart,
            "note": self.note,
            "extra": self.extra,
        }


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    kind: str
    compute: Callable[..., PanelData]
    order: int = 50
    # Roles that see the panel (administrators see every panel). Household panels are
    # civil affairs'; finance panels (staffing, funding) will list FINANCE_ROLES.
    roles: frozenset = CIVIL_AFFAIRS_ROLES
    description: str = ""

    def visible_to(self, user) -> bool:
        return bool(user.is_superuser or user.role in self.roles)


_REGISTRY: dict[str, Panel] = {}


def register_panel(
    *, key: str, title, kind: str = "bar", order: int = 50, roles: Iterable[str] = CIVIL_AFFAIRS_ROLES, description=""
) -> Callable:
    """Decorator registering ``compute(*, scope, period) -> PanelData`` as a panel."""
    if kind not in KINDS:
        raise ValueError(f"panel kind must be one of {KINDS}")

    def decorate(compute: Callable[..., PanelData]) -> Callable[..., PanelData]:
        _REGISTRY[key] = Panel(
            key=key,
            title=title,
            kind=kind,
            compute=compute,
            order=order,
            roles=frozenset(roles),
            description=description,
        )
        return compute

    return decorate


def unregister_panel(key: str) -> None:
    _REGISTRY.pop(key, None)


def all_panels() -> list[Panel]:
    return sorted(_REGISTRY.values(), key=lambda p: (p.order, p.key))


def panels_for(user) -> list[Panel]:
    return [p for p in all_panels() if p.visible_to(user)]


def get_panel(key: str) -> Panel | None:
    return _REGISTRY.get(key)


def dashboard_url(area_id: int, period) -> str:
    return reverse("dashboards:index") + "?" + urlencode({"area": area_id, **period.as_params()})


class Table:
    """Lays one grouped query out as rows per child area plus a total row.

    ``cell_link(area, column_key)`` gives the list behind a figure (area None: the whole
    area shown); ``derive(values)`` fills derived columns (ratios) from the others, in
    every row and in the total row.
    """

    def __init__(
        self,
        scope,
        period,
        columns: list[Column],
        *,
        cell_link: Callable[[Any, str], str | None] | None = None,
        derive: Callable[[dict], None] | None = None,
    ):
        self.scope = scope
        self.period = period
        self.columns = columns
        self.cell_link = cell_link
        self.derive = derive
        self.values: dict[int | None, dict[str, Any]] = {}

    def add(self, area_id: int | None, column_key: str, value) -> None:
        if value is None:
            return
        row = self.values.setdefault(area_id, {})
        row[column_key] = _combine(row.get(column_key), value, "sum")

    def fill(self, rows: Iterable[dict], group_key: str, mapping: dict[str, str] | None = None) -> None:
        """Add ``values()`` rows: each row's ``group_key`` is the child area id; the
        other keys are column keys (or mapped to them by ``mapping``)."""
        for row in rows:
            area_id = row[group_key]
            for key, value in row.items():
                if key == group_key:
                    continue
                self.add(area_id, (mapping or {}).get(key, key), value)

    def _empty(self) -> dict:
        return {c.key: (0 if c.total == "sum" else None) for c in self.columns}

    def build(self, *, chart_kind: str = "bar", stacked: bool = False, note: str = "") -> PanelData:
        rows: list[Row] = []
        children = self.scope.children
        known = {a.pk for a in children}
        ordered: list[tuple[Any, str, int | None]] = [(a, a.name, a.pk) for a in children]
        # Households whose child area is not set (no village recorded) or not active.
        stray = [k for k in self.values if k not in known]
        if stray:
            ordered.append((None, _("Not assigned"), None))
        total = self._empty()
        how = {c.key: (c.total or "sum") for c in self.columns}
        for area, label, area_id in ordered:
            merged: dict[str, Any] = {}
            for key in [area_id] if area is not None else stray:
                for col, value in self.values.get(key, {}).items():
                    merged[col] = _combine(merged.get(col), value, how.get(col, "sum"))
            values = {**self._empty(), **merged}
            for column in self.columns:
                if column.total:
                    total[column.key] = _combine(total.get(column.key), values.get(column.key), column.total)
            if self.derive:
                self.derive(values)
            link = None
            if area is not None and self.scope.children_drillable:
                link = dashboard_url(area.pk, self.period)
            rows.append(Row(label=label, area_id=area_id, link=link, cells=self._cells(area, values)))
        if self.derive:
            self.derive(total)
        rows.append(Row(label=_("Total"), cells=self._cells(None, total, total_row=True), is_total=True))
        chart = self._chart(rows, chart_kind)
        if stacked:
            chart["stacked"] = True
        return PanelData(columns=self.columns, rows=rows, chart=chart, note=note)

    def _cells(self, area, values: dict, total_row: bool = False) -> list[Cell]:
        cells = []
        for column in self.columns:
            value = values.get(column.key)
            link = None
            if self.cell_link and value not in (None, 0) and (total_row or area is not None):
                link = self.cell_link(None if total_row else area, column.key)
            cells.append(Cell(value=value, link=link))
        return cells

    def _chart(self, rows: list[Row], kind: str) -> dict:
        charted = [i for i, c in enumerate(self.columns) if c.chart]
        if kind == "pie":
            total = next(r for r in rows if r.is_total)
            return {
                "type": "pie",
                "labels": [self.columns[i].label for i in charted],
                "datasets": [{"label": _("Total"), "data": [_number(total.cells[i].value) for i in charted]}],
            }
        body = [r for r in rows if not r.is_total]
        return {
            "type": "bar",
            "labels": [r.label for r in body],
            "datasets": [
                {"label": self.columns[i].label, "data": [_number(r.cells[i].value) for r in body]} for i in charted
            ],
        }


def _number(value):
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return 0
    return value


def _combine(old, new, how: str):
    if new is None:
        return old
    if old is None:
        return new
    if how == "sum":
        return old + new
    if how == "max":
        return max(old, new)
    if how == "min":
        return min(old, new)
    return old
