from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def figure(value, fmt: str = "int") -> str:
    """A dashboard figure as shown: money with 2 decimals, dates as 2026-11-29."""
    if value is None:
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if fmt == "money":
        return f"{Decimal(value):,.2f}"
    if fmt == "percent":
        return f"{value}%"
    return str(value)


@register.simple_tag
def query(base: dict, **changes) -> str:
    """The current dashboard query with some parameters changed (None drops one)."""
    params = {**base, **changes}
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})
