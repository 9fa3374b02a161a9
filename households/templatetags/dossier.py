"""``{% dossier_section section %}``: render a registered section of the dossier page."""

from __future__ import annotations

from django import template

from households.sections import Section

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_section(context, section: Section) -> str:
    """Render ``section.template_name`` with the page's context and the section's names on top
    (households/sections.py: a section template reads its rows by the names its provider gave)."""
    tpl = context.template.engine.get_template(section.template_name)
    with context.push(dict(section.context)):
        return tpl.render(context)
