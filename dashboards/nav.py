from __future__ import annotations

from django.utils.translation import gettext as _

from dashboards.panels import panels_for
from jiuzhu.navigation import NavItem


def items(user) -> list[NavItem]:
    # Shown to every role that has at least one panel (finance: once funding panels exist).
    if not panels_for(user):
        return []
    return [NavItem(_("Dashboards"), "dashboards:index", order=80)]
