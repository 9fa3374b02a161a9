"""``{% staffing_nav %}``: the staffing section's links, only those the user's role may open."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from staffing import nav

register = template.Library()


@register.inclusion_tag("staffing/_nav.html", takes_context=True)
def staffing_nav(context) -> dict:
    return {"links": nav.section_links(context["user"])}


@register.filter
def yuan(value) -> str:
    """An amount as the finance office writes it: thousands separators, two decimals (180,000.00)."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
