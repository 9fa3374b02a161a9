"""``{% staffing_nav %}``: the staffing section's links, only those the user's role may open."""

from __future__ import annotations

from django import template

from staffing import nav

register = template.Library()


@register.inclusion_tag("staffing/_nav.html", takes_context=True)
def staffing_nav(context) -> dict:
    return {"links": nav.section_links(context["user"])}
